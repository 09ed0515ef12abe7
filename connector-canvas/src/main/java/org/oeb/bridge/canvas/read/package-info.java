/** Reading Canvas for the connector kit: roster with scores, graded submissions, course and module progress. */
package org.oeb.bridge.canvas.read;

/** The Canvas connector deployable: reads Canvas, hands learner progress to the award pipeline. */
package org.oeb.bridge.canvas;

/** Reading Moodle for the connector kit: rosters, change signals (access, grades, a completion report) and progress. */
package org.oeb.bridge.moodle.read;

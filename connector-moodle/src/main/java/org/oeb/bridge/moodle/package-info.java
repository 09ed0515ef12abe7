/** The Moodle connector deployable: reads Moodle, hands learner progress to the award pipeline. */
package org.oeb.bridge.moodle;

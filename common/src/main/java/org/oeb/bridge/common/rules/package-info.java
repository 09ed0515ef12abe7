/** Award rules: conditions on learner progress, evaluated as pure functions, and their configuration syntax. */
package org.oeb.bridge.common.rules;

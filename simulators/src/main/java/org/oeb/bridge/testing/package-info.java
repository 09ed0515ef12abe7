/**
 * Faithful fakes of the external systems (OEB, Moodle) and a Redis for tests: one fake per
 * system, used by every module's tests and by the local sandbox.
 */
package org.oeb.bridge.testing;

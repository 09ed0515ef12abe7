/** Polling Moodle, the source of truth: cycles per course under a Redis lease, and the nightly sweep. */
package org.oeb.bridge.moodle.poll;

/** Hints pushed by Moodle webhook plugins: verified, then answered with a targeted re-read. */
package org.oeb.bridge.moodle.webhook;

/** Signed Canvas Live Events: verified, bound to their institution, then answered with a targeted re-read. */
package org.oeb.bridge.canvas.events;

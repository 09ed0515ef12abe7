/** Canvas sites: their settings, tokens and the throttled, paginating REST client. */
package org.oeb.bridge.canvas.site;

/** Moodle sites: their settings, the Web Services REST client and its typed errors. */
package org.oeb.bridge.moodle.site;

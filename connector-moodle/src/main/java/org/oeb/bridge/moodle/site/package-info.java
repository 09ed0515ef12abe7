/** Moodle sites: the Web Services REST client, its typed errors, and whether each site is usable. */
package org.oeb.bridge.moodle.site;

/** Where OEB is and how long the gateway waits for it. */
package org.oeb.bridge.gateway.oeb;

/** The gateway deployable: per-institution OEB credentials, tokens and tenant isolation. */
package org.oeb.bridge.gateway;

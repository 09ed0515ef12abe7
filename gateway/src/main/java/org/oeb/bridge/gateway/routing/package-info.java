/** Routes {@code /oeb/{institution}/**} to OEB with the institution's token and limits. */
package org.oeb.bridge.gateway.routing;

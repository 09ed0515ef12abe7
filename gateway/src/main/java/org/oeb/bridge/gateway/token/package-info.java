/** OEB access tokens: one per institution, cached in Redis for the whole fleet, refreshed single-flight. */
package org.oeb.bridge.gateway.token;

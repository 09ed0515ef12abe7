/** Which institutions exist, and which connector API key belongs to which of them. */
package org.oeb.bridge.gateway.tenancy;

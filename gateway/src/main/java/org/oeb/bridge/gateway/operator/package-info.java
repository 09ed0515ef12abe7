/** Who sees operational detail on the management port: health per institution only for an authenticated operator. */
package org.oeb.bridge.gateway.operator;

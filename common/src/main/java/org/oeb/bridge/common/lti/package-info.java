/**
 * The LTI 1.3 tool "My badges": OIDC login initiation, verified resource-link launches and the tool's key set.
 */
package org.oeb.bridge.common.lti;

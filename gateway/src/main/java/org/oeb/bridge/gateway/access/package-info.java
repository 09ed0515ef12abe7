/** Who may call what: canonical paths, connector keys, the operations each key may use, and body limits. */
package org.oeb.bridge.gateway.access;

/** What support staff see and do: the issuance actuator endpoint, health, and who may use them. */
package org.oeb.bridge.common.operations;

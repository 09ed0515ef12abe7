/** Deciding awards: rules per institution, the award ledger on Redis, and the engine connectors feed. */
package org.oeb.bridge.common.awards;

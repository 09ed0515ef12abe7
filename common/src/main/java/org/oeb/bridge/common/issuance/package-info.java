/** Issuing decided awards in OEB through the gateway: stream workers, retries, look-ups and dead letters. */
package org.oeb.bridge.common.issuance;

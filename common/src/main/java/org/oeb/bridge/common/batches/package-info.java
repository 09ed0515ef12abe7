/** Manual and bulk issuing: an operator's list of recipients becomes awards of a batch in the ledger. */
package org.oeb.bridge.common.batches;

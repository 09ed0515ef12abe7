/** The domain both connectors share: learner progress, award rules, the ledger and issuance (later issues). */
package org.oeb.bridge.common;

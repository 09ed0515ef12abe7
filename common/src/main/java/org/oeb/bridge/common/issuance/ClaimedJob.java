package org.oeb.bridge.common.issuance;

import java.time.Instant;
import java.util.Map;

import org.oeb.bridge.common.awards.Award;

/**
 * A job this worker owns: the award's ledger fields as they were when it was claimed, and the
 * fence every outcome must present.
 *
 * @param institution the institution
 * @param entry the stream entry
 * @param fence the award's fence number for this claim
 * @param posted whether the claim already counted as the POST attempt (a first attempt in a
 * complete ledger); otherwise the award is looked up first
 * @param ledgerVerified whether a full sweep has finished since the ledger last started empty
 * @param fields the award's ledger fields: the {@link Award} and the issuing bookkeeping
 */
record ClaimedJob(String institution, String entry, long fence, boolean posted, boolean ledgerVerified,
		Map<String, String> fields) {

	/** What is to be issued. */
	Award award() {
		return Award.fromLedger(this.fields);
	}

	String ruleId() {
		return this.fields.get("rule");
	}

	String userId() {
		return this.fields.get("user");
	}

	/** An attempt's bookkeeping field (kept by the issuing scripts), empty when absent. */
	String field(String name) {
		return this.fields.getOrDefault(name, "");
	}

	long number(String name) {
		String value = this.fields.get(name);
		return (value == null || value.isEmpty()) ? 0 : Long.parseLong(value);
	}

	/** When the last POST of this award was sent, if one was. */
	Instant postedAt() {
		long millis = number("postedAt");
		return (millis > 0) ? Instant.ofEpochMilli(millis) : null;
	}

	Instant decidedAt() {
		return award().decidedAt();
	}

}

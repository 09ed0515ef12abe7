package org.oeb.bridge.common.issuance;

import java.time.Instant;
import java.util.Map;

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
 * @param award the award's ledger fields
 */
record ClaimedJob(String institution, String entry, long fence, boolean posted, boolean ledgerVerified,
		Map<String, String> award) {

	String ruleId() {
		return this.award.get("rule");
	}

	String userId() {
		return this.award.get("user");
	}

	String field(String name) {
		return this.award.getOrDefault(name, "");
	}

	long number(String name) {
		String value = this.award.get(name);
		return (value == null || value.isEmpty()) ? 0 : Long.parseLong(value);
	}

	/** When the last POST of this award was sent, if one was. */
	Instant postedAt() {
		long millis = number("postedAt");
		return (millis > 0) ? Instant.ofEpochMilli(millis) : null;
	}

	Instant decidedAt() {
		String value = this.award.get("decidedAt");
		return (value == null || value.isEmpty()) ? null : Instant.parse(value);
	}

}

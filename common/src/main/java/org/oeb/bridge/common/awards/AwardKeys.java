package org.oeb.bridge.common.awards;

/**
 * The Redis keys of one institution. All carry the institution as a hash tag, so that one
 * institution's keys live in one Redis Cluster slot and its Lua scripts stay atomic there.
 */
public record AwardKeys(String prefix, String institution) {

	/** The consumer group every issuer worker joins. */
	public static final String GROUP = "issuers";

	private String base() {
		return this.prefix + ":{" + this.institution + "}:";
	}

	public String award(String ruleId, String userId) {
		return awardPrefix() + ruleId + ":" + userId;
	}

	/** What every award key of the institution starts with; scripts append {@code rule:user}. */
	public String awardPrefix() {
		return base() + "award:";
	}

	/** Pattern of all award keys, for operator listings. */
	public String awardPattern() {
		return base() + "award:*";
	}

	public String counts() {
		return base() + "counts";
	}

	public String issuance() {
		return base() + "issuance";
	}

	public String dead() {
		return base() + "dead";
	}

	public String retries() {
		return base() + "retries";
	}

	public String paused() {
		return base() + "paused";
	}

	/** When the ledger last started empty (first start, or lost Redis data). */
	public String epoch() {
		return base() + "epoch";
	}

	/** The epoch in which the last full sweep finished. */
	public String swept() {
		return base() + "swept";
	}

	/** The epoch whose pending awards were last given jobs again. */
	public String orphansScanned() {
		return base() + "orphans-scanned";
	}

	/** Per course, the epoch in which it was last swept. */
	public String sweptCourses() {
		return base() + "swept-courses";
	}

	public String progress(String userId) {
		return base() + "progress:" + userId;
	}

}

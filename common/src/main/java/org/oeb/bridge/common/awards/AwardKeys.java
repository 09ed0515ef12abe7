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

	/** OEB assertion entityId to the award ({@code rule:user}) it was issued for. */
	public String assertions() {
		return base() + "assertions";
	}

	/** Issued awards that expire, scored by their expiry (ms); members are {@code rule:user}. */
	public String expiries() {
		return base() + "expiries";
	}

	/** Assertions of the institution the bridge did not issue, by assertion entityId. */
	public String foreign() {
		return base() + "foreign";
	}

	/** Per learner (by the hash of their e-mail), the ids of the foreign assertions they hold. */
	public String foreignByLearner() {
		return base() + "foreign-by-learner";
	}

	/** The hash of a learner's e-mail to their LMS user id. */
	public String learners() {
		return base() + "learners";
	}

	/** LMS user id to the learner's e-mail, for OEB's per-learner embeds. */
	public String learnerEmails() {
		return base() + "learner-emails";
	}

	/** The cached badge classes of the institution, by entityId. */
	public String badgeClasses() {
		return base() + "badge-classes";
	}

	/** The institution's learning paths, as last read. */
	public String learningPaths() {
		return base() + "learning-paths";
	}

	/** Where the reading of one OEB change feed stands. */
	public String feedCursor(String feed) {
		return base() + "feed:" + feed;
	}

	/** Held by the replica that reads the institution's OEB change feeds. */
	public String syncLease() {
		return base() + "sync-lease";
	}

	/** Awards to revoke because the learner lost the achievement, scored by when (ms); members are {@code rule:user}. */
	public String revocations() {
		return base() + "revocations";
	}

	/** Tombstones of erased learners (hashes that name no one), so their next awards are looked up first. */
	public String erased() {
		return base() + "erased";
	}

	/** The institution's manual batches, scored by when each was created (ms). */
	public String batches() {
		return base() + "batches";
	}

	/** What a manual batch is: its badge class and when it was created and last submitted. */
	public String batch(String batchId) {
		return base() + "batch:" + batchId;
	}

	/** The recipients of a manual batch: user id to the line of the submission that added them. */
	public String batchRecipients(String batchId) {
		return base() + "batch:" + batchId + ":recipients";
	}

	/** The award key of a {@code rule:user} member of {@link #expiries()} or {@link #revocations()}. */
	public String awardOf(String member) {
		return awardPrefix() + member;
	}

}

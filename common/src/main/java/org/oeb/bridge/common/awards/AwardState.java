package org.oeb.bridge.common.awards;

/** Where an award stands in the ledger. */
public enum AwardState {

	/** Decided; the issuance job is queued or being retried. */
	PENDING("pending"),
	/** Decided, but the learner has no usable e-mail yet; issued as soon as one appears. */
	PENDING_IDENTITY("pending-identity"),
	/** Decided while the institution runs in dry-run mode; nothing is issued. */
	DRY_RUN("dry-run"),
	/** OEB holds the assertion. */
	ISSUED("issued"),
	/**
	 * OEB holds an assertion of this award, but it was revoked (in OEB, or by the bridge when
	 * the learner lost the achievement); not issued again unless the rule may be re-earned.
	 */
	REVOKED("revoked"),
	/** OEB's assertion of this award has passed its expiry date. */
	EXPIRED("expired"),
	/** OEB refused it permanently, or retries were exhausted; waits for an operator. */
	DEAD("dead"),
	/** An operator dropped a dead award; the rule will not fire again for the learner. */
	DISCARDED("discarded");

	private final String value;

	AwardState(String value) {
		this.value = value;
	}

	/** The spelling stored in Redis and shown to operators. */
	public String value() {
		return this.value;
	}

	public static AwardState of(String value) {
		for (AwardState state : values()) {
			if (state.value.equals(value)) {
				return state;
			}
		}
		throw new IllegalArgumentException("unknown award state '" + value + "'");
	}

}

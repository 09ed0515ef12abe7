package org.oeb.bridge.moodle.site;

/**
 * A Web Services call that did not return data. {@link #configurationProblem()} tells whether
 * retrying can help: a bad token or a missing function or capability needs an administrator.
 */
public class MoodleException extends RuntimeException {

	private final Kind kind;

	private final String errorCode;

	public MoodleException(Kind kind, String errorCode, String message) {
		super(message, null, false, false);
		this.kind = kind;
		this.errorCode = errorCode;
	}

	public Kind kind() {
		return this.kind;
	}

	/** Moodle's {@code errorcode}, or {@code null} when Moodle sent none. */
	public String errorCode() {
		return this.errorCode;
	}

	public boolean configurationProblem() {
		return this.kind == Kind.MISCONFIGURED || this.kind == Kind.REST_DISABLED;
	}

	/** What went wrong. */
	public enum Kind {

		/** invalidtoken, accessexception, nopermissions, a function missing from the service */
		MISCONFIGURED,
		/** HTTP 200 with an empty body: web services or the REST protocol are off */
		REST_DISABLED,
		/** a per-call error such as usernotenroled or nocriteriaset: skip that learner */
		REFUSED,
		/** timeout, connection failure, HTTP 5xx, maintenance */
		UNAVAILABLE

	}

}

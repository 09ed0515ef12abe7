package org.oeb.bridge.moodle.site;

import java.util.Set;

import org.oeb.bridge.common.connector.LmsFailure;

/**
 * A Web Services call that did not return data. {@link #needsAdministrator()} tells whether
 * retrying can help: a bad token or a missing function or capability needs an administrator.
 * A bad token, a function missing from the service, disabled web services and an unreachable
 * site affect the whole site; any other error (a deleted course, a capability missing in one
 * category) affects only the course it was read for.
 */
public class MoodleException extends LmsFailure {

	private static final Set<String> SITE_WIDE_ERRORS = Set.of("invalidtoken", "accessexception",
			"servicenotavailable", "webservicenotavailable", "sitemaintenance", "enablewsdescription");

	private final Kind kind;

	public MoodleException(Kind kind, String errorCode, String message) {
		super(errorCode, kind == Kind.MISCONFIGURED || kind == Kind.REST_DISABLED || kind == Kind.REFUSED,
				kind == Kind.REST_DISABLED || kind == Kind.UNAVAILABLE || SITE_WIDE_ERRORS.contains(errorCode),
				message);
		this.kind = kind;
	}

	public Kind kind() {
		return this.kind;
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

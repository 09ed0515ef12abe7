package org.oeb.bridge.common.connector;

import java.time.Instant;
import java.util.Set;

/**
 * Whether an LMS site (or one of its courses) can be read, and if not, what an administrator
 * must fix.
 *
 * @param state the verdict
 * @param errorCode the LMS's own error code, when it gave one
 * @param message what went wrong, naming the missing function or capability where known
 * @param missingFunctions functions the rules need that the site does not allow the connector
 * @param checkedAt when this was found
 */
public record SiteStatus(State state, String errorCode, String message, Set<String> missingFunctions,
		Instant checkedAt) {

	/** The verdicts. */
	public enum State {

		// the ordinal is exported as bridge_connector_site_status (alerts compare it): add new states at the end

		/** not checked yet */
		UNKNOWN,
		/** credentials valid, everything the rules need allowed */
		OK,
		/** needs an administrator: bad credentials, a missing function or capability, a deleted course */
		MISCONFIGURED,
		/** the LMS could not be reached or failed; retried */
		UNAVAILABLE

	}

	public SiteStatus {
		missingFunctions = (missingFunctions != null) ? Set.copyOf(missingFunctions) : Set.of();
	}

	public static SiteStatus unknown() {
		return new SiteStatus(State.UNKNOWN, null, "not checked yet", Set.of(), Instant.now());
	}

	public static SiteStatus ok() {
		return new SiteStatus(State.OK, null, null, Set.of(), Instant.now());
	}

	public static SiteStatus of(LmsFailure failure) {
		return new SiteStatus(failure.needsAdministrator() ? State.MISCONFIGURED : State.UNAVAILABLE,
				failure.errorCode(), failure.getMessage(), Set.of(), Instant.now());
	}

	/** Functions the rules need are not allowed; {@code message} says where an administrator allows them. */
	public static SiteStatus missing(Set<String> functions, String message) {
		return new SiteStatus(State.MISCONFIGURED, "missingfunctions", message, functions, Instant.now());
	}

	public boolean pollable() {
		return this.state == State.OK;
	}

}

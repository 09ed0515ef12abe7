package org.oeb.bridge.moodle.site;

import java.time.Instant;
import java.util.Set;

/**
 * Whether a Moodle site can be polled, and if not, what an administrator must fix.
 *
 * @param state the verdict
 * @param errorCode Moodle's errorcode, when Moodle gave one
 * @param message what went wrong, naming the missing function or capability where known
 * @param missingFunctions functions the rules need that the external service lacks
 * @param checkedAt when this was found
 */
public record SiteStatus(State state, String errorCode, String message, Set<String> missingFunctions,
		Instant checkedAt) {

	/** The verdicts. */
	public enum State {

		/** not checked yet */
		UNKNOWN,
		/** token valid, every needed function enabled */
		OK,
		/** needs an administrator: bad token, missing function or capability, REST disabled */
		MISCONFIGURED,
		/** Moodle could not be reached or failed; retried */
		UNAVAILABLE

	}

	public static SiteStatus unknown() {
		return new SiteStatus(State.UNKNOWN, null, "not checked yet", Set.of(), Instant.now());
	}

	public static SiteStatus ok() {
		return new SiteStatus(State.OK, null, null, Set.of(), Instant.now());
	}

	public static SiteStatus of(MoodleException failure) {
		State state = failure.configurationProblem() || failure.kind() == MoodleException.Kind.REFUSED
				? State.MISCONFIGURED : State.UNAVAILABLE;
		return new SiteStatus(state, failure.errorCode(), failure.getMessage(), Set.of(), Instant.now());
	}

	public static SiteStatus missing(Set<String> functions) {
		return new SiteStatus(State.MISCONFIGURED, "missingfunctions",
				"functions missing from the connector's external service: " + String.join(", ", functions)
						+ " (Site administration > Server > Web services > External services > Functions)",
				Set.copyOf(functions), Instant.now());
	}

	public boolean pollable() {
		return this.state == State.OK;
	}

}

package org.oeb.bridge.common.issuance;

import java.time.Duration;
import java.time.Instant;

/** What becomes of a claimed job after one step of an attempt. */
sealed interface Verdict {

	/** OEB holds the award ({@code revoked}: it holds it revoked, and it is not issued again). */
	record Issued(String assertionId, String how, boolean revoked) implements Verdict {
	}

	/** Back into the queue at {@code at}. */
	record RetryAt(Instant at, String reason, boolean countsAsFailure) implements Verdict {
	}

	/** Refused for good, or failing for longer than {@code give-up-after}: an operator decides. */
	record DeadLetter(String reason) implements Verdict {
	}

	/** The institution's issuing stops for {@code duration}; the job waits until then. */
	record Pause(String reason, Duration duration) implements Verdict {
	}

	/** Not started: handed back at once (the worker is stopping). */
	record Release() implements Verdict {
	}

	/** The look-up found nothing: send the award. */
	record PostNow() implements Verdict {
	}

	/** OEB refused a duplicate: find the award it already holds. */
	record LookUpExisting() implements Verdict {
	}

}

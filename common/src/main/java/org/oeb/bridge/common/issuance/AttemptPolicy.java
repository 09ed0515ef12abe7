package org.oeb.bridge.common.issuance;

import java.time.Duration;
import java.time.Instant;
import java.util.function.LongUnaryOperator;

import org.oeb.bridge.common.issuance.OebIssuer.Outcome;

/**
 * What one answer from OEB means for a claimed job. Pure: no Redis, no HTTP, no clock of its
 * own, so every rule here is tested on its own.
 */
final class AttemptPolicy {

	private final IssuanceProperties properties;

	private final LongUnaryOperator jitter;

	/**
	 * @param jitter given the capped delay in milliseconds, the delay to use (full jitter in
	 * the upper half in production)
	 */
	AttemptPolicy(IssuanceProperties properties, LongUnaryOperator jitter) {
		this.properties = properties;
		this.jitter = jitter;
	}

	/**
	 * Before a look-up: an earlier POST may still be running on OEB's side until
	 * {@code settle-time} after it was sent; until then the job waits instead of looking.
	 */
	Verdict beforeLookUp(ClaimedJob job, Instant now) {
		Instant mayStillRun = lastPostThatMayStillRun(job);
		if (mayStillRun == null) {
			return null;
		}
		Instant settled = mayStillRun.plus(this.properties.settleTime());
		if (now.isBefore(settled)) {
			return new Verdict.RetryAt(settled, "waiting until OEB has surely finished the issue call sent at "
					+ mayStillRun + " before looking the award up", false);
		}
		return null;
	}

	/**
	 * The newest POST whose fate is unknown or ambiguous: the last one unless it was answered
	 * "not processed", and any earlier one that ended ambiguously.
	 */
	private static Instant lastPostThatMayStillRun(ClaimedJob job) {
		long last = job.number("postedAt");
		long unsent = job.number("unsentPostAt");
		long ambiguous = job.number("ambiguousPostAt");
		long newest = Math.max((last > 0 && last != unsent) ? last : 0, ambiguous);
		return (newest > 0) ? Instant.ofEpochMilli(newest) : null;
	}

	/** The attempt broke on our side (a bug, bad data): retried like an ambiguous failure, then dead-lettered. */
	Verdict afterCrash(ClaimedJob job, RuntimeException failure, Instant now) {
		// the settle wait, if a POST may be out, comes from the fate recorded with this verdict
		return retry(job, "the attempt failed in the connector: " + failure, null, null, now);
	}

	Verdict afterLookUp(ClaimedJob job, Outcome found, Instant now) {
		if (found instanceof Outcome.Issued issued) {
			return new Verdict.Issued(issued.assertionId(), "look-up", false);
		}
		if (found instanceof Outcome.FoundRevoked revoked) {
			return new Verdict.Issued(revoked.assertionId(), "look-up", true);
		}
		if (found instanceof Outcome.NotFound) {
			return new Verdict.PostNow();
		}
		return failure(job, found, now, null, "look-up failed: ");
	}

	/** After the POST sent at {@code postedAt}. */
	Verdict afterIssue(ClaimedJob job, Outcome outcome, Instant now, Instant postedAt) {
		if (outcome instanceof Outcome.Issued issued) {
			return new Verdict.Issued(issued.assertionId(), "issue", false);
		}
		if (outcome instanceof Outcome.AlreadyAwarded) {
			return new Verdict.LookUpExisting();
		}
		return failure(job, outcome, now, postedAt, "");
	}

	/** After OEB refused a duplicate and the award it already holds was looked up. */
	Verdict afterExistingLookUp(ClaimedJob job, Outcome found, Instant now) {
		if (found instanceof Outcome.Issued issued) {
			return new Verdict.Issued(issued.assertionId(), "existing award", false);
		}
		if (found instanceof Outcome.NotFound || found instanceof Outcome.FoundRevoked) {
			return new Verdict.DeadLetter("OEB reports an existing award of this badge to the learner that the "
					+ "look-up does not find");
		}
		return failure(job, found, now, null, "look-up after a duplicate refusal failed: ");
	}

	private Verdict failure(ClaimedJob job, Outcome outcome, Instant now, Instant postedAt, String prefix) {
		if (outcome instanceof Outcome.QuotaExhausted quota) {
			return new Verdict.Pause(quota.reason(), this.properties.quotaPause());
		}
		if (outcome instanceof Outcome.KeyRefused refused) {
			return new Verdict.Pause(refused.reason(), this.properties.keyRefusedPause());
		}
		if (outcome instanceof Outcome.Refused refused) {
			return new Verdict.DeadLetter(prefix + refused.reason());
		}
		if (outcome instanceof Outcome.Transient failure) {
			return retry(job, prefix + failure.reason(), failure.retryAfter(),
					failure.mayHaveReachedOeb() ? postedAt : null, now);
		}
		return retry(job, prefix + "unexpected answer " + outcome, null, postedAt, now);
	}

	/**
	 * A transient failure: retried with back-off (at least as late as the server asked), and
	 * when the POST may have reached OEB, no earlier than {@code settle-time} after it was
	 * sent; dead-lettered once it has been failing for {@code give-up-after}.
	 */
	private Verdict retry(ClaimedJob job, String reason, Duration retryAfter, Instant ambiguousPostAt,
			Instant now) {
		String since = job.field("failingSince");
		Instant failingSince = since.isEmpty() ? now : Instant.parse(since);
		Duration failingFor = Duration.between(failingSince, now);
		long failures = job.number("failures") + 1;
		if (failingFor.compareTo(this.properties.giveUpAfter()) >= 0) {
			return new Verdict.DeadLetter("gave up after failing for " + failingFor.toMinutes() + " min (" + failures
					+ " failures, give-up-after " + this.properties.giveUpAfter() + "); last: " + reason);
		}
		Duration delay = backoff(failures);
		if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
			delay = retryAfter;
		}
		Instant at = now.plus(delay);
		if (ambiguousPostAt != null) {
			Instant settled = ambiguousPostAt.plus(this.properties.settleTime());
			if (settled.isAfter(at)) {
				at = settled;
			}
		}
		return new Verdict.RetryAt(at, reason, true);
	}

	/** Exponential from {@code retry-initial}, capped at {@code retry-max}, then jittered. */
	Duration backoff(long failures) {
		long initial = this.properties.retryInitial().toMillis();
		long max = this.properties.retryMax().toMillis();
		long exponential = initial * (1L << Math.min(Math.max(failures - 1, 0), 30));
		long capped = Math.min(Math.max(exponential, initial), max);
		return Duration.ofMillis(this.jitter.applyAsLong(capped));
	}

}

package org.oeb.bridge.common.issuance;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.oeb.bridge.common.issuance.OebIssuer.Outcome;

import static org.assertj.core.api.Assertions.assertThat;

/** What one answer means for a job, without Redis or HTTP. */
class AttemptPolicyTests {

	private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

	private final IssuanceProperties properties = new IssuanceProperties(URI.create("http://gateway:8080"), 16,
			Duration.ofSeconds(5), Duration.ofSeconds(120), Duration.ofSeconds(15), Duration.ofMinutes(5),
			Duration.ofMinutes(2), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMinutes(30),
			Duration.ofHours(72), Duration.ofHours(1), Duration.ofMinutes(5));

	private final AttemptPolicy policy = new AttemptPolicy(this.properties, (capped) -> capped);

	@Test
	void timeoutAfterThePostWaitsUntilOebMustHaveFinishedBeforeTheNextStep() {
		Instant postedAt = NOW.minusSeconds(120);
		Verdict verdict = this.policy.afterIssue(job(Map.of()), new Outcome.Transient("timeout", null, true), NOW,
				postedAt);

		assertThat(verdict).isInstanceOfSatisfying(Verdict.RetryAt.class, (retry) -> {
			assertThat(retry.at()).isEqualTo(postedAt.plus(Duration.ofMinutes(5)));
			assertThat(retry.countsAsFailure()).isTrue();
		});
	}

	@Test
	void refusalThatReachedNothingIsRetriedWithBackOffAndHonoursRetryAfter() {
		Verdict limited = this.policy.afterIssue(job(Map.of()),
				new Outcome.Transient("HTTP 429", Duration.ofSeconds(30), false), NOW, NOW);
		Verdict unavailable = this.policy.afterIssue(job(Map.of("failures", "2")),
				new Outcome.Transient("HTTP 503", null, false), NOW, NOW);

		assertThat(((Verdict.RetryAt) limited).at()).isEqualTo(NOW.plusSeconds(30));
		assertThat(((Verdict.RetryAt) unavailable).at()).isEqualTo(NOW.plusSeconds(8));
	}

	@Test
	void lookUpWaitsWhileAnEarlierPostMayStillBeRunningOnOeb() {
		ClaimedJob recent = job(Map.of("postedAt", Long.toString(NOW.minusSeconds(10).toEpochMilli())));
		ClaimedJob old = job(Map.of("postedAt", Long.toString(NOW.minusSeconds(301).toEpochMilli())));

		assertThat(this.policy.beforeLookUp(recent, NOW)).isInstanceOfSatisfying(Verdict.RetryAt.class,
				(retry) -> {
					assertThat(retry.at()).isEqualTo(NOW.minusSeconds(10).plus(Duration.ofMinutes(5)));
					assertThat(retry.countsAsFailure()).isFalse();
				});
		assertThat(this.policy.beforeLookUp(old, NOW)).isNull();
		assertThat(this.policy.beforeLookUp(job(Map.of()), NOW)).isNull();
	}

	@Test
	void lookUpAfterAnAnswerThatProcessedNothingDoesNotWaitButAnEarlierAmbiguousPostStillCounts() {
		long lastPost = NOW.minusSeconds(10).toEpochMilli();
		ClaimedJob answeredUnsent = job(Map.of("postedAt", Long.toString(lastPost), "unsentPostAt",
				Long.toString(lastPost)));
		long earlier = NOW.minusSeconds(100).toEpochMilli();
		ClaimedJob earlierAmbiguous = job(Map.of("postedAt", Long.toString(lastPost), "unsentPostAt",
				Long.toString(lastPost), "ambiguousPostAt", Long.toString(earlier)));

		assertThat(this.policy.beforeLookUp(answeredUnsent, NOW)).isNull();
		assertThat(this.policy.beforeLookUp(earlierAmbiguous, NOW)).isInstanceOfSatisfying(Verdict.RetryAt.class,
				(retry) -> assertThat(retry.at()).isEqualTo(Instant.ofEpochMilli(earlier).plus(Duration.ofMinutes(5))));
	}

	@Test
	void anAttemptThatBrokeInTheConnectorIsRetriedAndFinallyDeadLettered() {
		ClaimedJob fresh = job(Map.of());
		ClaimedJob failingForDays = job(Map.of("failingSince", NOW.minus(Duration.ofHours(80)).toString()));

		assertThat(this.policy.afterCrash(fresh, new IllegalStateException("bad evidence"), NOW))
			.isInstanceOf(Verdict.RetryAt.class);
		assertThat(this.policy.afterCrash(failingForDays, new IllegalStateException("bad evidence"), NOW))
			.isInstanceOfSatisfying(Verdict.DeadLetter.class,
					(dead) -> assertThat(dead.reason()).contains("failed in the connector", "bad evidence"));
	}

	@Test
	void refusedKeyOnTheLookUpAfterADuplicateRefusalPausesInsteadOfDeadLettering() {
		assertThat(this.policy.afterExistingLookUp(job(Map.of()), new OebIssuer.Outcome.KeyRefused("HTTP 403"), NOW))
			.isEqualTo(new Verdict.Pause("HTTP 403", Duration.ofMinutes(5)));
	}

	@Test
	void givesUpByElapsedTimeNotByCount() {
		ClaimedJob manyQuickFailures = job(Map.of("failures", "40", "failingSince", NOW.minusSeconds(3600).toString()));
		ClaimedJob failingForThreeDays = job(
				Map.of("failures", "3", "failingSince", NOW.minus(Duration.ofHours(72)).toString()));

		assertThat(this.policy.afterIssue(manyQuickFailures, new Outcome.Transient("HTTP 503", null, false), NOW, NOW))
			.isInstanceOf(Verdict.RetryAt.class);
		assertThat(this.policy.afterIssue(failingForThreeDays, new Outcome.Transient("HTTP 503", null, false), NOW,
				NOW))
			.isInstanceOfSatisfying(Verdict.DeadLetter.class,
					(dead) -> assertThat(dead.reason()).contains("gave up after failing for 4320 min", "HTTP 503"));
	}

	@Test
	void refusedConnectorKeyPausesTheInstitutionInsteadOfBurningRetries() {
		Verdict verdict = this.policy.afterIssue(job(Map.of()), new Outcome.KeyRefused("HTTP 401"), NOW, NOW);

		assertThat(verdict).isEqualTo(new Verdict.Pause("HTTP 401", Duration.ofMinutes(5)));
	}

	@Test
	void quotaPausesAndPermanentRefusalDeadLetters() {
		assertThat(this.policy.afterIssue(job(Map.of()), new Outcome.QuotaExhausted("402"), NOW, NOW))
			.isEqualTo(new Verdict.Pause("402", Duration.ofHours(1)));
		assertThat(this.policy.afterIssue(job(Map.of()), new Outcome.Refused("HTTP 400"), NOW, NOW))
			.isEqualTo(new Verdict.DeadLetter("HTTP 400"));
	}

	@Test
	void lookUpResultsBecomeIssuedRevokedOrASend() {
		assertThat(this.policy.afterLookUp(job(Map.of()), new Outcome.Issued("A"), NOW))
			.isEqualTo(new Verdict.Issued("A", "look-up", false));
		assertThat(this.policy.afterLookUp(job(Map.of()), new Outcome.FoundRevoked("R"), NOW))
			.isEqualTo(new Verdict.Issued("R", "look-up", true));
		assertThat(this.policy.afterLookUp(job(Map.of()), new Outcome.NotFound(), NOW))
			.isInstanceOf(Verdict.PostNow.class);
		assertThat(this.policy.afterIssue(job(Map.of()), new Outcome.AlreadyAwarded(), NOW, NOW))
			.isInstanceOf(Verdict.LookUpExisting.class);
		assertThat(this.policy.afterExistingLookUp(job(Map.of()), new Outcome.NotFound(), NOW))
			.isInstanceOf(Verdict.DeadLetter.class);
	}

	@Test
	void backOffDoublesFromTheInitialDelayUpToTheMaximum() {
		assertThat(this.policy.backoff(1)).isEqualTo(Duration.ofSeconds(2));
		assertThat(this.policy.backoff(4)).isEqualTo(Duration.ofSeconds(16));
		assertThat(this.policy.backoff(50)).isEqualTo(Duration.ofMinutes(30));
	}

	private static ClaimedJob job(Map<String, String> fields) {
		Map<String, String> award = new HashMap<>(Map.of("rule", "course-42", "user", "7", "state", "pending",
				"decidedAt", NOW.minusSeconds(600).toString()));
		award.putAll(fields);
		return new ClaimedJob("uni-a", "1-0", 1, false, true, award);
	}

}

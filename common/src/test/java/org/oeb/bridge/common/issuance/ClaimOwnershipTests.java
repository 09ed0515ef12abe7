package org.oeb.bridge.common.issuance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.oeb.bridge.common.AwardsTestApplication;
import org.oeb.bridge.common.awards.AwardLedger;
import org.oeb.bridge.common.awards.AwardState;
import org.oeb.bridge.common.awards.PipelineFixture;
import org.oeb.bridge.testing.FakeOeb;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.oeb.bridge.common.awards.PipelineFixture.courseAward;
import static org.oeb.bridge.common.awards.PipelineFixture.email;
import static org.oeb.bridge.common.awards.PipelineFixture.users;

/**
 * One owner per job (decision 33), each part on its own: the heartbeat that keeps a slow call
 * from being taken over, the fence that refuses the late outcome of a worker that lost its
 * claim, and the fenced POST step that keeps such a worker from sending anything.
 */
class ClaimOwnershipTests {

	private static final FakeOeb oeb = FakeOeb.start();

	private static final LettuceConnectionFactory connections = new LettuceConnectionFactory(
			new RedisStandaloneConfiguration("127.0.0.1", 6379));

	private static StringRedisTemplate redis;

	/** Calls of 3 s fit in, leaving the test time to act while one is in flight. */
	private static final Map<String, String> PATIENT_CALLS = Map.of("bridge.issuance.request-timeout", "5s",
			"bridge.issuance.settle-time", "6s");

	private final String prefix = "test-ownership-" + UUID.randomUUID();

	private final List<ConfigurableApplicationContext> engines = new ArrayList<>();

	private AwardLedger ledger;

	@BeforeEach
	void fresh() {
		if (redis == null) {
			connections.afterPropertiesSet();
			connections.start();
			redis = new StringRedisTemplate(connections);
		}
		oeb.reset();
		PipelineFixture.prepare(oeb);
		this.ledger = new AwardLedger(redis, this.prefix);
		this.ledger.openStream("uni-a");
		this.ledger.sweepFinished("uni-a", this.ledger.epoch("uni-a"));
	}

	@AfterEach
	void stopEngines() {
		this.engines.forEach(ConfigurableApplicationContext::close);
	}

	@AfterAll
	static void stopOeb() {
		oeb.close();
		connections.destroy();
	}

	@Test
	void theOwnersHeartbeatKeepsACallSlowerThanTheTakeoverTimeWithItsOwnerSoItIsIssuedByThatCall() {
		oeb.issueDelay(Duration.ofSeconds(5));
		// a takeover would look the award up only settle-time after the POST: long after this test gave up
		Map<String, String> slow = Map.of("bridge.issuance.takeover-after", "2s", "bridge.issuance.request-timeout",
				"7s", "bridge.issuance.settle-time", "60s");
		String paused = this.ledger.keys("uni-a").paused();
		redis.opsForValue().set(paused, "held back by the test");
		ConfigurableApplicationContext first = engine(slow);
		ConfigurableApplicationContext second = engine(slow);
		List<String> users = users("o", 4);
		users.forEach((user) -> this.ledger.decide("uni-a", AwardState.PENDING, courseAward(user)));

		redis.delete(paused);

		// both replicas have free call slots all along, so either would take over a claim that lapsed
		await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> users
			.forEach((user) -> assertThat(award(user)).containsEntry("state", "issued")));
		users.forEach((user) -> assertThat(award(user)).as(user).containsEntry("issuedBy", "issue"));
		users.forEach((user) -> assertThat(oeb.issueCallsFor(email(user))).as(user).hasSize(1));
		assertThat(count(first, "bridge.awards.taken_over") + count(second, "bridge.awards.taken_over")).isZero();
		assertThat(count(first, "bridge.awards.claims_lost") + count(second, "bridge.awards.claims_lost")).isZero();
	}

	@Test
	void aWorkerThatLostItsClaimHasItsLateOutcomeRefusedAndTheNewOwnerFindsTheAwardByLookUp() {
		oeb.issueDelay(Duration.ofSeconds(3));
		ConfigurableApplicationContext replica = engine(PATIENT_CALLS);
		String user = users("o", 1).get(0);
		this.ledger.decide("uni-a", AwardState.PENDING, courseAward(user));
		await().atMost(Duration.ofSeconds(10)).until(() -> oeb.issueCallsFor(email(user)).size() == 1);

		// while its POST is in flight, the worker's lease runs out (a long pause) and another replica claims the job
		ClaimedJob taken = takeOver(user, "another-replica");

		assertThat(taken.fence()).isEqualTo(2);
		await().atMost(Duration.ofSeconds(10)).until(() -> count(replica, "bridge.awards.claims_lost") == 1);
		assertThat(award(user)).containsEntry("state", "pending")
			.containsEntry("owner", "another-replica")
			.containsEntry("fence", "2")
			.doesNotContainKey("assertion");
		assertThat(oeb.assertionsFor(email(user))).hasSize(1);

		// the other replica dies holding it: taken over, and looked up settle-time after the POST, not sent again
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(award(user)).containsEntry("state",
				"issued"));
		assertThat(award(user)).containsEntry("issuedBy", "look-up")
			.containsEntry("assertion", oeb.assertionsFor(email(user)).get(0).entityId());
		assertThat(oeb.issueCallsFor(email(user))).hasSize(1);
		assertThat(count(replica, "bridge.awards.taken_over")).isEqualTo(1);
	}

	@Test
	void aWorkerWhoseFenceIsStaleSendsNothingEvenWhenItsOwnReplicaClaimedTheJobAgain() {
		oeb.lookupDelay(Duration.ofSeconds(3));
		String user = users("o", 1).get(0);
		this.ledger.decide("uni-a", AwardState.PENDING, courseAward(user));
		// decided while the ledger was incomplete: looked up before it is sent
		redis.opsForHash().put(this.ledger.keys("uni-a").award("course-42", user), "unverified", "1");
		ConfigurableApplicationContext replica = engine(PATIENT_CALLS);
		await().atMost(Duration.ofSeconds(10)).until(() -> oeb.lookupCallCount() == 1);
		String worker = award(user).get("owner");

		// during the look-up the lease runs out and the same replica's reader claims the job again: only the fence differs
		ClaimedJob taken = takeOver(user, worker);

		assertThat(taken.fence()).isEqualTo(2);
		await().atMost(Duration.ofSeconds(10)).until(() -> count(replica, "bridge.awards.claims_lost") == 1);
		assertThat(oeb.issueCallsFor(email(user))).isEmpty();
		assertThat(award(user)).containsEntry("state", "pending").doesNotContainKey("postedAt");

		oeb.lookupDelay(Duration.ZERO);
		// that second claim is never worked on or renewed: taken over after takeover-after, and sent once
		await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(award(user)).containsEntry("state",
				"issued"));
		assertThat(award(user)).containsEntry("issuedBy", "issue");
		assertThat(oeb.issueCallsFor(email(user))).hasSize(1);
	}

	/**
	 * Lets the current claim on the user's award lapse and claims its job through the claim
	 * script as {@code consumer}, as a reader taking over a silent worker's job does.
	 */
	private ClaimedJob takeOver(String user, String consumer) {
		// leased longer than the call in flight lasts, so that the first worker answers while the new claim holds
		JobStream stream = new JobStream(redis, this.ledger, Duration.ofSeconds(4));
		String award = this.ledger.keys("uni-a").award("course-42", user);
		List<ClaimedJob> taken = new ArrayList<>();
		await().atMost(Duration.ofSeconds(2)).until(() -> {
			// the worker's heartbeat may renew the lease in between: expire it again until the claim succeeds
			redis.opsForHash().put(award, "leaseUntil", "1");
			taken.addAll(stream.takeOver("uni-a", consumer, 1, Duration.ZERO));
			return !taken.isEmpty();
		});
		assertThat(taken).singleElement().satisfies((job) -> assertThat(job.userId()).isEqualTo(user));
		return taken.get(0);
	}

	private static long count(ConfigurableApplicationContext context, String name) {
		Counter counter = context.getBean(MeterRegistry.class).find(name).tag("institution", "uni-a").counter();
		return (counter != null) ? (long) counter.count() : 0;
	}

	private ConfigurableApplicationContext engine(Map<String, String> overrides) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(AwardsTestApplication.class)
			.web(WebApplicationType.NONE)
			.run(PipelineFixture.arguments(oeb, this.prefix, overrides).toArray(String[]::new));
		this.engines.add(context);
		return context;
	}

	private Map<String, String> award(String user) {
		return this.ledger.award("uni-a", "course-42", user);
	}

}

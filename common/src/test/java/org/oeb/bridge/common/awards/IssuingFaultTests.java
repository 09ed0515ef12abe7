package org.oeb.bridge.common.awards;

import java.io.File;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.oeb.bridge.common.AwardsTestApplication;
import org.oeb.bridge.common.operations.IssuanceHealthIndicator;
import org.oeb.bridge.common.progress.LearnerProgress;
import org.oeb.bridge.testing.FakeOeb;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.stream.Consumer;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.oeb.bridge.common.awards.PipelineFixture.courseAward;
import static org.oeb.bridge.common.awards.PipelineFixture.email;
import static org.oeb.bridge.common.awards.PipelineFixture.users;

/**
 * The faults a hostile production environment plays: replicas racing for a slow OEB, a
 * replica killed mid-call, a rollout, OEB finishing a call after the connector gave up, an
 * earlier revoked award, and the bridge's Redis data vanishing. Each award reaches OEB once.
 */
class IssuingFaultTests {

	private static final FakeOeb oeb = FakeOeb.start();

	private static final LettuceConnectionFactory connections = new LettuceConnectionFactory(
			new RedisStandaloneConfiguration("127.0.0.1", 6379));

	private static StringRedisTemplate redis;

	private final String prefix = "test-faults-" + UUID.randomUUID();

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
	void twoReplicasAndAnOebSlowerThanTheTakeoverTimeIssueEachAwardOnce() {
		oeb.issueDelay(Duration.ofSeconds(3));
		Map<String, String> slow = Map.of("bridge.issuance.takeover-after", "1s", "bridge.issuance.request-timeout",
				"5s", "bridge.issuance.settle-time", "6s");
		AwardEngine first = engine(slow).getBean(AwardEngine.class);
		engine(slow);
		List<String> users = users("f", 16);

		first.observeAll(users.stream().map(IssuingFaultTests::completed).toList());

		await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> users
			.forEach((user) -> assertThat(award(user)).containsEntry("state", "issued")));
		users.forEach((user) -> assertThat(oeb.issueCallsFor(email(user))).as(user).hasSize(1));
		users.forEach((user) -> assertThat(oeb.assertionsFor(email(user))).as(user).hasSize(1));
	}

	@Test
	void jobOfAKilledReplicaIsTakenOverWithinSecondsAndLookedUpNotSentAgain() throws Exception {
		oeb.issueDelay(Duration.ofSeconds(3));
		String user = users("f", 1).get(0);
		this.ledger.decide("uni-a", AwardState.PENDING, courseAward(user));
		Process doomed = replicaProcess(Map.of());
		try {
			await().atMost(Duration.ofSeconds(60)).until(() -> oeb.issueCallsFor(email(user)).size() == 1);
			doomed.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		finally {
			doomed.destroyForcibly();
		}
		Instant killed = Instant.now();
		String doomedOwner = award(user).get("owner");

		engine(Map.of());

		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(award(user)).containsEntry("state",
				"issued"));
		Duration toIssued = Duration.between(killed, Instant.now());
		assertThat(toIssued).isLessThan(Duration.ofSeconds(15));
		assertThat(award(user)).containsEntry("issuedBy", "look-up").doesNotContainKey("owner");
		assertThat(doomedOwner).isNotBlank();
		assertThat(oeb.issueCallsFor(email(user))).hasSize(1);
		assertThat(oeb.assertionsFor(email(user))).singleElement()
			.satisfies((stored) -> assertThat(stored.entityId()).isEqualTo(award(user).get("assertion")));
	}

	@Test
	void gracefulStopFinishesTheCallInFlightAndLeavesUnstartedJobsToTheNextReplicaAtOnce() {
		oeb.issueDelay(Duration.ofSeconds(3));
		Map<String, String> oneAtATime = Map.of("bridge.issuance.max-in-flight", "1", "bridge.issuance.request-timeout",
				"5s", "bridge.issuance.settle-time", "6s");
		ConfigurableApplicationContext stopping = engine(oneAtATime);
		List<String> users = users("f", 2);
		stopping.getBean(AwardEngine.class).observeAll(users.stream().map(IssuingFaultTests::completed).toList());
		await().atMost(Duration.ofSeconds(10)).until(() -> oeb.issueCallCount() == 1);

		long started = System.nanoTime();
		stopping.close();
		Duration stopTook = Duration.ofNanos(System.nanoTime() - started);

		String inFlight = oeb.issueCallsFor(email(users.get(0))).isEmpty() ? users.get(1) : users.get(0);
		String waiting = inFlight.equals(users.get(0)) ? users.get(1) : users.get(0);
		assertThat(stopTook).isGreaterThan(Duration.ofMillis(1500));
		assertThat(award(inFlight)).containsEntry("state", "issued").containsEntry("issuedBy", "issue");
		assertThat(award(waiting)).containsEntry("state", "pending").doesNotContainKey("owner");

		oeb.issueDelay(Duration.ZERO);
		long next = System.nanoTime();
		engine(oneAtATime);
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(award(waiting)).containsEntry("state",
				"issued"));
		assertThat(award(waiting)).containsEntry("issuedBy", "issue");
		assertThat(Duration.ofNanos(System.nanoTime() - next)).isLessThan(Duration.ofSeconds(15));
		users.forEach((user) -> assertThat(oeb.issueCallsFor(email(user))).hasSize(1));
	}

	@Test
	void aStoppingReplicaHandsBackAClaimedJobItHadNotSentSoTheNextReplicaIssuesItLongBeforeATakeover() {
		oeb.issueDelay(Duration.ofSeconds(4)).lookupDelay(Duration.ofSeconds(3));
		// a takeover could not explain anything this test sees
		Map<String, String> twoAtATime = Map.of("bridge.issuance.max-in-flight", "2", "bridge.issuance.takeover-after",
				"60s", "bridge.issuance.request-timeout", "6s", "bridge.issuance.settle-time", "7s");
		String sending = users("f", 1).get(0);
		String lookingUp = users("f", 1).get(0);
		this.ledger.decide("uni-a", AwardState.PENDING, courseAward(sending));
		this.ledger.decide("uni-a", AwardState.PENDING, courseAward(lookingUp));
		// decided while the ledger was incomplete: claimed, but looked up before anything is sent
		redis.opsForHash().put(this.ledger.keys("uni-a").award("course-42", lookingUp), "unverified", "1");
		ConfigurableApplicationContext stopping = engine(twoAtATime);
		await().atMost(Duration.ofSeconds(10)).until(() -> oeb.issueCallsFor(email(sending)).size() == 1
				&& oeb.lookupCallCount() == 1);
		assertThat(award(lookingUp)).containsKey("owner");

		stopping.close();

		assertThat(award(sending)).containsEntry("state", "issued").containsEntry("issuedBy", "issue");
		assertThat(award(lookingUp)).containsEntry("state", "pending").doesNotContainKey("owner");
		assertThat(oeb.issueCallsFor(email(lookingUp))).isEmpty();

		oeb.issueDelay(Duration.ZERO).lookupDelay(Duration.ZERO);
		long next = System.nanoTime();
		ConfigurableApplicationContext nextReplica = engine(twoAtATime);
		await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(award(lookingUp)).containsEntry("state",
				"issued"));
		assertThat(Duration.ofNanos(System.nanoTime() - next)).isLessThan(Duration.ofSeconds(15));
		assertThat(award(lookingUp)).containsEntry("issuedBy", "issue");
		assertThat(oeb.issueCallsFor(email(lookingUp))).hasSize(1);
		assertThat(oeb.issueCallsFor(email(sending))).hasSize(1);
		assertThat(nextReplica.getBean(MeterRegistry.class).find("bridge.awards.taken_over").counter()).isNull();
	}

	@Test
	void anAwardOebStoresWhileTheCallEndsIn502Or504OrAResetIsFoundByLookUpAfterTheSettleTimeNotSentAgain() {
		// the gateway's proxy gives up (502, 504) or the connection breaks while OEB goes on and stores the award
		oeb.issueDelay(Duration.ofMillis(1500)).failWhileStoring(502, 1).failWhileStoring(504, 1).failWhileStoring(0, 1);
		AwardEngine engine = engine(Map.of()).getBean(AwardEngine.class);
		List<String> users = users("f", 3);

		engine.observeAll(users.stream().map(IssuingFaultTests::completed).toList());

		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> users
			.forEach((user) -> assertThat(award(user)).containsEntry("state", "issued")));
		assertThat(oeb.issueCallCount()).isEqualTo(3);
		for (String user : users) {
			assertThat(oeb.issueCallsFor(email(user))).as(user).hasSize(1);
			assertThat(oeb.assertionsFor(email(user))).as(user).singleElement()
				.satisfies((stored) -> assertThat(stored.entityId()).isEqualTo(award(user).get("assertion")));
			assertThat(award(user)).as(user).containsEntry("issuedBy", "look-up");
			long posted = oeb.issueCallsFor(email(user)).get(0).getLoggedDate().getTime();
			// settle-time (4 s) after the POST was sent, less what a busy machine takes to send it
			assertThat(lookUpsOf(email(user))).as(user).isNotEmpty().allSatisfy((lookUp) -> assertThat(
					lookUp.getLoggedDate().getTime() - posted).isGreaterThanOrEqualTo(3000));
		}
	}

	@Test
	void anInstitutionWhoseStreamCannotBeReadStopsNoOtherInstitutionsRetriesOrTakeovers() {
		oeb.actAsGateway("uni-b", PipelineFixture.API_KEY);
		redis.opsForValue().set(this.ledger.keys("uni-a").paused(), "held back by the test");
		redis.opsForValue().set(this.ledger.keys("uni-b").paused(), "held back by the test");
		ConfigurableApplicationContext context = engine(secondInstitution());
		IssuanceHealthIndicator health = context.getBean(IssuanceHealthIndicator.class);
		// the maintenance thread goes through the institutions in the configuration map's order (random per JVM):
		// the broken one comes first, so that it would starve the other if its failure stopped the round
		List<String> order = context.getBean(AwardsProperties.class).institutions().keySet().stream()
			.filter((id) -> id.equals("uni-a") || id.equals("uni-b"))
			.toList();
		String broken = order.get(0);
		String healthy = order.get(1);
		// broken: a retry is due, but the institution's issuance stream is not a stream any more
		AwardKeys a = this.ledger.keys(broken);
		String stuck = users("f", 1).get(0);
		this.ledger.decide(broken, AwardState.PENDING, courseAward(stuck));
		redis.delete(a.issuance());
		redis.opsForValue().set(a.issuance(), "not a stream");
		redis.opsForZSet().add(a.retries(), a.award("course-42", stuck), 0);
		// healthy: a job a dead worker holds, and an award whose first call is refused for now (a retry)
		AwardKeys b = this.ledger.keys(healthy);
		this.ledger.sweepFinished(healthy, this.ledger.epoch(healthy));
		String orphaned = users("f", 1).get(0);
		this.ledger.decide(healthy, AwardState.PENDING, courseAward(orphaned));
		List<MapRecord<String, Object, Object>> held = redis.opsForStream()
			.read(Consumer.from(AwardKeys.GROUP, "a-dead-worker"), StreamReadOptions.empty().count(1),
					StreamOffset.create(b.issuance(), ReadOffset.lastConsumed()));
		assertThat(held).hasSize(1);
		redis.opsForHash().putAll(b.award("course-42", orphaned), Map.of("owner", "a-dead-worker", "leaseUntil", "1",
				"entry", held.get(0).getId().getValue(), "fence", "1"));
		String retried = users("f", 1).get(0);
		this.ledger.decide(healthy, AwardState.PENDING, courseAward(retried));
		oeb.failIssuing(503, 1, null);

		redis.delete(List.of(a.paused(), b.paused()));

		await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
			assertThat(this.ledger.award(healthy, "course-42", retried)).containsEntry("state", "issued");
			assertThat(this.ledger.award(healthy, "course-42", orphaned)).containsEntry("state", "issued");
		});
		assertThat(oeb.issueCallsFor(email(retried))).hasSize(2);
		assertThat(oeb.issueCallsFor(email(orphaned))).hasSize(1);
		assertThat(context.getBean(MeterRegistry.class).find("bridge.awards.taken_over").tag("institution", healthy)
			.counter()).isNotNull();
		assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.health().getDetails().get(broken)).asString().contains("stream unreadable", "WRONGTYPE");
		assertThat(health.health().getDetails().get(healthy)).asString().contains("issuing=active")
			.doesNotContain("unreadable");
		// the retry that could not be queued still waits for its stream
		assertThat(redis.opsForZSet().score(a.retries(), a.award("course-42", stuck))).isNotNull();
		assertThat(this.ledger.award(broken, "course-42", stuck)).containsEntry("state", "pending");
	}

	@Test
	void afterATimeoutTheLookUpWaitsUntilOebHasStoredTheCallItWasStillWorkingOn() {
		oeb.issueDelay(Duration.ofMillis(2500));
		AwardEngine engine = engine(Map.of("bridge.issuance.request-timeout", "1s", "bridge.issuance.settle-time",
				"3s")).getBean(AwardEngine.class);
		List<String> users = users("f", 5);

		engine.observeAll(users.stream().map(IssuingFaultTests::completed).toList());

		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> users
			.forEach((user) -> assertThat(award(user)).containsEntry("state", "issued")));
		for (String user : users) {
			assertThat(oeb.issueCallsFor(email(user))).as(user).hasSize(1);
			assertThat(oeb.assertionsFor(email(user))).as(user).hasSize(1);
			assertThat(award(user)).containsEntry("issuedBy", "look-up");
		}
	}

	@Test
	void anEarlierRevokedAwardOfTheSameBadgeIsNotTakenForThisOne() {
		String user = users("f", 1).get(0);
		FakeOeb.StoredAssertion revoked = oeb.existingAssertion(PipelineFixture.COURSE_BADGE, email(user),
				Instant.now().minus(Duration.ofDays(365)), true, null);
		oeb.failIssuing(502, 1, null);
		AwardEngine engine = engine(Map.of()).getBean(AwardEngine.class);

		engine.observe(completed(user));

		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(award(user)).containsEntry("state",
				"issued"));
		assertThat(award(user).get("assertion")).isNotEqualTo(revoked.entityId());
		assertThat(oeb.issueCallsFor(email(user))).hasSize(2);
		assertThat(oeb.lookupCallCount()).isEqualTo(1);
	}

	@Test
	void afterTheRedisDataIsLostIssuingGoesOnAndNothingIsIssuedTwice() {
		ConfigurableApplicationContext context = engine(Map.of());
		AwardEngine engine = context.getBean(AwardEngine.class);
		IssuanceHealthIndicator health = context.getBean(IssuanceHealthIndicator.class);
		String before = users("f", 1).get(0);
		engine.observe(completed(before));
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(award(before)).containsEntry("state",
				"issued"));

		flushBridgeKeys();
		assertThat(this.ledger.verified("uni-a")).isFalse();
		String after = users("f", 1).get(0);
		engine.observeAll(List.of(completed(before), completed(after)));

		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			assertThat(award(after)).containsEntry("state", "issued");
			assertThat(award(before)).containsEntry("state", "issued");
		});
		assertThat(award(before)).containsEntry("issuedBy", "look-up");
		assertThat(oeb.issueCallsFor(email(before))).hasSize(1);
		assertThat(oeb.issueCallsFor(email(after))).hasSize(1);
		assertThat(health.health().getStatus()).isEqualTo(Status.UP);

		String stream = this.ledger.keys("uni-a").issuance();
		redis.delete(stream);
		redis.opsForValue().set(stream, "not a stream");
		await().atMost(Duration.ofSeconds(10)).until(() -> health.health().getStatus().equals(Status.DOWN));
		assertThat(health.health().getDetails().get("uni-a")).asString().contains("stream unreadable", "WRONGTYPE");
		assertThat(health.health().getDetails().get("uni-dry")).asString().doesNotContain("unreadable");

		redis.delete(stream);
		await().atMost(Duration.ofSeconds(10)).until(() -> health.health().getStatus().equals(Status.UP));
	}

	@Test
	void aRevokedAwardFoundAfterLostRedisDataIsNotIssuedAgainEvenWhenClaimedAfterTheSweepFinished() {
		String user = users("f", 1).get(0);
		FakeOeb.StoredAssertion revoked = oeb.existingAssertion(PipelineFixture.COURSE_BADGE, email(user),
				Instant.now().minus(Duration.ofDays(30)), true, null);
		String other = users("f", 1).get(0);
		FakeOeb.StoredAssertion issuedBefore = oeb.existingAssertion(PipelineFixture.COURSE_BADGE, email(other),
				Instant.now().minus(Duration.ofDays(30)), false, null);
		flushBridgeKeys();
		assertThat(this.ledger.verified("uni-a")).isFalse();
		// a running replica recreates the group at once
		this.ledger.openStream("uni-a");
		String epoch = this.ledger.epoch("uni-a");
		// the sweep re-decides both while issuing is held back, and finishes before either is claimed
		redis.opsForValue().set(this.ledger.keys("uni-a").paused(), "held back by the test");
		this.ledger.decide("uni-a", AwardState.PENDING, courseAward(user));
		this.ledger.decide("uni-a", AwardState.PENDING, courseAward(other));
		assertThat(this.ledger.sweepFinished("uni-a", epoch)).isTrue();
		this.ledger.resume("uni-a");

		engine(Map.of());

		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			assertThat(award(user)).containsEntry("state", "revoked").containsEntry("assertion", revoked.entityId());
			assertThat(award(other)).containsEntry("state", "issued").containsEntry("assertion",
					issuedBefore.entityId());
		});
		assertThat(oeb.issueCallsFor(email(user))).isEmpty();
		assertThat(oeb.issueCallsFor(email(other))).isEmpty();
		assertThat(this.ledger.verified("uni-a")).isTrue();

		String later = users("f", 1).get(0);
		this.ledger.decide("uni-a", AwardState.PENDING, courseAward(later));
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(award(later)).containsEntry("state",
				"issued"));
		assertThat(award(later)).containsEntry("issuedBy", "issue").doesNotContainKey("unverified");
	}

	@Test
	void anEvictedStreamLosesNoJobPendingAwardsGetTheirJobsAgainEvenOfADeadOrALiveOwner() {
		String paused = this.ledger.keys("uni-a").paused();
		redis.opsForValue().set(paused, "held back by the test");
		AwardEngine engine = engine(Map.of()).getBean(AwardEngine.class);
		List<String> users = users("f", 3);
		engine.observeAll(users.stream().map(IssuingFaultTests::completed).toList());
		String deadOwners = users.get(1);
		String liveOwners = users.get(2);
		// as a worker that died holding it would leave it, and one that holds it now and dies later
		redis.opsForHash().putAll(this.ledger.keys("uni-a").award("course-42", deadOwners),
				Map.of("owner", "a-dead-worker", "leaseUntil", "1"));
		redis.opsForHash().putAll(this.ledger.keys("uni-a").award("course-42", liveOwners),
				Map.of("owner", "a-worker-about-to-die", "leaseUntil",
						Long.toString(System.currentTimeMillis() + 3000)));
		String sweepBeforeTheLoss = engine.sweepStarted("uni-a");

		redis.delete(this.ledger.keys("uni-a").issuance());
		redis.delete(paused);

		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> users
			.forEach((user) -> assertThat(award(user)).containsEntry("state", "issued")));
		users.forEach((user) -> assertThat(oeb.issueCallsFor(email(user))).as(user).hasSize(1));
		users.forEach((user) -> assertThat(award(user)).containsEntry("requeued", "1"));
		assertThat(oeb.lookupCallCount()).isGreaterThanOrEqualTo(3);
		assertThat(this.ledger.verified("uni-a")).isFalse();
		assertThat(engine.sweepFinished("uni-a", sweepBeforeTheLoss, List.of("42"))).isFalse();

		String epoch = engine.sweepStarted("uni-a");
		engine.reconcile("uni-a", users.stream().map(IssuingFaultTests::completed).toList());
		engine.courseSwept("uni-a", "42", epoch);
		assertThat(engine.sweepFinished("uni-a", epoch, List.of("42"))).isTrue();
		users.forEach((user) -> assertThat(oeb.issueCallsFor(email(user))).as(user).hasSize(1));
	}

	@Test
	void anEvictionThatTakesTheEpochWithTheStreamStillLosesNoPendingAward() {
		String paused = this.ledger.keys("uni-a").paused();
		redis.opsForValue().set(paused, "held back by the test");
		AwardEngine engine = engine(Map.of()).getBean(AwardEngine.class);
		String user = users("f", 1).get(0);
		engine.observe(completed(user));

		redis.delete(List.of(this.ledger.keys("uni-a").issuance(), this.ledger.keys("uni-a").epoch(),
				this.ledger.keys("uni-a").swept(), paused));

		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(award(user)).containsEntry("state",
				"issued"));
		assertThat(oeb.issueCallsFor(email(user))).hasSize(1);
		assertThat(award(user)).containsEntry("requeued", "1");
	}

	@Test
	void aSweepDuringWhichTheLedgerWasLostAgainDoesNotMarkItComplete() {
		String epoch = this.ledger.epoch("uni-a");
		flushBridgeKeys();
		await().pollDelay(Duration.ofMillis(5)).until(() -> true);
		this.ledger.epoch("uni-a");

		assertThat(this.ledger.sweepFinished("uni-a", epoch)).isFalse();
		assertThat(this.ledger.verified("uni-a")).isFalse();
	}

	/** A second institution, {@code uni-b}, with uni-a's course rule. */
	private static Map<String, String> secondInstitution() {
		String b = "bridge.awards.institutions.uni-b.";
		return Map.of(b + "gateway-api-key", PipelineFixture.API_KEY, b + "rules[0].id", "course-42",
				b + "rules[0].badge-class", PipelineFixture.COURSE_BADGE, b + "rules[0].when",
				"course-completed(course=42)");
	}

	private static List<LoggedRequest> lookUpsOf(String email) {
		return oeb.wireMock()
			.findAll(WireMock.getRequestedFor(WireMock.urlPathMatching("/oeb/[^/]+/v2/badgeclasses/[^/]+/assertions"))
				.withQueryParam("recipient", WireMock.equalTo(email)));
	}

	private void flushBridgeKeys() {
		List<String> keys = new ArrayList<>();
		try (var cursor = redis.scan(org.springframework.data.redis.core.ScanOptions.scanOptions()
			.match(this.prefix + ":*")
			.count(1000)
			.build())) {
			cursor.forEachRemaining(keys::add);
		}
		if (!keys.isEmpty()) {
			redis.delete(keys);
		}
	}

	private ConfigurableApplicationContext engine(Map<String, String> overrides) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(AwardsTestApplication.class)
			.web(WebApplicationType.NONE)
			.run(PipelineFixture.arguments(oeb, this.prefix, overrides).toArray(String[]::new));
		this.engines.add(context);
		return context;
	}

	private Process replicaProcess(Map<String, String> overrides) throws Exception {
		List<String> command = new ArrayList<>(List.of(
				System.getProperty("java.home") + File.separator + "bin" + File.separator + "java", "-Xmx256m",
				"-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
				AwardsTestApplication.class.getName(), "--spring.main.web-application-type=none"));
		command.addAll(PipelineFixture.arguments(oeb, this.prefix, overrides));
		return new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(new File("target/killed-replica.log"))
			.start();
	}

	private Map<String, String> award(String user) {
		return this.ledger.award("uni-a", "course-42", user);
	}

	private static LearnerProgress completed(String user) {
		return PipelineFixture.completed("uni-a", "42", user, email(user));
	}

}

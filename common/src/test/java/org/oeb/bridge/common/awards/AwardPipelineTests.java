package org.oeb.bridge.common.awards;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.oeb.bridge.common.AwardsTestApplication;
import org.oeb.bridge.common.operations.IssuanceEndpoint;
import org.oeb.bridge.common.progress.LearnerProgress;
import org.oeb.bridge.testing.FakeOeb;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The award pipeline end to end: real Redis, the fake OEB behind a fake gateway. */
@SpringBootTest(classes = AwardsTestApplication.class)
@AutoConfigureMockMvc
class AwardPipelineTests {

	private static final String REDIS_PREFIX = "test-pipeline-" + UUID.randomUUID();

	private static final FakeOeb oeb = FakeOeb.start();

	private static final Duration PATIENCE = Duration.ofSeconds(20);

	@Autowired
	private AwardEngine engine;

	@Autowired
	private AwardLedger ledger;

	@Autowired
	private MockMvc mvc;

	@Autowired
	private org.springframework.data.redis.core.StringRedisTemplate redis;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		PipelineFixture.prepare(oeb);
		PipelineFixture.properties(oeb, REDIS_PREFIX).forEach((key, value) -> registry.add(key, () -> value));
	}

	@BeforeEach
	void freshOeb() {
		oeb.reset();
		PipelineFixture.prepare(oeb);
		oeb.removeBadgeClass(PipelineFixture.MISSING_BADGE);
		this.ledger.resume("uni-a");
		// a ledger that a full sweep has confirmed: first attempts go straight to OEB
		this.ledger.sweepFinished("uni-a", this.ledger.epoch("uni-a"));
	}

	@AfterAll
	static void stopOeb() {
		oeb.close();
	}

	@Test
	void issuesOnceWithRecipientBadgeClassLearnerNameAndEvidence() {
		String user = user();
		List<AwardEngine.Decision> decisions = this.engine
			.observe(PipelineFixture.completed("uni-a", "42", user, "  " + user + "@Uni-A.Example "));
		String email = user + "@uni-a.example";

		assertThat(decisions).singleElement().satisfies((decision) -> {
			assertThat(decision.ruleId()).isEqualTo("course-42");
			assertThat(decision.state()).isEqualTo(AwardState.PENDING);
		});
		awaitState("course-42", user, AwardState.ISSUED);
		assertThat(oeb.assertionsFor(email)).singleElement().satisfies((stored) -> {
			assertThat(stored.entityId()).isEqualTo(award("course-42", user).get("assertion"));
			assertThat(stored.body()).contains("\"identity\":\"" + email + "\"", "\"type\":\"email\"",
					"\"notify\":true", "\"allowDuplicateAwards\":false",
					"\"extensions:recipientProfile\"", "\"name\":\"Learner " + user + "\"",
					"https://moodle.uni-a.example/course/view.php?id=42",
					"Completed the course 'Course 42' on 2026-05-04T12:00:00 UTC");
		});
		assertThat(oeb.issueCallsFor(email).get(0).getUrl())
			.isEqualTo("/oeb/uni-a/v2/badgeclasses/" + PipelineFixture.COURSE_BADGE + "/assertions");
		assertThat(oeb.issueCallsFor(email).get(0).getHeader("X-Api-Key")).isEqualTo(PipelineFixture.API_KEY);

		List<AwardEngine.Decision> again = this.engine
			.observe(PipelineFixture.completed("uni-a", "42", user, email));
		assertThat(again).singleElement()
			.extracting(AwardEngine.Decision::outcome)
			.isEqualTo(AwardLedger.DecideResult.Kind.EXISTS);
		assertThat(this.ledger.backlog("uni-a")).isZero();
		assertThat(oeb.issueCallsFor(email)).hasSize(1);
	}

	@Test
	void gradeThresholdInPercentIssuesWithTheRulesNotifySetting() {
		String below = user();
		String above = user();
		assertThat(this.engine.observe(PipelineFixture.graded(below, below + "@uni-a.example", 79.9))).isEmpty();
		this.engine.observe(PipelineFixture.graded(above, above + "@uni-a.example", 80));

		awaitState("grade-43", above, AwardState.ISSUED);
		assertThat(oeb.assertionsFor(above + "@uni-a.example")).singleElement()
			.satisfies((stored) -> assertThat(stored.body()).contains("\"notify\":false", "Grade 80.0%"));
		assertThat(award("grade-43", below)).isEmpty();
	}

	@Test
	void ruleOverTwoCoursesFiresWhenTheSecondCourseIsCompleted() {
		String user = user();
		assertThat(this.engine.observe(PipelineFixture.completed("uni-a", "45", user, user + "@uni-a.example")))
			.isEmpty();

		List<AwardEngine.Decision> decisions = this.engine
			.observe(PipelineFixture.completed("uni-a", "46", user, user + "@uni-a.example"));

		assertThat(decisions).singleElement().extracting(AwardEngine.Decision::ruleId).isEqualTo("two-courses");
	}

	@Test
	void thousandConcurrentObservationsOfAHundredAchievementsFromTwoEnginesGiveAHundredIssueCalls() throws Exception {
		String run = UUID.randomUUID().toString().substring(0, 8);
		List<LearnerProgress> observations = new ArrayList<>();
		for (int learner = 0; learner < 100; learner++) {
			for (int seen = 0; seen < 10; seen++) {
				observations.add(PipelineFixture.completed("uni-a", "42", "c" + run + "-" + learner,
						"c" + run + "-" + learner + "@uni-a.example"));
			}
		}
		Collections.shuffle(observations);
		try (ConfigurableApplicationContext second = secondEngine()) {
			List<AwardEngine> engines = List.of(this.engine, second.getBean(AwardEngine.class));
			ExecutorService threads = Executors.newFixedThreadPool(8);
			List<Future<?>> done = new ArrayList<>();
			for (int i = 0; i < observations.size(); i++) {
				LearnerProgress observation = observations.get(i);
				AwardEngine engine = engines.get(i % 2);
				done.add(threads.submit(() -> engine.observe(observation)));
			}
			for (Future<?> future : done) {
				future.get();
			}
			threads.shutdown();

			await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
				for (int learner = 0; learner < 100; learner++) {
					assertThat(award("course-42", "c" + run + "-" + learner)).containsEntry("state", "issued");
				}
			});
		}
		for (int learner = 0; learner < 100; learner++) {
			assertThat(oeb.issueCallsFor("c" + run + "-" + learner + "@uni-a.example")).hasSize(1);
		}
	}

	@Test
	void oebAnswering503ForAWhileThenRecoveringIssuesEveryAwardOnce() {
		oeb.failIssuing(503, 6, null);
		List<String> users = List.of(user(), user(), user());
		users.forEach((user) -> this.engine.observe(PipelineFixture.completed("uni-a", "42", user, user + "@uni-a.example")));

		users.forEach((user) -> awaitState("course-42", user, AwardState.ISSUED));
		for (String user : users) {
			assertThat(oeb.assertionsFor(user + "@uni-a.example")).hasSize(1);
		}
		assertThat(users.stream().mapToInt((user) -> oeb.issueCallsFor(user + "@uni-a.example").size()).sum())
			.isEqualTo(3 + 6);
		assertThat(oeb.lookupCallCount()).isGreaterThanOrEqualTo(1);
	}

	@Test
	void retryAfterOf429IsHonoured() {
		oeb.failIssuing(429, 1, 2);
		String user = user();
		this.engine.observe(PipelineFixture.completed("uni-a", "42", user, user + "@uni-a.example"));

		awaitState("course-42", user, AwardState.ISSUED);
		List<LoggedRequest> calls = oeb.issueCallsFor(user + "@uni-a.example");
		assertThat(calls).hasSize(2);
		long waitedMillis = calls.get(1).getLoggedDate().getTime() - calls.get(0).getLoggedDate().getTime();
		assertThat(waitedMillis).isGreaterThanOrEqualTo(1900);
	}

	@Test
	void awardStoredBeforeTheConnectionDroppedIsFoundByLookUpAndNotIssuedAgain() {
		oeb.storeThenDropConnection(1);
		String user = user();
		this.engine.observe(PipelineFixture.completed("uni-a", "42", user, user + "@uni-a.example"));

		awaitState("course-42", user, AwardState.ISSUED);
		assertThat(oeb.issueCallsFor(user + "@uni-a.example")).hasSize(1);
		assertThat(oeb.assertionsFor(user + "@uni-a.example")).singleElement()
			.satisfies((stored) -> assertThat(stored.entityId()).isEqualTo(award("course-42", user).get("assertion")));
		assertThat(award("course-42", user)).containsEntry("issuedBy", "look-up");
	}

	@Test
	void badRequestAndUnknownBadgeClassAreDeadLetteredWithReasonsAndReplayIssuesOnceAfterTheFix() throws Exception {
		oeb.failIssuing(400, 1, null);
		String invalid = user();
		String unknownBadge = user();
		this.engine.observe(PipelineFixture.completed("uni-a", "42", invalid, invalid + "@uni-a.example"));
		awaitState("course-42", invalid, AwardState.DEAD);
		this.engine.observe(PipelineFixture.completed("uni-a", "44", unknownBadge, unknownBadge + "@uni-a.example"));
		awaitState("missing-44", unknownBadge, AwardState.DEAD);

		assertThat(award("course-42", invalid).get("deadReason")).contains("HTTP 400", "fieldErrors", "evidence");
		assertThat(award("missing-44", unknownBadge).get("deadReason")).contains("HTTP 404", "badge class not found");
		this.mvc.perform(get("/actuator/issuance/uni-a").with(operator()))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.lastFailures[?(@.user == '" + unknownBadge + "')].reason").value(
					org.hamcrest.Matchers.hasItem(org.hamcrest.Matchers.containsString("HTTP 404"))))
			.andExpect(jsonPath("$.lastFailures[?(@.user == '" + invalid + "')].rule").value(
					org.hamcrest.Matchers.hasItem("course-42")));

		oeb.badgeClass(PipelineFixture.MISSING_BADGE);
		replay("course-42", invalid).andExpect(status().isOk());
		replay("missing-44", unknownBadge).andExpect(status().isOk());

		awaitState("course-42", invalid, AwardState.ISSUED);
		awaitState("missing-44", unknownBadge, AwardState.ISSUED);
		assertThat(oeb.assertionsFor(invalid + "@uni-a.example")).hasSize(1);
		assertThat(oeb.assertionsFor(unknownBadge + "@uni-a.example")).hasSize(1);
		replay("course-42", invalid).andExpect(status().isConflict());
		assertThat(oeb.issueCallsFor(invalid + "@uni-a.example")).hasSize(2);
	}

	@Test
	void replayAfterTheRulesBadgeClassWasChangedInTheConfigurationIssuesTodaysClass() {
		String user = user();
		String email = user + "@uni-a.example";
		// the rule's badge class was deleted in OEB: its award dies with a 404
		oeb.removeBadgeClass(PipelineFixture.COURSE_BADGE);
		this.engine.observe(PipelineFixture.completed("uni-a", "42", user, email));
		awaitState("course-42", user, AwardState.DEAD);
		String replacement = "ReplacementBadge00000A";
		oeb.badgeClass(replacement);

		// a replica started with the rule naming the replacement replays the dead letter
		try (ConfigurableApplicationContext today = secondEngine(
				Map.of("bridge.awards.institutions.uni-a.rules[0].badge-class", replacement))) {
			assertThat(today.getBean(IssuanceEndpoint.class).act("uni-a", "replay", "course-42", user, null).getStatus())
				.isEqualTo(200);
			awaitState("course-42", user, AwardState.ISSUED);
		}

		assertThat(award("course-42", user)).containsEntry("badgeClass", replacement);
		assertThat(oeb.assertionsFor(email)).singleElement()
			.satisfies((stored) -> assertThat(stored.badgeClass()).isEqualTo(replacement));
		assertThat(oeb.issueCallsFor(email)).hasSize(2);
	}

	@Test
	void discardedDeadLetterIsNeverIssued() throws Exception {
		String user = deadAfterA400("@uni-a.example");

		act("{\"action\":\"discard\",\"rule\":\"course-42\",\"user\":\"" + user + "\"}")
			.andExpect(status().isOk());
		this.engine.observe(PipelineFixture.completed("uni-a", "42", user, user + "@uni-a.example"));

		assertThat(award("course-42", user)).containsEntry("state", "discarded");
		assertThat(oeb.issueCallsFor(user + "@uni-a.example")).hasSize(1);
	}

	@Test
	void quotaExhaustedPausesTheInstitutionAndHealthSaysSoUntilAnOperatorResumes() throws Exception {
		oeb.failIssuing(402, 1, null);
		String user = user();
		this.engine.observe(PipelineFixture.completed("uni-a", "42", user, user + "@uni-a.example"));

		awaitPauseShownInHealth("402");
		assertThat(award("course-42", user)).containsEntry("state", "pending");
		assertThat(oeb.assertionsFor(user + "@uni-a.example")).isEmpty();

		act("{\"action\":\"resume\"}").andExpect(status().isOk());

		awaitState("course-42", user, AwardState.ISSUED);
		this.mvc.perform(get("/actuator/health/issuance")).andExpect(jsonPath("$.status").value("UP"));
		assertThat(oeb.assertionsFor(user + "@uni-a.example")).hasSize(1);
	}

	@Test
	void refusedConnectorKeyPausesTheInstitutionWithoutSpendingRetriesUntilTheKeyIsFixed() throws Exception {
		oeb.actAsGateway("uni-a", "a-rotated-key");
		String user = user();
		this.engine.observe(PipelineFixture.completed("uni-a", "42", user, user + "@uni-a.example"));

		awaitPauseShownInHealth("refused the connector key (HTTP 401)");
		Thread.sleep(500);
		assertThat(award("course-42", user)).containsEntry("state", "pending").doesNotContainKey("failures");

		oeb.actAsGateway("uni-a", PipelineFixture.API_KEY);
		act("{\"action\":\"resume\"}").andExpect(status().isOk());
		awaitState("course-42", user, AwardState.ISSUED);
		assertThat(oeb.assertionsFor(user + "@uni-a.example")).hasSize(1);
	}

	@Test
	void replayUsesTheNewestObservationSoACorrectedEmailIsIssued() throws Exception {
		String user = deadAfterA400("@old-address.example");

		this.engine.observe(PipelineFixture.completed("uni-a", "42", user, user + "@uni-a.example"));
		assertThat(award("course-42", user)).containsEntry("state", "dead")
			.containsEntry("email", user + "@old-address.example");
		replay("course-42", user).andExpect(status().isOk());

		awaitState("course-42", user, AwardState.ISSUED);
		assertThat(oeb.assertionsFor(user + "@uni-a.example")).hasSize(1);
		assertThat(oeb.assertionsFor(user + "@old-address.example")).isEmpty();
		assertThat(award("course-42", user)).containsEntry("email", user + "@uni-a.example").doesNotContainKey("latest");
	}

	@Test
	void deadLettersAreReplayedAndDiscardedInBulkByReason() throws Exception {
		List<String> unknownBadge = List.of(user(), user());
		unknownBadge.forEach((user) -> this.engine
			.observe(PipelineFixture.completed("uni-a", "44", user, user + "@uni-a.example")));
		unknownBadge.forEach((user) -> awaitState("missing-44", user, AwardState.DEAD));
		String refused = deadAfterA400("@uni-a.example");

		oeb.badgeClass(PipelineFixture.MISSING_BADGE);
		act("{\"action\":\"replay\",\"reason\":\"badge class not found\"}")
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.count").value(org.hamcrest.Matchers.greaterThanOrEqualTo(2)));
		unknownBadge.forEach((user) -> awaitState("missing-44", user, AwardState.ISSUED));
		assertThat(award("course-42", refused)).containsEntry("state", "dead");

		act("{\"action\":\"discard\",\"reason\":\"HTTP 400\"}")
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.count").value(org.hamcrest.Matchers.greaterThanOrEqualTo(1)));
		assertThat(award("course-42", refused)).containsEntry("state", "discarded");
		act("{\"action\":\"replay\",\"reason\":\"x\",\"rule\":\"course-42\",\"user\":\"1\"}")
			.andExpect(status().isBadRequest());
	}

	@Test
	void learnerWithoutAnEmailIsParkedAndIssuedAsSoonAsAnEmailAppears() throws Exception {
		String user = user();
		List<AwardEngine.Decision> parked = this.engine.observe(PipelineFixture.completed("uni-a", "42", user, null));

		assertThat(parked).singleElement().extracting(AwardEngine.Decision::state).isEqualTo(AwardState.PENDING_IDENTITY);
		this.mvc.perform(get("/actuator/issuance/uni-a").with(operator()))
			.andExpect(jsonPath("$.pendingIdentity[?(@.user == '" + user + "')].rule").value(
					org.hamcrest.Matchers.hasItem("course-42")));
		this.engine.observe(PipelineFixture.completed("uni-a", "42", user, "not-an-address"));
		assertThat(award("course-42", user)).containsEntry("state", "pending-identity");

		List<AwardEngine.Decision> promoted = this.engine
			.observe(PipelineFixture.completed("uni-a", "42", user, user + "@uni-a.example"));

		assertThat(promoted).singleElement()
			.extracting(AwardEngine.Decision::outcome)
			.isEqualTo(AwardLedger.DecideResult.Kind.PROMOTED);
		awaitState("course-42", user, AwardState.ISSUED);
		assertThat(oeb.assertionsFor(user + "@uni-a.example")).hasSize(1);
	}

	@Test
	void dryRunRecordsAndShowsDecisionsButIssuesNothing() throws Exception {
		String user = user();
		String email = user + "@uni-a.example";
		List<AwardEngine.Decision> decisions = this.engine
			.observe(PipelineFixture.completed(PipelineFixture.DRY_INSTITUTION, "42", user, email));

		assertThat(decisions).singleElement().extracting(AwardEngine.Decision::state).isEqualTo(AwardState.DRY_RUN);
		String listing = this.mvc.perform(get("/actuator/issuance/uni-dry").with(operator()))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.dryRun").value(true))
			.andExpect(jsonPath("$.dryRunDecisions[?(@.user == '" + user + "')].email").value(
					org.hamcrest.Matchers.hasItem(user.charAt(0) + "***@uni-a.example")))
			.andReturn()
			.getResponse()
			.getContentAsString();
		assertThat(listing).doesNotContain(email);
		Thread.sleep(500);
		assertThat(oeb.issueCallsFor(email)).isEmpty();
		assertThat(this.ledger.backlog(PipelineFixture.DRY_INSTITUTION)).isZero();
	}

	@Test
	void sweepIssuesWhatNoHintReportedAndAfterLostLedgerDataDoesNotIssueTwice() {
		String issuedBefore = user();
		String neverSeen = user();
		this.engine.observe(PipelineFixture.completed("uni-a", "42", issuedBefore, issuedBefore + "@uni-a.example"));
		awaitState("course-42", issuedBefore, AwardState.ISSUED);
		String assertion = award("course-42", issuedBefore).get("assertion");
		this.redis.delete(this.ledger.keys("uni-a").award("course-42", issuedBefore));

		AwardEngine.SweepReport report = this.engine.reconcile("uni-a",
				List.of(PipelineFixture.completed("uni-a", "42", issuedBefore, issuedBefore + "@uni-a.example"),
						PipelineFixture.completed("uni-a", "42", neverSeen, neverSeen + "@uni-a.example")));

		assertThat(report.snapshots()).isEqualTo(2);
		assertThat(report.newDecisions()).isEqualTo(2);
		awaitState("course-42", issuedBefore, AwardState.ISSUED);
		awaitState("course-42", neverSeen, AwardState.ISSUED);
		assertThat(award("course-42", issuedBefore)).containsEntry("assertion", assertion)
			.containsEntry("issuedBy", "existing award");
		assertThat(oeb.assertionsFor(issuedBefore + "@uni-a.example")).hasSize(1);
		assertThat(oeb.assertionsFor(neverSeen + "@uni-a.example")).hasSize(1);
	}

	@Test
	void issuanceEndpointIsForTheOperatorOnly() throws Exception {
		this.mvc.perform(get("/actuator/issuance")).andExpect(status().isUnauthorized());
		this.mvc.perform(get("/actuator/issuance").with(httpBasic("support", "wrong")))
			.andExpect(status().isUnauthorized());
		this.mvc.perform(post("/actuator/issuance/uni-a").contentType(MediaType.APPLICATION_JSON)
			.content("{\"action\":\"resume\"}")).andExpect(status().isUnauthorized());

		this.mvc.perform(get("/actuator/issuance").with(operator()))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.uni-a.counts.issued").exists())
			.andExpect(jsonPath("$.uni-dry.dryRun").value(true));
		act("{\"action\":\"explode\"}").andExpect(status().isBadRequest());
		this.mvc.perform(get("/actuator/health")).andExpect(status().isOk());
	}

	@Test
	void prometheusShowsDecisionsIssuedLatencyAndBacklogPerInstitution() throws Exception {
		String user = user();
		this.engine.observe(PipelineFixture.completed("uni-a", "42", user, user + "@uni-a.example"));
		awaitState("course-42", user, AwardState.ISSUED);

		String metrics = this.mvc.perform(get("/actuator/prometheus"))
			.andExpect(status().isOk())
			.andReturn()
			.getResponse()
			.getContentAsString();

		assertThat(metrics).contains("bridge_awards_decisions_total{", "bridge_awards_issued_total{",
				"bridge_awards_issuance_latency_seconds_count{", "bridge_awards_backlog{", "institution=\"uni-a\"");
		assertThat(metrics).doesNotContain(user + "@uni-a.example", PipelineFixture.API_KEY);
	}

	/** Waits for uni-a's pause and checks that health shows it, with the reason. */
	private void awaitPauseShownInHealth(String reason) throws Exception {
		await().atMost(PATIENCE).until(() -> this.ledger.pausedReason("uni-a").isPresent());
		this.mvc.perform(get("/actuator/health/issuance"))
			.andExpect(jsonPath("$.status").value("DOWN"))
			.andExpect(jsonPath("$.details.uni-a.issuing").value("paused"))
			.andExpect(jsonPath("$.details.uni-a.reason").value(org.hamcrest.Matchers.containsString(reason)));
	}

	/** A new learner whose award OEB refused with a 400: a dead letter. */
	private String deadAfterA400(String emailDomain) {
		oeb.failIssuing(400, 1, null);
		String user = user();
		this.engine.observe(PipelineFixture.completed("uni-a", "42", user, user + emailDomain));
		awaitState("course-42", user, AwardState.DEAD);
		return user;
	}

	private org.springframework.test.web.servlet.ResultActions act(String json) throws Exception {
		return this.mvc.perform(post("/actuator/issuance/uni-a").with(operator())
			.contentType(MediaType.APPLICATION_JSON)
			.content(json));
	}

	private org.springframework.test.web.servlet.ResultActions replay(String rule, String user) throws Exception {
		return act("{\"action\":\"replay\",\"rule\":\"" + rule + "\",\"user\":\"" + user + "\"}");
	}

	private static org.springframework.test.web.servlet.request.RequestPostProcessor operator() {
		return httpBasic("support", PipelineFixture.OPERATOR_PASSWORD);
	}

	private ConfigurableApplicationContext secondEngine() {
		return secondEngine(Map.of());
	}

	private ConfigurableApplicationContext secondEngine(Map<String, String> overrides) {
		Map<String, String> properties = new LinkedHashMap<>(PipelineFixture.properties(oeb, REDIS_PREFIX));
		properties.putAll(overrides);
		List<String> args = new ArrayList<>();
		properties.forEach((key, value) -> args.add("--" + key + "=" + value));
		return new SpringApplicationBuilder(AwardsTestApplication.class).web(WebApplicationType.NONE)
			.run(args.toArray(String[]::new));
	}

	private void awaitState(String rule, String user, AwardState state) {
		await().atMost(PATIENCE).untilAsserted(() -> assertThat(award(rule, user)).containsEntry("state", state.value()));
	}

	private Map<String, String> award(String rule, String user) {
		return this.ledger.award("uni-a", rule, user);
	}

	private static String user() {
		return "u" + UUID.randomUUID().toString().substring(0, 12);
	}

}

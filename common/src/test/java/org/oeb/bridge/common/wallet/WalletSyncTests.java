package org.oeb.bridge.common.wallet;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.oeb.bridge.common.AwardsTestApplication;
import org.oeb.bridge.common.awards.AwardEngine;
import org.oeb.bridge.common.awards.AwardLedger;
import org.oeb.bridge.common.awards.AwardState;
import org.oeb.bridge.common.awards.PipelineFixture;
import org.oeb.bridge.testing.FakeOeb;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasSize;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * OEB to bridge: the change feed keeps the ledger and the wallet projection current, and the
 * wallet API serves them per institution. Real Redis, the fake OEB behind a fake gateway.
 */
@SpringBootTest(classes = AwardsTestApplication.class)
@AutoConfigureMockMvc
@ExtendWith(OutputCaptureExtension.class)
class WalletSyncTests {

	private static final String INSTITUTION = PipelineFixture.INSTITUTION;

	private static final String REDIS_PREFIX = "test-wallet-" + UUID.randomUUID();

	private static final String ISSUER = "IssuerOfUniA00000000AA";

	private static final String MICRO_DEGREE = "MicroDegree00000000AAA";

	private static final String ESCO_STATISTICS = "http://data.europa.eu/esco/skill/0b5e4a8e-60e1-4bd7-9b2a-1a9d0f2a5a3c";

	private static final String REVOCABLE_BADGE = "RevocableBadge0000000A";

	private static final String YEARLY_BADGE = "YearlyBadge00000000AAA";

	private static final String WINDOW_BADGE = "WindowBadge00000000AAA";

	private static final String WALLET_KEY = "wallet-key-uni-a-" + UUID.randomUUID();

	private static final String OTHER_WALLET_KEY = "wallet-key-uni-dry-" + UUID.randomUUID();

	private static final FakeOeb oeb = FakeOeb.start();

	private static final org.oeb.bridge.testing.FakeLtiPlatform lms = org.oeb.bridge.testing.FakeLtiPlatform
		.moodle("http://localhost/lti/launch");

	@Autowired
	private AwardEngine engine;

	@Autowired
	private AwardLedger ledger;

	@Autowired
	private ChangeFeedSync sync;

	@Autowired
	private StringRedisTemplate redis;

	@Autowired
	private MockMvc mvc;

	@Autowired
	private OebReads oebReads;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		prepare();
		PipelineFixture.properties(oeb, REDIS_PREFIX).forEach((key, value) -> registry.add(key, () -> value));
		// the tests run each sync themselves
		registry.add("bridge.wallet.sync-interval", () -> "1h");
		registry.add("bridge.wallet.page-size", () -> "2");
		registry.add("bridge.wallet.oeb-public-url", () -> "https://api.openbadges.example");
		registry.add("bridge.wallet.clients.uni-a.key-sha256[0]", () -> sha256(WALLET_KEY));
		registry.add("bridge.wallet.clients.uni-dry.key-sha256[0]", () -> sha256(OTHER_WALLET_KEY));
		String uniA = "bridge.awards.institutions.uni-a.";
		registry.add(uniA + "rules[4].id", () -> "grade-47-revocable");
		registry.add(uniA + "rules[4].badge-class", () -> REVOCABLE_BADGE);
		registry.add(uniA + "rules[4].when", () -> "grade-at-least(course=47, percent=50)");
		registry.add(uniA + "rules[4].revoke-when-lost", () -> "true");
		registry.add(uniA + "rules[4].revoke-grace-period", () -> "1s");
		registry.add(uniA + "rules[4].revocation-reason", () -> "Grade withdrawn in the LMS");
		registry.add(uniA + "rules[5].id", () -> "course-48-yearly");
		registry.add(uniA + "rules[5].badge-class", () -> YEARLY_BADGE);
		registry.add(uniA + "rules[5].when", () -> "course-completed(course=48)");
		registry.add(uniA + "rules[5].re-earnable", () -> "true");
		registry.add(uniA + "rules[6].id", () -> "course-49-window");
		registry.add(uniA + "rules[6].badge-class", () -> WINDOW_BADGE);
		registry.add(uniA + "rules[6].when", () -> "course-completed(course=49)");
		registry.add(uniA + "rules[6].not-after", () -> "2026-06-01T00:00:00Z");
		registry.add(uniA + "rules[6].revoke-when-lost", () -> "true");
		registry.add(uniA + "rules[6].revoke-grace-period", () -> "0s");
		String uniDry = "bridge.awards.institutions.uni-dry.";
		registry.add(uniDry + "rules[1].id", () -> "grade-47-revocable");
		registry.add(uniDry + "rules[1].badge-class", () -> REVOCABLE_BADGE);
		registry.add(uniDry + "rules[1].when", () -> "grade-at-least(course=47, percent=50)");
		registry.add(uniDry + "rules[1].revoke-when-lost", () -> "true");
		registry.add(uniDry + "rules[1].revoke-grace-period", () -> "0s");
		registry.add("bridge.lti.tool-url", () -> "http://localhost");
		String registration = "bridge.lti.registrations.moodle.";
		registry.add(registration + "institution", () -> INSTITUTION);
		registry.add(registration + "issuer", lms::issuer);
		registry.add(registration + "client-id", lms::clientId);
		registry.add(registration + "auth-url", lms::authUrl);
		registry.add(registration + "jwks-url", lms::jwksUrl);
		registry.add(registration + "deployment-ids", lms::deploymentId);
	}

	private static void prepare() {
		PipelineFixture.prepare(oeb);
		oeb.badgeClass(REVOCABLE_BADGE).badgeClass(YEARLY_BADGE).badgeClass(WINDOW_BADGE);
		oeb.badgeClass(PipelineFixture.COURSE_BADGE, FakeOeb.competencyBadgeClass(PipelineFixture.COURSE_BADGE, ISSUER,
				"Course 42", 120, "Statistics", ESCO_STATISTICS));
		oeb.badgeClass(PipelineFixture.GRADE_BADGE, FakeOeb.competencyBadgeClass(PipelineFixture.GRADE_BADGE, ISSUER,
				"Statistics with distinction", 60, "Statistics", ESCO_STATISTICS));
		oeb.learningPath(ISSUER, "PathOfUniA000000000AAA", "Data literacy", MICRO_DEGREE, 2,
				PipelineFixture.COURSE_BADGE, PipelineFixture.GRADE_BADGE);
		oeb.badgeClass(MICRO_DEGREE, FakeOeb.competencyBadgeClass(MICRO_DEGREE, ISSUER, "Data literacy", 0,
				"Data literacy", "http://data.europa.eu/esco/skill/11111111-2222-3333-4444-555555555555")
			.replace("\"Category\":\"competency\"", "\"Category\":\"learningpath\""));
	}

	@BeforeEach
	void freshOeb() {
		oeb.reset();
		prepare();
		this.ledger.resume(INSTITUTION);
		this.ledger.sweepFinished(INSTITUTION, this.ledger.epoch(INSTITUTION));
		// every test reads the feed from where the last one left it, after its own awards
		syncNow();
	}

	@AfterAll
	static void stopOeb() {
		oeb.close();
		lms.close();
	}

	@Test
	void aRevocationInOebReachesTheLedgerTheOperatorViewAndTheWallet() throws Exception {
		String user = user();
		String assertion = issueCourseBadge(user);
		long revokedBefore = this.ledger.counts(INSTITUTION).get("revoked");

		assertThat(oeb.revokeInOeb(assertion, "Exam annulled")).isTrue();
		syncNow();

		Map<String, String> award = this.ledger.award(INSTITUTION, "course-42", user);
		assertThat(award).containsEntry("state", "revoked").containsEntry("revocationReason", "Exam annulled");
		assertThat(this.ledger.counts(INSTITUTION).get("revoked")).isEqualTo(revokedBefore + 1);
		this.mvc.perform(get("/actuator/issuance/uni-a").with(httpBasic("support", PipelineFixture.OPERATOR_PASSWORD)))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.counts.revoked").value((int) (revokedBefore + 1)))
			.andExpect(jsonPath("$.revoked[?(@.user == '" + user + "')].revocationReason").value("Exam annulled"));
		this.mvc.perform(wallet(user))
			.andExpect(status().isOk())
			.andExpect(header().string("Cache-Control", "no-store"))
			.andExpect(jsonPath("$.badges", hasSize(1)))
			.andExpect(jsonPath("$.badges[0].assertion").value(assertion))
			.andExpect(jsonPath("$.badges[0].revoked").value(true))
			.andExpect(jsonPath("$.badges[0].revocationReason").value("Exam annulled"))
			.andExpect(jsonPath("$.competencies", hasSize(0)));
		this.mvc.perform(get("/actuator/prometheus"))
			.andExpect(status().isOk());
	}

	@Test
	void aRevokedAwardIsNeverIssuedAgainByAnotherObservationASweepOrAReplay() throws Exception {
		String user = user();
		String assertion = issueCourseBadge(user);
		oeb.revokeInOeb(assertion, "Issued in error");
		syncNow();
		int callsBefore = oeb.issueCallCount();

		assertThat(this.engine.observe(PipelineFixture.completed(INSTITUTION, "42", user, email(user))))
			.singleElement()
			.satisfies((decision) -> assertThat(decision.isNew()).isFalse());
		this.engine.reconcile(INSTITUTION, java.util.List.of(PipelineFixture.completed(INSTITUTION, "42", user, email(user))));
		this.mvc
			.perform(post("/actuator/issuance/uni-a").with(httpBasic("support", PipelineFixture.OPERATOR_PASSWORD))
				.contentType(MediaType.APPLICATION_JSON)
				.content("{\"action\":\"replay\",\"rule\":\"course-42\",\"user\":\"" + user + "\"}"))
			.andExpect(status().isConflict());

		await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
			assertThat(oeb.issueCallCount()).isEqualTo(callsBefore);
			assertThat(this.ledger.award(INSTITUTION, "course-42", user)).containsEntry("state", "revoked");
		});
	}

	@Test
	void aRevocationOfAnAwardIssuedBeforeAssertionsWereIndexedIsStillRecordedAsTheBridgesOwn() {
		String user = user();
		String assertion = issueCourseBadge(user);
		long foreignBefore = this.ledger.counts(INSTITUTION).get("foreign");
		// as an award issued by the release before this one: no index entry
		this.redis.opsForHash().delete(this.ledger.keys(INSTITUTION).assertions(), assertion);

		oeb.revokeInOeb(assertion, "Withdrawn");
		syncNow();

		assertThat(this.ledger.award(INSTITUTION, "course-42", user)).containsEntry("state", "revoked")
			.containsEntry("revocationReason", "Withdrawn");
		assertThat(this.ledger.counts(INSTITUTION).get("foreign")).isEqualTo(foreignBefore);
		assertThat(this.ledger.ownersOf(INSTITUTION, java.util.List.of(assertion))).containsEntry(assertion,
				"course-42:" + user);
	}

	@Test
	void aMicroDegreeOebAwardsOnItsOwnLandsInTheWalletWithTheLearningPathComplete() throws Exception {
		String user = user();
		long foreignBefore = this.ledger.counts(INSTITUTION).get("foreign");
		issueCourseBadge(user);
		this.engine.observe(PipelineFixture.graded(user, email(user), 95));
		await().atMost(Duration.ofSeconds(20))
			.until(() -> "issued".equals(this.ledger.award(INSTITUTION, "grade-43", user).get("state")));
		assertThat(oeb.assertions(MICRO_DEGREE)).singleElement()
			.satisfies((degree) -> assertThat(degree.recipient()).isEqualTo(email(user)));

		syncNow();

		assertThat(this.ledger.counts(INSTITUTION).get("foreign")).isEqualTo(foreignBefore + 1);
		this.mvc.perform(wallet(user))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.badges", hasSize(3)))
			.andExpect(jsonPath("$.badges[?(@.issuedBy == 'oeb')].category").value("micro-degree"))
			.andExpect(jsonPath("$.badges[?(@.issuedBy == 'oeb')].name").value("Data literacy"))
			.andExpect(jsonPath("$.badges[?(@.issuedBy == 'oeb')].image")
				.value("https://api.openbadges.example/public/badges/" + MICRO_DEGREE + "/image"))
			.andExpect(jsonPath("$.badges[?(@.badgeClass == '" + PipelineFixture.COURSE_BADGE + "')].credentialUrl")
				.value(org.hamcrest.Matchers.contains(org.hamcrest.Matchers.matchesPattern(
						"https://api\\.openbadges\\.example/public/assertions/[A-Za-z0-9_-]{22}\\?v=3_0"))))
			.andExpect(jsonPath("$.competencies[?(@.uri == '" + ESCO_STATISTICS + "')].minutes").value(180))
			.andExpect(jsonPath("$.learningPaths[0].name").value("Data literacy"))
			.andExpect(jsonPath("$.learningPaths[0].heldBadges").value(2))
			.andExpect(jsonPath("$.learningPaths[0].percent").value(100))
			.andExpect(jsonPath("$.learningPaths[0].completed").value(true));
	}

	@Test
	void anAssertionOebStoredBeforeTheBridgeLearnedOfItIsListedAsForeignOnlyUntilTheOutcomeIsRecorded() throws Exception {
		String user = user();
		long foreignBefore = this.ledger.counts(INSTITUTION).get("foreign");
		// OEB stores the award but the answer is lost: the bridge looks it up once OEB must be done with it
		oeb.storeThenDropConnection(1);
		this.engine.observe(PipelineFixture.completed(INSTITUTION, "42", user, email(user)));
		await().atMost(Duration.ofSeconds(10)).until(() -> !oeb.assertionsFor(email(user)).isEmpty());
		assertThat(this.ledger.award(INSTITUTION, "course-42", user)).containsEntry("state", "pending");

		syncNow();
		assertThat(this.ledger.counts(INSTITUTION).get("foreign")).isEqualTo(foreignBefore + 1);

		await().atMost(Duration.ofSeconds(20))
			.until(() -> "issued".equals(this.ledger.award(INSTITUTION, "course-42", user).get("state")));
		assertThat(this.ledger.counts(INSTITUTION).get("foreign")).isEqualTo(foreignBefore);
		this.mvc.perform(wallet(user))
			.andExpect(jsonPath("$.badges", hasSize(1)))
			.andExpect(jsonPath("$.badges[0].issuedBy").value("bridge"));
		assertThat(oeb.issueCallsFor(email(user))).hasSize(1);
	}

	@Test
	void aManualAwardInOebWhileTheBridgesOwnIsPendingIsListedOnceInTheWallet() throws Exception {
		String user = user();
		long foreignBefore = this.ledger.counts(INSTITUTION).get("foreign");
		oeb.failIssuing(503, 2, 1);
		this.engine.observe(PipelineFixture.completed(INSTITUTION, "42", user, email(user)));
		String manual = oeb.existingAssertion(PipelineFixture.COURSE_BADGE, email(user), Instant.now(), false, null)
			.entityId();
		syncNow();
		assertThat(this.ledger.counts(INSTITUTION).get("foreign")).isEqualTo(foreignBefore + 1);

		// the bridge's look-up takes the manual award for its own (same class and learner, after the decision)
		await().atMost(Duration.ofSeconds(20))
			.until(() -> java.util.Set.of("issued", "dead")
				.contains(this.ledger.award(INSTITUTION, "course-42", user).get("state")));
		this.mvc.perform(wallet(user))
			.andExpect(jsonPath("$.badges[?(@.assertion == '" + manual + "')]", hasSize(1)));
		if ("issued".equals(this.ledger.award(INSTITUTION, "course-42", user).get("state"))) {
			assertThat(this.ledger.counts(INSTITUTION).get("foreign")).isEqualTo(foreignBefore);
		}
		assertThat(oeb.assertionsFor(email(user))).hasSize(1);
	}

	@Test
	void aLostGradeRevokesTheBadgeInOebOnceAfterTheGracePeriodEvenWhenTheFirstAnswerIsLost() throws Exception {
		String user = user();
		this.engine.observe(grade47(user, 80));
		await().atMost(Duration.ofSeconds(20))
			.until(() -> "issued".equals(this.ledger.award(INSTITUTION, "grade-47-revocable", user).get("state")));
		String assertion = this.ledger.award(INSTITUTION, "grade-47-revocable", user).get("assertion");
		// an issued learner of a rule that revokes when lost is read on by the pollers
		assertThat(this.engine.usersStillOpen(INSTITUTION, java.util.List.of("grade-47-revocable"),
				java.util.List.of(user))).containsExactly(user);

		this.engine.observe(grade47(user, 20));
		Map<String, String> lost = this.ledger.award(INSTITUTION, "grade-47-revocable", user);
		assertThat(lost).containsKey("lostSince").containsEntry("state", "issued");
		syncNow();
		assertThat(oeb.revokeCallCount()).as("nothing is revoked within the grace period").isZero();

		oeb.revokeThenFail(1);
		Thread.sleep(1100);
		syncNow();
		assertThat(oeb.assertion(assertion).orElseThrow().revoked()).isTrue();
		assertThat(this.ledger.award(INSTITUTION, "grade-47-revocable", user)).containsEntry("state", "issued");
		this.mvc.perform(get("/actuator/issuance/uni-a").with(httpBasic("support", PipelineFixture.OPERATOR_PASSWORD)))
			.andExpect(jsonPath("$.revocationsScheduled[?(@.user == '" + user + "')].lastError").exists());

		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			syncNow();
			assertThat(this.ledger.award(INSTITUTION, "grade-47-revocable", user)).containsEntry("state", "revoked")
				.containsEntry("revokedBy", "bridge")
				.containsEntry("revocationReason", "Grade withdrawn in the LMS");
		});
		int calls = oeb.revokeCallCount();
		syncNow();
		this.engine.observe(grade47(user, 20));
		syncNow();
		assertThat(oeb.revokeCallCount()).isEqualTo(calls);
		assertThat(oeb.assertions(REVOCABLE_BADGE).stream().filter((a) -> a.recipient().equals(email(user))))
			.singleElement()
			.satisfies((stored) -> assertThat(stored.revocationReason()).isEqualTo("Grade withdrawn in the LMS"));
		// and it is not issued again: the rule may not be re-earned
		this.engine.observe(grade47(user, 90));
		assertThat(this.ledger.award(INSTITUTION, "grade-47-revocable", user)).containsEntry("state", "revoked");
	}

	@Test
	void aRevocationSentAgainAfterALostAnswerIsRecognisedByOebsAlreadyRevoked() {
		String fresh = oeb.existingAssertion(REVOCABLE_BADGE, "someone@uni-a.example", Instant.now(), false, null)
			.entityId();
		String revoked = oeb.existingAssertion(REVOCABLE_BADGE, "other@uni-a.example", Instant.now(), true, null)
			.entityId();

		assertThat(this.oebReads.revoke(INSTITUTION, PipelineFixture.API_KEY, fresh, "reason"))
			.isEqualTo(OebReads.RevokeAnswer.REVOKED);
		assertThat(this.oebReads.revoke(INSTITUTION, PipelineFixture.API_KEY, fresh, "reason"))
			.isEqualTo(OebReads.RevokeAnswer.ALREADY_REVOKED);
		assertThat(this.oebReads.revoke(INSTITUTION, PipelineFixture.API_KEY, revoked, "reason"))
			.isEqualTo(OebReads.RevokeAnswer.ALREADY_REVOKED);
		assertThat(this.oebReads.revoke(INSTITUTION, PipelineFixture.API_KEY, "NoSuchAssertion0000000", "reason"))
			.isEqualTo(OebReads.RevokeAnswer.NOT_FOUND);
		assertThat(this.oebReads.revoke(INSTITUTION, "not-the-key", fresh, "reason"))
			.isNotIn(OebReads.RevokeAnswer.REVOKED, OebReads.RevokeAnswer.ALREADY_REVOKED);
	}

	@Test
	void anAchievementThatStillHoldsIsNotLostWhenItsTimeFallsOutsideTheRulesWindow() {
		String user = user();
		this.engine.observe(PipelineFixture.completed(INSTITUTION, "49", user, email(user)));
		await().atMost(Duration.ofSeconds(20))
			.until(() -> "issued".equals(this.ledger.award(INSTITUTION, "course-49-window", user).get("state")));
		org.oeb.bridge.common.progress.LearnerProgress untimed = PipelineFixture.completed(INSTITUTION, "49", user,
				email(user));
		// the LMS no longer gives the completion time: the time it was seen, after not-after, stands in
		untimed = new org.oeb.bridge.common.progress.LearnerProgress(untimed.institution(), untimed.lms(),
				untimed.courseId(), untimed.courseName(), untimed.courseUrl(), untimed.learner(),
				new org.oeb.bridge.common.progress.LearnerProgress.CourseCompletion(true, null), Map.of(), Map.of(),
				Instant.now());

		this.engine.observe(untimed);
		syncNow();

		assertThat(this.ledger.award(INSTITUTION, "course-49-window", user)).doesNotContainKey("lostSince")
			.containsEntry("state", "issued");
	}

	@Test
	void aGradeRegainedWithinTheGracePeriodKeepsTheBadge() {
		String user = user();
		this.engine.observe(grade47(user, 80));
		await().atMost(Duration.ofSeconds(20))
			.until(() -> "issued".equals(this.ledger.award(INSTITUTION, "grade-47-revocable", user).get("state")));
		this.engine.observe(grade47(user, 10));
		this.engine.observe(grade47(user, 75));

		assertThat(this.ledger.award(INSTITUTION, "grade-47-revocable", user)).doesNotContainKey("lostSince");
		assertThat(this.ledger.revocationsScheduled(INSTITUTION, 1000)).noneMatch((entry) -> user.equals(entry.get("user")));
	}

	@Test
	void inDryRunALostAchievementIsListedForOperatorsAndNothingIsRevoked() throws Exception {
		String user = user();
		// an award issued before the institution went into dry-run
		String award = this.ledger.keys("uni-dry").award("grade-47-revocable", user);
		this.redis.opsForHash().putAll(award, Map.of("state", "issued", "assertion", "DryRunAssertion0000000A",
				"rule", "grade-47-revocable", "user", user, "badgeClass", REVOCABLE_BADGE));
		this.engine.observe(grade("uni-dry", user, 10));
		this.redis.delete(this.ledger.keys("uni-dry").syncLease());
		this.sync.sync("uni-dry");

		assertThat(oeb.revokeCallCount()).isZero();
		this.mvc.perform(get("/actuator/issuance/uni-dry").with(httpBasic("support", PipelineFixture.OPERATOR_PASSWORD)))
			.andExpect(jsonPath("$.dryRun").value(true))
			.andExpect(jsonPath("$.revocationsScheduled[?(@.user == '" + user + "')].rule").value("grade-47-revocable"));
	}

	@Test
	void aReEarnableAwardRevokedInOebIsIssuedAgainOnlyForAnAchievementAfterTheRevocation() {
		String user = user();
		this.engine.observe(PipelineFixture.completed(INSTITUTION, "48", user, email(user)));
		await().atMost(Duration.ofSeconds(20))
			.until(() -> "issued".equals(this.ledger.award(INSTITUTION, "course-48-yearly", user).get("state")));
		String first = this.ledger.award(INSTITUTION, "course-48-yearly", user).get("assertion");
		oeb.revokeInOeb(first, "Certificate expired with the regulation");
		syncNow();
		assertThat(this.ledger.award(INSTITUTION, "course-48-yearly", user)).containsEntry("state", "revoked");
		assertThat(this.engine.usersStillOpen(INSTITUTION, java.util.List.of("course-48-yearly"), java.util.List.of(user)))
			.containsExactly(user);

		// the completion that earned it the first time does not earn it again, nor one the LMS gives no time for
		assertThat(this.engine.observe(PipelineFixture.completed(INSTITUTION, "48", user, email(user))))
			.singleElement()
			.satisfies((decision) -> assertThat(decision.isNew()).isFalse());
		org.oeb.bridge.common.progress.LearnerProgress untimed = PipelineFixture.completed(INSTITUTION, "48", user,
				email(user));
		untimed = new org.oeb.bridge.common.progress.LearnerProgress(untimed.institution(), untimed.lms(),
				untimed.courseId(), untimed.courseName(), untimed.courseUrl(), untimed.learner(),
				new org.oeb.bridge.common.progress.LearnerProgress.CourseCompletion(true, null), Map.of(), Map.of(),
				Instant.now().plusSeconds(5));
		assertThat(this.engine.observe(untimed)).singleElement()
			.satisfies((decision) -> assertThat(decision.isNew()).isFalse());

		Instant later = Instant.now().plusSeconds(1);
		org.oeb.bridge.common.progress.LearnerProgress again = PipelineFixture.completed(INSTITUTION, "48", user, email(user));
		again = new org.oeb.bridge.common.progress.LearnerProgress(again.institution(), again.lms(), again.courseId(),
				again.courseName(), again.courseUrl(), again.learner(),
				new org.oeb.bridge.common.progress.LearnerProgress.CourseCompletion(true, later), Map.of(), Map.of(),
				Instant.now());
		assertThat(this.engine.observe(again)).singleElement()
			.satisfies((decision) -> assertThat(decision.outcome()).isEqualTo(AwardLedger.DecideResult.Kind.REOPENED));
		await().atMost(Duration.ofSeconds(20))
			.until(() -> "issued".equals(this.ledger.award(INSTITUTION, "course-48-yearly", user).get("state")));
		Map<String, String> reissued = this.ledger.award(INSTITUTION, "course-48-yearly", user);
		assertThat(reissued.get("assertion")).isNotEqualTo(first);
		assertThat(reissued).containsEntry("previousAssertions", first).doesNotContainKey("revokedAt");
		assertThat(oeb.assertions(YEARLY_BADGE).stream().filter((a) -> a.recipient().equals(email(user)))).hasSize(2);
	}

	private static org.oeb.bridge.common.progress.LearnerProgress grade47(String user, double percent) {
		return grade(INSTITUTION, user, percent);
	}

	private static org.oeb.bridge.common.progress.LearnerProgress grade(String institution, String user,
			double percent) {
		return new org.oeb.bridge.common.progress.LearnerProgress(institution, "moodle", "47", "Ethics",
				java.net.URI.create("https://moodle.uni-a.example/course/view.php?id=47"),
				new org.oeb.bridge.common.progress.LearnerProgress.Learner(user, email(user), "Learner " + user), null,
				Map.of(), Map.of(org.oeb.bridge.common.progress.LearnerProgress.COURSE_TOTAL,
						new org.oeb.bridge.common.progress.LearnerProgress.GradeProgress(null, percent, 0, 100,
								Instant.parse("2026-05-05T12:00:00Z"), false, false)),
				Instant.now());
	}

	@Test
	void feedPagesAreFollowedAndTheCursorMovesOnlyPastPagesThatWereRecorded() {
		long foreignBefore = this.ledger.counts(INSTITUTION).get("foreign");
		for (int i = 0; i < 5; i++) {
			String user = user();
			this.ledger.rememberLearners(INSTITUTION, Map.of(user, email(user)));
			oeb.existingAssertion(PipelineFixture.GRADE_BADGE, email(user), Instant.now(), false, null);
		}
		oeb.failNextFeedPages(1);
		String cursorKey = this.ledger.keys(INSTITUTION).feedCursor("assertions");
		String sinceBefore = (String) this.redis.opsForHash().get(cursorKey, "since");

		syncNow();

		// page 1 (two assertions) was recorded; page 2 failed, so the cursor names page 2
		assertThat(this.ledger.counts(INSTITUTION).get("foreign")).isEqualTo(foreignBefore + 2);
		assertThat(this.redis.opsForHash().get(cursorKey, "next")).asString().contains("cursor=");
		assertThat(this.redis.opsForHash().get(cursorKey, "since")).isEqualTo(sinceBefore);

		syncNow();

		assertThat(this.ledger.counts(INSTITUTION).get("foreign")).isEqualTo(foreignBefore + 5);
		assertThat(this.redis.opsForHash().hasKey(cursorKey, "next")).isFalse();
		assertThat((String) this.redis.opsForHash().get(cursorKey, "since")).isNotEqualTo(sinceBefore).endsWith("Z");
		// the next page was asked for through the gateway, whatever host OEB's link named
		assertThat(oeb.wireMock()
			.findAll(com.github.tomakehurst.wiremock.client.WireMock
				.getRequestedFor(com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/oeb/uni-a/v2/assertions/changed"))
				.withQueryParam("cursor", com.github.tomakehurst.wiremock.client.WireMock.matching(".+"))))
			.hasSizeGreaterThanOrEqualTo(2);

		syncNow();
		assertThat(this.ledger.counts(INSTITUTION).get("foreign")).isEqualTo(foreignBefore + 5);
	}

	@Test
	void anAwardPastItsExpiryIsRecordedExpiredAndLeavesTheCompetencies() throws Exception {
		oeb.expiration(PipelineFixture.COURSE_BADGE, Duration.ofSeconds(2));
		String user = user();
		issueCourseBadge(user);
		syncNow();
		assertThat(this.ledger.award(INSTITUTION, "course-42", user)).containsEntry("state", "issued")
			.containsKey("expires");
		this.mvc.perform(wallet(user)).andExpect(jsonPath("$.competencies", hasSize(1)));

		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			syncNow();
			assertThat(this.ledger.award(INSTITUTION, "course-42", user)).containsEntry("state", "expired");
		});
		this.mvc.perform(wallet(user))
			.andExpect(jsonPath("$.badges[0].expired").value(true))
			.andExpect(jsonPath("$.competencies", hasSize(0)));
		assertThat(this.engine.observe(PipelineFixture.completed(INSTITUTION, "42", user, email(user))))
			.singleElement()
			.satisfies((decision) -> assertThat(decision.state()).isEqualTo(AwardState.EXPIRED));
	}

	@Test
	void anExpiredAwardWhoseExpiryOebMovesIntoTheFutureIsIssuedAgainWithoutANewAssertion() {
		oeb.expiration(PipelineFixture.COURSE_BADGE, Duration.ofSeconds(1));
		String user = user();
		String assertion = issueCourseBadge(user);
		long expiredBefore = this.ledger.counts(INSTITUTION).get("expired");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			syncNow();
			assertThat(this.ledger.award(INSTITUTION, "course-42", user)).containsEntry("state", "expired");
		});

		// staff extend it in OEB (PUT /v2/assertions/{id} with a later expires)
		assertThat(oeb.changeExpiry(assertion, Instant.now().plus(Duration.ofDays(365)))).isTrue();
		syncNow();

		assertThat(this.ledger.award(INSTITUTION, "course-42", user)).containsEntry("state", "issued")
			.containsEntry("assertion", assertion)
			.doesNotContainKey("closedAt");
		assertThat(this.ledger.counts(INSTITUTION).get("expired")).isEqualTo(expiredBefore);
		assertThat(oeb.issueCallsFor(email(user))).hasSize(1);
	}

	@Test
	void readingTheWholeFeedAgainChangesNothing() {
		String user = user();
		String assertion = issueCourseBadge(user);
		oeb.revokeInOeb(assertion, "Issued in error");
		oeb.existingAssertion(MICRO_DEGREE, email(user), Instant.now(), false, null);
		syncNow();
		Map<String, Long> counts = this.ledger.counts(INSTITUTION);
		Map<String, String> award = this.ledger.award(INSTITUTION, "course-42", user);

		// a lost cursor (or a replica that read the same pages): everything since the start comes again
		this.redis.delete(this.ledger.keys(INSTITUTION).feedCursor("assertions"));
		syncNow();

		assertThat(this.ledger.counts(INSTITUTION)).isEqualTo(counts);
		assertThat(this.ledger.award(INSTITUTION, "course-42", user)).isEqualTo(award);
	}

	@Test
	void theLearnerEndpointRefusesUnknownInstitutionsAndMalformedIds() throws Exception {
		for (String bad : new String[] { "a.b", "x".repeat(65), "%2e%2e" }) {
			this.mvc.perform(get("/actuator/learners/uni-a/" + bad)
				.with(httpBasic("support", PipelineFixture.OPERATOR_PASSWORD))).andExpect(status().is4xxClientError());
		}
		this.mvc.perform(get("/actuator/learners/no-such-uni/42").with(httpBasic("support", PipelineFixture.OPERATOR_PASSWORD)))
			.andExpect(status().isNotFound());
		this.mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete("/actuator/learners/uni-a/42")
			.with(httpBasic("support", "wrong"))).andExpect(status().isUnauthorized());
	}

	@Test
	void theWalletApiRefusesCallersWithoutTheInstitutionsKey() throws Exception {
		String user = user();
		this.mvc.perform(get("/api/wallets/uni-a/learners/" + user))
			.andExpect(status().isUnauthorized())
			.andExpect(jsonPath("$.error").value("missing_api_key"));
		this.mvc.perform(get("/api/wallets/uni-a/learners/" + user).header("Authorization", "Bearer nope"))
			.andExpect(status().isUnauthorized())
			.andExpect(jsonPath("$.error").value("unknown_api_key"));
		this.mvc.perform(get("/api/wallets/uni-a/learners/" + user).header("Authorization", "Basic " + WALLET_KEY))
			.andExpect(status().isUnauthorized());
		// another institution's key, also where the path names the institution in a form a router may normalise
		this.mvc.perform(get("/api/wallets/uni-a/learners/" + user).header("Authorization", "Bearer " + OTHER_WALLET_KEY))
			.andExpect(status().isForbidden());
		this.mvc.perform(get("/api/wallets/UNI-A/learners/" + user).header("Authorization", "Bearer " + WALLET_KEY))
			.andExpect(status().isForbidden());
		for (String path : new String[] { "/api/wallets/uni-a;x=1/learners/" + user,
				"/api/wallets/uni-dry;x=1/learners/" + user, "/api/wallets/uni-dry/learners/" + user + ";uni-a",
				"/api/wallets/%75ni-a/learners/" + user, "/api/wallets/uni-dry/../uni-a/learners/" + user,
				"/api/wallets//uni-a/learners/" + user }) {
			this.mvc.perform(get(path).header("Authorization", "Bearer " + OTHER_WALLET_KEY))
				.andExpect(status().is4xxClientError())
				.andExpect(jsonPath("$.badges").doesNotExist());
		}
		this.mvc.perform(get("/api/wallets/no-such-uni/learners/" + user).header("Authorization", "Bearer " + WALLET_KEY))
			.andExpect(status().isForbidden());
		for (String bad : new String[] { "a.b", "x".repeat(65), "%20", "1%2F2" }) {
			this.mvc.perform(get("/api/wallets/uni-a/learners/" + bad).header("Authorization", "Bearer " + WALLET_KEY))
				.andExpect(status().is4xxClientError());
		}
		this.mvc.perform(wallet(user))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.institution").value("uni-a"))
			.andExpect(jsonPath("$.badges", hasSize(0)));
	}

	@Test
	void anEmbedUrlIsFetchedForTheLearnersEmailNeverCachedAndNeverLogged(CapturedOutput output) throws Exception {
		String user = user();
		issueCourseBadge(user);

		String body = this.mvc
			.perform(post("/api/wallets/uni-a/learners/" + user + "/embeds/competencies?lang=de")
				.header("Authorization", "Bearer " + WALLET_KEY))
			.andExpect(status().isOk())
			.andExpect(header().string("Cache-Control", "no-store"))
			.andReturn()
			.getResponse()
			.getContentAsString();

		assertThat(oeb.embedUrls()).singleElement().satisfies((embed) -> {
			assertThat(embed.view()).isEqualTo("competencies");
			assertThat(embed.email()).isEqualTo(email(user));
			assertThat(embed.language()).isEqualTo("de");
			assertThat(body).contains(embed.url());
			assertThat(output.getAll()).doesNotContain(embed.url());
		});
		this.mvc
			.perform(post("/api/wallets/uni-a/learners/" + user + "/embeds/backpack")
				.header("Authorization", "Bearer " + WALLET_KEY))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.error").value("unknown_view"));
		this.mvc
			.perform(post("/api/wallets/uni-a/learners/" + user() + "/embeds/badges")
				.header("Authorization", "Bearer " + WALLET_KEY))
			.andExpect(status().isNotFound())
			.andExpect(jsonPath("$.error").value("learner_unknown"));
		this.mvc
			.perform(post("/api/wallets/uni-a/learners/" + user + "/embeds/badges")
				.header("Authorization", "Bearer " + OTHER_WALLET_KEY))
			.andExpect(status().isForbidden());
		assertThat(oeb.embedUrls()).hasSize(1);
	}

	@Test
	void anOperatorExportsAndErasesALearnerAndTheirNextAwardIsLookedUpNotIssuedTwice() throws Exception {
		String user = user();
		String assertion = issueCourseBadge(user);
		oeb.existingAssertion(MICRO_DEGREE, email(user), Instant.now(), false, null);
		syncNow();
		String path = "/actuator/learners/uni-a/" + user;

		this.mvc.perform(get(path)).andExpect(status().isUnauthorized());
		this.mvc.perform(get(path).with(httpBasic("support", PipelineFixture.OPERATOR_PASSWORD)))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.ledger.email").value(email(user)))
			.andExpect(jsonPath("$.ledger.awards[0].assertion").value(assertion))
			.andExpect(jsonPath("$.ledger.foreignAssertions", hasSize(1)));
		this.mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete(path)
			.with(httpBasic("support", PipelineFixture.OPERATOR_PASSWORD))).andExpect(status().isOk());

		assertThat(this.ledger.award(INSTITUTION, "course-42", user)).isEmpty();
		org.springframework.data.redis.core.ScanOptions all = org.springframework.data.redis.core.ScanOptions.scanOptions()
			.match(REDIS_PREFIX + "*")
			.count(1000)
			.build();
		try (org.springframework.data.redis.core.Cursor<String> keys = this.redis.scan(all)) {
			keys.forEachRemaining((key) -> {
				assertThat(key).doesNotEndWith(":" + user).doesNotContain(email(user));
				org.springframework.data.redis.connection.DataType type = this.redis.type(key);
				if (type == org.springframework.data.redis.connection.DataType.HASH) {
					this.redis.opsForHash().entries(key).forEach((field, value) -> {
						assertThat((String) field).isNotEqualTo(user).doesNotContain(email(user));
						assertThat((String) value).doesNotContain(email(user))
							.doesNotContain(assertion)
							.doesNotEndWith(":" + user);
					});
				}
			});
		}
		this.mvc.perform(wallet(user)).andExpect(jsonPath("$.badges", hasSize(0)));

		// the LMS still shows the completion: the award is decided again, found in OEB, not issued twice
		int callsBefore = oeb.issueCallCount(PipelineFixture.COURSE_BADGE);
		this.engine.observe(PipelineFixture.completed(INSTITUTION, "42", user, email(user)));
		await().atMost(Duration.ofSeconds(20))
			.until(() -> "issued".equals(this.ledger.award(INSTITUTION, "course-42", user).get("state")));
		assertThat(this.ledger.award(INSTITUTION, "course-42", user)).containsEntry("assertion", assertion);
		assertThat(oeb.issueCallCount(PipelineFixture.COURSE_BADGE)).isEqualTo(callsBefore);
	}

	@Test
	void aLearnerLaunchingMyBadgesFromTheLmsSeesTheirWalletAndOebsPageForThem() throws Exception {
		String user = user();
		issueCourseBadge(user);
		String location = this.mvc
			.perform(get("/lti/login").param("iss", lms.issuer())
				.param("login_hint", user)
				.param("target_link_uri", "http://localhost/lti/launch")
				.param("client_id", lms.clientId())
				.param("lti_deployment_id", lms.deploymentId()))
			.andExpect(status().isFound())
			.andReturn()
			.getResponse()
			.getHeader("Location");
		Map<String, String> authentication = org.springframework.web.util.UriComponentsBuilder.fromUriString(location)
			.build()
			.getQueryParams()
			.toSingleValueMap();
		String nonce = java.net.URLDecoder.decode(authentication.get("nonce"), StandardCharsets.UTF_8);
		String state = java.net.URLDecoder.decode(authentication.get("state"), StandardCharsets.UTF_8);

		String page = this.mvc
			.perform(post("/lti/launch").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.param("id_token", lms.launch(nonce).subject(user).claim("email", email(user)).claim("name",
						"Ada <script>").sign())
				.param("state", state))
			.andExpect(status().isOk())
			.andExpect(header().string("Cache-Control", "no-store"))
			.andExpect(header().string("Content-Security-Policy", org.hamcrest.Matchers.containsString("frame-ancestors")))
			.andReturn()
			.getResponse()
			.getContentAsString();

		assertThat(page).contains("Course 42", "(competency)", "Statistics: 120 min", "Ada &lt;script&gt;")
			.doesNotContain("<script>");
		assertThat(oeb.embedUrls()).singleElement().satisfies((embed) -> {
			assertThat(embed.email()).isEqualTo(email(user));
			assertThat(page).contains("<iframe src=\"" + embed.url() + "\"");
		});
	}

	@Test
	void theWalletApiIsDescribedByOpenApi() throws Exception {
		this.mvc.perform(get("/v3/api-docs"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.paths['/api/wallets/{institution}/learners/{userId}'].get.summary").exists())
			.andExpect(jsonPath("$.components.securitySchemes.institutionKey.scheme").value("bearer"));
	}

	private String issueCourseBadge(String user) {
		this.engine.observe(PipelineFixture.completed(INSTITUTION, "42", user, email(user)));
		await().atMost(Duration.ofSeconds(20))
			.until(() -> "issued".equals(this.ledger.award(INSTITUTION, "course-42", user).get("state")));
		return this.ledger.award(INSTITUTION, "course-42", user).get("assertion");
	}

	private void syncNow() {
		// the scheduler's own first sync runs at start-up: let it finish rather than read the feeds beside it
		String lease = this.ledger.keys(INSTITUTION).syncLease();
		try {
			await().atMost(Duration.ofSeconds(3)).until(() -> !Boolean.TRUE.equals(this.redis.hasKey(lease)));
		}
		catch (org.awaitility.core.ConditionTimeoutException ex) {
			// a lease a stopped sync left behind
		}
		this.redis.delete(lease);
		assertThat(this.sync.sync(INSTITUTION)).isTrue();
	}

	private static org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder wallet(String user) {
		return get("/api/wallets/uni-a/learners/" + user).header("Authorization", "Bearer " + WALLET_KEY);
	}

	private static String user() {
		return Long.toString(Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L));
	}

	private static String email(String user) {
		return user + "@uni-a.example";
	}

	private static String sha256(String key) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

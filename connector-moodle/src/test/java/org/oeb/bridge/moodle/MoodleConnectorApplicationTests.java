package org.oeb.bridge.moodle;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.oeb.bridge.common.awards.AwardLedger;
import org.oeb.bridge.common.connector.ConnectorHealthIndicator;
import org.oeb.bridge.common.connector.ConnectorSites;
import org.oeb.bridge.common.connector.CoursePoller;
import org.oeb.bridge.common.connector.CoursePoller.CycleReport;
import org.oeb.bridge.common.connector.SiteStatus;
import org.oeb.bridge.moodle.site.MoodleClient;
import org.oeb.bridge.moodle.site.MoodleSites;
import org.oeb.bridge.testing.FakeMoodle;
import org.oeb.bridge.testing.FakeOeb;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The Moodle connector end to end: fake Moodle, real Redis, the award pipeline, fake OEB behind a fake gateway. */
@SpringBootTest
@AutoConfigureMockMvc
class MoodleConnectorApplicationTests {

	private static final String TOKEN = "0123456789abcdef0123456789abcdef";

	private static final String UNKNOWN_TOKEN = "ffffffffffffffffffffffffffffffff";

	private static final String TOKEN_WITHOUT_GRADES = "00000000000000000000000000000001";

	private static final String TOKEN_WITHOUT_EMAIL = "00000000000000000000000000000002";

	private static final String SECRET = "webhook-secret-" + UUID.randomUUID();

	private static final String GATEWAY_KEY = "gateway-key-" + UUID.randomUUID();

	private static final String COURSE_BADGE = "CourseBadge0000000000A";

	private static final String ACTIVITY_BADGE = "ActivityBadge00000000A";

	private static final String GRADE_BADGE = "GradeBadge00000000000A";

	private static final Instant COMPLETED_AT = Instant.parse("2026-05-04T12:00:00Z");

	private static final FakeOeb oeb = FakeOeb.start();

	private static final FakeMoodle moodle = FakeMoodle.start();

	@Autowired
	private CoursePoller poller;

	@Autowired
	private ConnectorSites sites;

	@Autowired
	private MoodleSites moodleSites;

	@Autowired
	private AwardLedger ledger;

	@Autowired
	private org.oeb.bridge.common.awards.AwardEngine engine;

	@Autowired
	private MockMvc mvc;

	@Autowired
	private ConnectorHealthIndicator moodleHealth;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		Set<String> withoutGrades = new HashSet<>(FakeMoodle.ALL_FUNCTIONS);
		withoutGrades.remove("gradereport_user_get_grade_items");
		moodle.token(TOKEN, FakeMoodle.ALL_FUNCTIONS)
			.token(TOKEN_WITHOUT_GRADES, withoutGrades)
			.token(TOKEN_WITHOUT_EMAIL, FakeMoodle.ALL_FUNCTIONS)
			.hideEmails(TOKEN_WITHOUT_EMAIL)
			.course("42", "Biology 101")
			.course("43", "Statistics")
			.course("500", "Lecture Hall");
		Map<String, String> properties = new java.util.LinkedHashMap<>();
		properties.put("bridge.issuance.gateway-url", oeb.baseUrl());
		properties.put("bridge.issuance.retry-initial", "100ms");
		properties.put("bridge.issuance.maintenance-interval", "100ms");
		properties.put("bridge.awards.redis-key-prefix", "test-moodle-awards-" + UUID.randomUUID());
		properties.put("bridge.connector.redis-key-prefix", "test-moodle-" + UUID.randomUUID());
		for (String institution : List.of("uni-a", "uni-badtoken", "uni-nograde", "uni-hidden")) {
			oeb.actAsGateway(institution, GATEWAY_KEY);
			String awards = "bridge.awards.institutions." + institution + ".";
			properties.put(awards + "gateway-api-key", GATEWAY_KEY);
			String site = "bridge.moodle.institutions." + institution + ".";
			properties.put(site + "url", moodle.url());
			properties.put(site + "webhook-secret", SECRET);
			properties.put(site + "poll-interval", "1h");
			// one learner per cycle re-checked without a change signal (⌈500 × 1h ÷ 1000h⌉)
			properties.put(site + "recheck-within", "1000h");
		}
		rule(properties, "uni-a", 0, "course-42", COURSE_BADGE, "course-completed(course=42)");
		rule(properties, "uni-a", 1, "quiz-77", ACTIVITY_BADGE, "activity-completed(course=42, activity=77)");
		rule(properties, "uni-a", 2, "stats-80", GRADE_BADGE, "grade-at-least(course=43, percent=80)");
		rule(properties, "uni-a", 3, "hall-500", COURSE_BADGE, "course-completed(course=500)");
		rule(properties, "uni-badtoken", 0, "course-42", COURSE_BADGE, "course-completed(course=42)");
		rule(properties, "uni-nograde", 0, "stats-80", GRADE_BADGE, "grade-at-least(course=43, percent=80)");
		rule(properties, "uni-hidden", 0, "course-42", COURSE_BADGE, "course-completed(course=42)");
		properties.put("bridge.moodle.institutions.uni-a.token", TOKEN);
		properties.put("bridge.moodle.institutions.uni-badtoken.token", UNKNOWN_TOKEN);
		properties.put("bridge.moodle.institutions.uni-nograde.token", TOKEN_WITHOUT_GRADES);
		properties.put("bridge.moodle.institutions.uni-hidden.token", TOKEN_WITHOUT_EMAIL);
		properties.forEach((key, value) -> registry.add(key, () -> value));
	}

	private static void rule(Map<String, String> properties, String institution, int index, String id, String badge,
			String when) {
		String prefix = "bridge.awards.institutions." + institution + ".rules[" + index + "].";
		properties.put(prefix + "id", id);
		properties.put(prefix + "badge-class", badge);
		properties.put(prefix + "when", when);
	}

	@BeforeEach
	void usableSites() {
		oeb.badgeClass(COURSE_BADGE).badgeClass(ACTIVITY_BADGE).badgeClass(GRADE_BADGE);
		this.sites.check("uni-a");
		// the start-up sweep holds course leases and makes calls while it runs: a test's poll must not meet it
		await().atMost(Duration.ofSeconds(30)).until(() -> this.engine.ledgerComplete("uni-a"));
	}

	@AfterAll
	static void stopFakes() {
		oeb.close();
		moodle.close();
	}

	@Test
	void courseGoingFromIncompleteToCompleteIsIssuedOnceWithRecipientBadgeClassAndEvidence() {
		String user = learner("42");
		String email = "learner" + user + "@uni-a.example";
		moodle.completion("42", user, false);
		this.poller.poll("uni-a", "42", false);
		assertThat(this.ledger.award("uni-a", "course-42", user)).isEmpty();

		moodle.completion("42", user, true, COMPLETED_AT.minusSeconds(3600), COMPLETED_AT)
			.access("42", user, Instant.now());
		CycleReport report = this.poller.poll("uni-a", "42", false);

		assertThat(report.newCompletions()).isGreaterThanOrEqualTo(1);
		awaitIssued("course-42", user);
		assertThat(oeb.issueCallsFor(email)).singleElement().satisfies((call) -> {
			assertThat(call.getUrl()).isEqualTo("/oeb/uni-a/v2/badgeclasses/" + COURSE_BADGE + "/assertions");
			assertThat(call.getBodyAsString()).contains("\"identity\":\"" + email + "\"",
					moodle.url() + "/course/view.php?id=42",
					"Completed the course 'Biology 101' on 2026-05-04T12:00:00 UTC", "\"name\":\"Learner " + user + "\"");
		});
		this.poller.poll("uni-a", "42", false);
		assertThat(oeb.issueCallsFor(email)).hasSize(1);
	}

	@Test
	void activityCompletionIsIssuedOnce() {
		String user = learner("42");
		String email = "learner" + user + "@uni-a.example";
		moodle.activity("42", user, 77, "quiz", 0, null);
		this.poller.poll("uni-a", "42", false);
		assertThat(this.ledger.award("uni-a", "quiz-77", user)).isEmpty();

		moodle.activity("42", user, 77, "quiz", 2, COMPLETED_AT).access("42", user, Instant.now());
		this.poller.poll("uni-a", "42", false);

		awaitIssued("quiz-77", user);
		assertThat(oeb.issueCallsFor(email)).singleElement()
			.satisfies((call) -> assertThat(call.getBodyAsString()).contains("quiz #77",
					moodle.url() + "/mod/quiz/view.php?id=77"));
		assertThat(oeb.issueCallsFor(email).get(0).getUrl()).contains(ACTIVITY_BADGE);
	}

	@Test
	void gradeThresholdInPercentIsIssuedOnce() {
		String below = learner("43");
		String above = learner("43");
		moodle.grade("43", below, 30, "course", null, 7.9, 0, 10, COMPLETED_AT)
			.grade("43", above, 30, "course", null, 8.5, 0, 10, COMPLETED_AT);

		this.poller.poll("uni-a", "43", false);

		awaitIssued("stats-80", above);
		assertThat(this.ledger.award("uni-a", "stats-80", below)).isEmpty();
		assertThat(oeb.issueCallsFor("learner" + above + "@uni-a.example")).singleElement()
			.satisfies((call) -> assertThat(call.getBodyAsString()).contains("Grade 85.0% (8.50 of 10)", "Statistics"));
	}

	@Test
	void theSameCompletionByHintAndByPollAtOnceGivesOneIssueCall() throws Exception {
		String user = learner("42");
		this.poller.poll("uni-a", "42", false);
		moodle.completion("42", user, true, COMPLETED_AT).access("42", user, Instant.now());

		CompletableFuture<CycleReport> poll = CompletableFuture.supplyAsync(() -> this.poller.poll("uni-a", "42", false));
		this.mvc.perform(post("/webhooks/moodle/uni-a/local-webhooks").contentType(MediaType.APPLICATION_JSON)
			.content(localWebhooksEvent("\\\\core\\\\event\\\\course_completed", "42", user, SECRET)))
			.andExpect(status().isOk());
		poll.get();

		awaitIssued("course-42", user);
		Thread.sleep(500);
		assertThat(oeb.issueCallsFor("learner" + user + "@uni-a.example")).hasSize(1);
	}

	@Test
	void aHintAloneLeadsToTheAwardWithinSeconds() throws Exception {
		String user = learner("42");
		moodle.completion("42", user, true, COMPLETED_AT);

		this.mvc.perform(post("/webhooks/moodle/uni-a/tool-trigger").header("Authorization", "Bearer " + SECRET)
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.param("eventname", "\\core\\event\\course_completed")
			.param("courseid", "42")
			.param("relateduserid", user)).andExpect(status().isOk());

		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.ledger.award("uni-a", "course-42", user)).containsEntry("state", "issued"));
	}

	@Test
	void invalidTokenAndMissingFunctionShowInHealthAndIssueNothing() throws Exception {
		assertThat(this.sites.check("uni-badtoken").state()).isEqualTo(SiteStatus.State.MISCONFIGURED);
		assertThat(this.sites.check("uni-nograde").state()).isEqualTo(SiteStatus.State.MISCONFIGURED);
		String user = learner("42");
		moodle.completion("42", user, true, COMPLETED_AT);
		int issueCallsBefore = oeb.issueCallCount();

		assertThat(this.poller.poll("uni-badtoken", "42", false)).isEqualTo(CycleReport.SKIPPED);
		assertThat(this.poller.poll("uni-nograde", "43", false)).isEqualTo(CycleReport.SKIPPED);

		Health health = this.moodleHealth.health();
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(site(health, "uni-badtoken")).containsEntry("status", "MISCONFIGURED")
			.containsEntry("errorcode", "invalidtoken");
		assertThat(site(health, "uni-nograde")).containsEntry("missingFunctions",
				Set.of("gradereport_user_get_grade_items"));
		assertThat(site(health, "uni-nograde").get("problem").toString()).contains("gradereport_user_get_grade_items");
		assertThat(site(health, "uni-a")).containsEntry("status", "OK");
		Thread.sleep(300);
		assertThat(oeb.issueCallCount()).isEqualTo(issueCallsBefore);
		assertThat(this.ledger.counts("uni-badtoken").get("pending")).isZero();
	}

	@Test
	void hiddenEmailsParkLearnersAndHealthNamesTheMissingCapability() throws Exception {
		this.sites.check("uni-hidden");
		String user = learner("42");
		moodle.completion("42", user, true, COMPLETED_AT);

		this.poller.poll("uni-hidden", "42", false);

		assertThat(this.ledger.award("uni-hidden", "course-42", user)).containsEntry("state", "pending-identity");
		assertThat(site(this.moodleHealth.health(), "uni-hidden").get("identity").toString())
			.contains("moodle/course:useremail");
	}

	@Test
	void badWebhookInputIsRefusedAndChangesNothing() throws Exception {
		String user = learner("42");
		moodle.completion("42", user, true, COMPLETED_AT);
		moodle.resetCalls();
		String completed = "\\\\core\\\\event\\\\course_completed";

		hook("/webhooks/moodle/uni-a/local-webhooks", localWebhooksEvent(completed, "42", user, "wrong")).andExpect(
				status().isUnauthorized());
		hook("/webhooks/moodle/uni-a/local-webhooks", localWebhooksEvent(completed, "42", user, null))
			.andExpect(status().isUnauthorized());
		hook("/webhooks/moodle/uni-a/local-webhooks", "{\"eventname\": ").andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.error").value("the body is not JSON"));
		hook("/webhooks/moodle/uni-a/local-webhooks", localWebhooksEvent(completed, "forty-two", user, SECRET))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.error").value(org.hamcrest.Matchers.containsString("courseid")));
		hook("/webhooks/moodle/uni-a/local-webhooks",
				localWebhooksEvent("\\\\core\\\\event\\\\user_loggedin", "42", user, SECRET)).andExpect(status().isOk())
			.andExpect(jsonPath("$.status").value("ignored"));
		hook("/webhooks/moodle/no-such-institution/local-webhooks", localWebhooksEvent(completed, "42", user, SECRET))
			.andExpect(status().isUnauthorized());
		this.mvc.perform(post("/webhooks/moodle/uni-a/tool-trigger").contentType(MediaType.APPLICATION_JSON)
			.content("{\"eventname\":\"\\\\core\\\\event\\\\course_completed\",\"courseid\":42,\"relateduserid\":" + user + "}"))
			.andExpect(status().isUnauthorized());

		Thread.sleep(500);
		assertThat(moodle.calls(null)).isEmpty();
		assertThat(this.ledger.award("uni-a", "course-42", user)).isEmpty();
	}

	@Test
	void pollingACourseOf500LearnersWith5NewCompletionsCostsTwoCallsPlusOnePerLearnerRead() {
		List<String> users = new java.util.ArrayList<>();
		for (int i = 0; i < 500; i++) {
			users.add(learner("500"));
		}
		CycleReport first = this.poller.poll("uni-a", "500", false);
		// roster + grades (the change signal) + one completion read per learner never seen
		assertThat(first.lmsCalls()).isEqualTo(2 + 500);

		for (String user : users.subList(100, 105)) {
			moodle.completion("500", user, true, COMPLETED_AT).access("500", user, Instant.now());
		}
		CycleReport second = this.poller.poll("uni-a", "500", false);

		assertThat(second.learners()).isEqualTo(500);
		assertThat(second.newCompletions()).isEqualTo(5);
		assertThat(second.decisions()).isEqualTo(5);
		// 2 + changed (5) + re-check slice ⌈open (500) × poll-interval ÷ recheck-within⌉ (1)
		assertThat(second.rechecked()).isEqualTo(1);
		assertThat(second.lmsCalls()).isEqualTo(2 + 5 + 1);
		for (String user : users.subList(100, 105)) {
			awaitIssued("hall-500", user);
		}
		CycleReport third = this.poller.poll("uni-a", "500", false);
		assertThat(third.lmsCalls()).isEqualTo(2 + 0 + 1);
	}

	@Test
	void aWebhookBodyOverTheLimitIs413() throws Exception {
		String padding = "x".repeat(70 * 1024);
		String body = localWebhooksEvent("\\core\\event\\course_completed", "42", "1", SECRET)
			.replace("\"extra\":\"\"", "\"extra\":\"" + padding + "\"");

		hook("/webhooks/moodle/uni-a/local-webhooks", body).andExpect(status().is(413))
			.andExpect(jsonPath("$.error").value("body_too_large"));
	}

	@Test
	void completionComputedByCronWithoutTheLearnerVisitingIsFoundByTheNightlySweep() {
		String user = learner("42");
		this.poller.poll("uni-a", "42", false);
		moodle.completion("42", user, true, COMPLETED_AT);

		this.poller.poll("uni-a", "42", false);
		assertThat(this.ledger.award("uni-a", "course-42", user)).isEmpty();
		this.poller.poll("uni-a", "42", true);

		awaitIssued("course-42", user);
	}

	@Test
	void onlyTheReplicaHoldingTheCourseLeasePollsItAndADeadHoldersLeaseExpires() {
		String lease = leaseKey("42");
		this.redis.opsForValue().set(lease, "a-replica-that-died", Duration.ofMillis(800));

		assertThat(this.poller.poll("uni-a", "42", false)).isEqualTo(CycleReport.SKIPPED);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.poller.poll("uni-a", "42", false) != CycleReport.SKIPPED);
		assertThat(this.redis.hasKey(lease)).isFalse();
	}

	@Test
	void restProtocolDisabledIsReportedAsSuch() {
		moodle.restDisabled(true);
		try {
			SiteStatus status = this.sites.check("uni-a");

			assertThat(status.state()).isEqualTo(SiteStatus.State.MISCONFIGURED);
			assertThat(status.message()).contains("empty body", "REST protocol are disabled");
			assertThat(this.poller.poll("uni-a", "42", false)).isEqualTo(CycleReport.SKIPPED);
		}
		finally {
			moodle.restDisabled(false);
			this.sites.check("uni-a");
		}
	}

	@Test
	void largeArrayParametersAreSplitBelowMaxInputVars() {
		MoodleClient client = this.moodleSites.client("uni-a");
		List<String> ids = new java.util.ArrayList<>();
		for (int i = 0; i < 1200; i++) {
			ids.add(Integer.toString(900000 + i));
		}
		moodle.resetCalls();

		client.callInSlices("core_user_get_users_by_field", "values", ids, Map.of("field", "id"));

		assertThat(moodle.calls("core_user_get_users_by_field")).hasSize(3).allSatisfy((call) -> assertThat(
				call.getBodyAsString().split("values%5B").length - 1).isLessThanOrEqualTo(500));
	}

	@Autowired
	private org.springframework.data.redis.core.StringRedisTemplate redis;

	@org.springframework.beans.factory.annotation.Value("${bridge.connector.redis-key-prefix}")
	private String connectorPrefix;

	private String leaseKey(String course) {
		return this.connectorPrefix + ":{uni-a}:lease:" + course;
	}

	private org.springframework.test.web.servlet.ResultActions hook(String path, String body) throws Exception {
		return this.mvc.perform(post(path).contentType(MediaType.APPLICATION_JSON).content(body));
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> site(Health health, String institution) {
		return (Map<String, Object>) health.getDetails().get(institution);
	}

	private static final AtomicInteger nextUser = new AtomicInteger(1000);

	private static String learner(String course) {
		String user = Integer.toString(nextUser.incrementAndGet());
		moodle.enrol(course, user, "Learner " + user, "Learner" + user + "@Uni-A.example", "student");
		return user;
	}

	/** The body {@code local_webhooks} posts: the event with ids as strings, plus host, token, extra. */
	private static String localWebhooksEvent(String eventName, String course, String user, String token) {
		return "{\"eventname\":\"" + eventName + "\",\"component\":\"core\",\"action\":\"completed\","
				+ "\"target\":\"course\",\"objecttable\":\"course_completions\",\"objectid\":\"991\",\"crud\":\"u\","
				+ "\"edulevel\":\"2\",\"contextid\":\"300\",\"contextlevel\":\"50\",\"contextinstanceid\":\"" + course
				+ "\",\"userid\":\"2\",\"courseid\":\"" + course + "\",\"relateduserid\":\"" + user + "\","
				+ "\"anonymous\":\"0\",\"other\":{\"relateduserid\":\"" + user + "\"},\"timecreated\":\"1726099000\","
				+ "\"host\":\"moodle.uni-a.example\"" + ((token != null) ? ",\"token\":\"" + token + "\"" : "")
				+ ",\"extra\":\"\"}";
	}

	private void awaitIssued(String rule, String user) {
		await().atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> assertThat(this.ledger.award("uni-a", rule, user)).containsEntry("state", "issued"));
	}

}

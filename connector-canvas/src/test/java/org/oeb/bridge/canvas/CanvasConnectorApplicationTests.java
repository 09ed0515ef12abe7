package org.oeb.bridge.canvas;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.oeb.bridge.testing.FakeCanvas;
import org.oeb.bridge.testing.FakeOeb;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The Canvas connector end to end: fake Canvas, real Redis, the award pipeline, fake OEB behind
 * a fake gateway. Course completion, a score threshold and a module each give exactly one issue
 * call.
 */
@SpringBootTest
@AutoConfigureMockMvc
class CanvasConnectorApplicationTests {

	static final String TOKEN = "7~connector-token";

	static final String ROOT_ACCOUNT = "VicYj3cu5BIFpoZhDVU4DZumnlBrWi1grgJEzADs";

	private static final String KEY = "gateway-key-" + UUID.randomUUID();

	private static final String BADGE = "CanvasBadge0000000000A";

	private static final Instant COMPLETED_AT = Instant.parse("2026-05-05T13:38:00Z");

	private static final FakeOeb oeb = FakeOeb.start();

	private static final FakeCanvas canvas = FakeCanvas.start();

	private static final AtomicInteger nextUser = new AtomicInteger(500);

	@Autowired
	private CoursePoller poller;

	@Autowired
	private ConnectorSites sites;

	@Autowired
	private AwardLedger ledger;

	@Autowired
	private ConnectorHealthIndicator canvasHealth;

	@Autowired
	private MockMvc mvc;

	@Autowired
	private org.oeb.bridge.common.awards.AwardEngine engine;

	@Autowired
	private org.springframework.data.redis.core.StringRedisTemplate redis;

	@org.springframework.beans.factory.annotation.Value("${bridge.connector.redis-key-prefix}")
	private String connectorPrefix;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		canvas.accessToken(TOKEN)
			.course("201", "Data Literacy 101", true)
			.course("202", "Statistics", true)
			.course("203", "Modules", true)
			.course("204", "Not module based", false)
			.course("205", "Large", true)
			.course("206", "Flaky", true)
			.course("207", "Repeating", true);
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("bridge.issuance.gateway-url", oeb.baseUrl());
		properties.put("bridge.issuance.retry-initial", "100ms");
		properties.put("bridge.awards.redis-key-prefix", "test-canvas-awards-" + UUID.randomUUID());
		properties.put("bridge.connector.redis-key-prefix", "test-canvas-" + UUID.randomUUID());
		oeb.actAsGateway("uni-c", KEY);
		properties.put("bridge.awards.institutions.uni-c.gateway-api-key", KEY);
		String site = "bridge.canvas.institutions.uni-c.";
		properties.put(site + "url", canvas.url());
		properties.put(site + "access-token", TOKEN);
		properties.put(site + "root-account-uuid", ROOT_ACCOUNT);
		properties.put(site + "poll-interval", "1h");
		properties.put(site + "recheck-within", "0");
		properties.put(site + "throttle-backoff", "20ms");
		properties.put(site + "live-events.jwks-url", canvas.jwksUrl());
		rule(properties, 0, "completed-201", "course-completed(course=201)");
		rule(properties, 1, "score-202", "grade-at-least(course=202, percent=80)");
		rule(properties, 2, "module-203", "activity-completed(course=203, activity=301)");
		rule(properties, 3, "completed-204", "course-completed(course=204)");
		rule(properties, 4, "completed-205", "course-completed(course=205)");
		rule(properties, 5, "completed-206", "course-completed(course=206)");
		rule(properties, 6, "completed-207", "course-completed(course=207)");
		properties.forEach((key, value) -> registry.add(key, () -> value));
	}

	private static void rule(Map<String, String> properties, int index, String id, String when) {
		String prefix = "bridge.awards.institutions.uni-c.rules[" + index + "].";
		properties.put(prefix + "id", id);
		properties.put(prefix + "badge-class", BADGE);
		properties.put(prefix + "when", when);
	}

	@BeforeEach
	void usableSiteAfterTheStartUpSweep() {
		oeb.badgeClass(BADGE);
		assertThat(this.sites.check("uni-c").state()).isEqualTo(SiteStatus.State.OK);
		// call counts per cycle are exact only while no other cycle of the site runs
		await().atMost(Duration.ofSeconds(30)).until(() -> this.engine.ledgerComplete("uni-c"));
	}

	@AfterAll
	static void stopFakes() {
		oeb.close();
		canvas.close();
	}

	@Test
	void aCompletedCourseIsIssuedOnceWithTheCompletionTime() {
		String user = student("201");
		canvas.progress("201", user, 6, 5, null);
		this.poller.poll("uni-c", "201", false);
		assertThat(this.ledger.award("uni-c", "completed-201", user)).isEmpty();

		canvas.progress("201", user, 6, 6, COMPLETED_AT);
		this.poller.poll("uni-c", "201", false);

		awaitIssued("completed-201", user);
		assertThat(this.ledger.award("uni-c", "completed-201", user)).containsEntry("achievedAt", COMPLETED_AT.toString());
		assertThat(oeb.issueCallsFor(email(user))).singleElement()
			.satisfies((call) -> assertThat(call.getBodyAsString()).contains(canvas.url() + "/courses/201",
					"Data Literacy 101"));
		this.poller.poll("uni-c", "201", false);
		assertThat(oeb.issueCallsFor(email(user))).hasSize(1);
	}

	@Test
	void aScoreOverTheThresholdIsIssuedOnceAndAnOverrideWinsButUnpostedScoresDoNot() {
		String above = student("202");
		String overridden = student("202");
		String unposted = student("202");
		canvas.scores("202", above, 85.0, 82.0, null, 82.0)
			.scores("202", overridden, 70.0, 70.0, 90.0, 70.0)
			.scores("202", unposted, 50.0, 50.0, null, 95.0);

		this.poller.poll("uni-c", "202", false);

		awaitIssued("score-202", above);
		awaitIssued("score-202", overridden);
		assertThat(this.ledger.award("uni-c", "score-202", unposted)).isEmpty();
		assertThat(oeb.issueCallsFor(email(above))).singleElement()
			.satisfies((call) -> assertThat(call.getBodyAsString()).contains("82.0%"));
	}

	@Test
	void aGradedSubmissionSinceTheLastCycleReadsTheLearnerAgain() {
		String user = student("202");
		canvas.scores("202", user, 60.0, 60.0, null, 60.0);
		this.poller.poll("uni-c", "202", false);

		canvas.scores("202", user, 88.0, 88.0, null, 88.0).graded("202", user, 3301, 18, Instant.now(), true);
		CycleReport next = this.poller.poll("uni-c", "202", false);

		assertThat(next.read()).isEqualTo(1);
		awaitIssued("score-202", user);
	}

	@Test
	void aCompletedModuleIsIssuedOnceAndModulesAreReadOnlyForLearnersWhoseProgressChanged() {
		String moving = student("203");
		String idle = student("203");
		canvas.progress("203", moving, 4, 1, null).progress("203", idle, 4, 1, null);
		canvas.moduleState("203", moving, 301, "Week 1", "started", null)
			.moduleState("203", idle, 301, "Week 1", "started", null);
		this.poller.poll("uni-c", "203", false);
		canvas.resetCalls();

		canvas.progress("203", moving, 4, 2, null).moduleState("203", moving, 301, "Week 1", "completed", COMPLETED_AT);
		this.poller.poll("uni-c", "203", false);

		awaitIssued("module-203", moving);
		assertThat(canvas.calls("/courses/203/modules")).hasSize(1)
			.allSatisfy((call) -> assertThat(call.getUrl()).contains("student_id=" + moving));
		assertThat(this.ledger.award("uni-c", "module-203", idle)).isEmpty();
	}

	@Test
	void aCourseWithoutModuleRequirementsTurnsItsCompletionRulesOffAndSaysSoInHealth() {
		student("204");

		assertThat(this.poller.poll("uni-c", "204", false)).isNotEqualTo(CycleReport.SKIPPED);

		assertThat(this.sites.courseNotes("uni-c")).containsKey("204");
		assertThat(this.canvasHealth.health().getDetails().toString()).contains("courseNotes",
				"no modules with completion requirements");
	}

	@Test
	void pollingACourseOf250StudentsCostsTheRosterAndProgressPagesAndNothingPerLearner() {
		for (int i = 0; i < 250; i++) {
			student("205");
		}
		canvas.resetCalls();
		CycleReport first = this.poller.poll("uni-c", "205", false);
		long nameReads = canvas.calls("/courses/205")
			.stream()
			.filter((call) -> call.getUrl().split("\\?")[0].equals("/api/v1/courses/205"))
			.count();
		CycleReport quiet = this.poller.poll("uni-c", "205", false);

		// ⌈250 ÷ 100⌉ roster pages + ⌈250 ÷ 100⌉ progress pages (+ the course's name, once per replica)
		assertThat(first.lmsCalls()).isEqualTo(3 + 3 + nameReads);
		assertThat(first.read()).isEqualTo(250);
		assertThat(quiet.lmsCalls()).isEqualTo(3 + 3);
		assertThat(quiet.read()).isZero();
	}

	@Test
	void aServerErrorOnALaterPageLosesNoAwardAndKeepsTheCursorUntilCanvasAnswersAgain() {
		List<String> students = new ArrayList<>();
		for (int i = 0; i < 150; i++) {
			String user = student("206");
			canvas.progress("206", user, 2, 2, COMPLETED_AT);
			students.add(user);
		}
		String cursor = this.connectorPrefix + ":{uni-c}:cursor:206";
		String cursorBefore = Long.toString(Instant.now().minusSeconds(3600).getEpochSecond());
		this.redis.opsForValue().set(cursor, cursorBefore);
		canvas.failPage("/courses/206/users", 2, 500);
		try {
			assertThat(this.poller.poll("uni-c", "206", false)).isEqualTo(CycleReport.SKIPPED);

			// nothing of the first page was decided on its own, and the cursor did not move
			assertThat(this.ledger.award("uni-c", "completed-206", students.get(0))).isEmpty();
			assertThat(this.redis.opsForValue().get(cursor)).isEqualTo(cursorBefore);
		}
		finally {
			canvas.clearFaults();
		}
		assertThat(this.sites.check("uni-c").pollable()).isTrue();
		this.poller.poll("uni-c", "206", false);

		awaitIssued("completed-206", students.get(0));
		awaitIssued("completed-206", students.get(149));
		assertThat(oeb.issueCallsFor(email(students.get(149)))).hasSize(1);
	}

	@Test
	void aPageThatRepeatsSkipsTheCourseAndTheOtherCoursesGoOn() {
		for (int i = 0; i < 150; i++) {
			student("207");
		}
		String elsewhere = student("201");
		canvas.progress("201", elsewhere, 1, 1, COMPLETED_AT);
		canvas.repeatPage("/courses/207/users", 1);
		try {
			assertThat(this.poller.poll("uni-c", "207", false)).isEqualTo(CycleReport.SKIPPED);
			assertThat(this.sites.courseProblems("uni-c").get("207").errorCode()).isEqualTo("page_repeats");
			assertThat(this.sites.status("uni-c").pollable()).isTrue();

			this.poller.poll("uni-c", "201", false);
			awaitIssued("completed-201", elsewhere);
		}
		finally {
			canvas.clearFaults();
		}
	}

	@Test
	void hiddenEmailsParkLearnersAndHealthSaysWhatToEnable() {
		String user = student("201");
		canvas.progress("201", user, 1, 1, COMPLETED_AT).hideEmails(true);
		try {
			this.poller.poll("uni-c", "201", false);

			assertThat(this.ledger.award("uni-c", "completed-201", user)).containsEntry("state", "pending-identity");
			assertThat(this.canvasHealth.health().getDetails().toString()).contains("Allow Include Parameters");
		}
		finally {
			canvas.hideEmails(false);
		}
	}

	@Test
	void aLiveEventAndAPollForTheSameCompletionAtOnceGiveOneIssueCall() throws Exception {
		String user = student("201");
		this.poller.poll("uni-c", "201", false);
		canvas.progress("201", user, 2, 2, COMPLETED_AT);
		String event = canvas.signedEvent(FakeCanvas.courseCompletedEvent(ROOT_ACCOUNT, "201", user, COMPLETED_AT));

		CompletableFuture<CycleReport> poll = CompletableFuture.supplyAsync(() -> this.poller.poll("uni-c", "201", false));
		this.mvc.perform(post("/webhooks/canvas/uni-c/live-events").contentType("application/jwt").content(event))
			.andExpect(status().isOk());
		poll.get();

		awaitIssued("completed-201", user);
		Thread.sleep(500);
		assertThat(oeb.issueCallsFor(email(user))).hasSize(1);
	}

	private static String student(String course) {
		String user = Integer.toString(nextUser.incrementAndGet());
		canvas.student(course, user, "Student " + user, email(user));
		return user;
	}

	static String email(String user) {
		return "student" + user + "@uni-c.example";
	}

	private void awaitIssued(String rule, String user) {
		await().atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> assertThat(this.ledger.award("uni-c", rule, user)).containsEntry("state", "issued"));
	}


}

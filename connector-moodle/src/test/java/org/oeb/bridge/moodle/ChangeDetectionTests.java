package org.oeb.bridge.moodle;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.oeb.bridge.common.awards.AwardLedger;
import org.oeb.bridge.common.connector.ConnectorHealthIndicator;
import org.oeb.bridge.common.connector.ConnectorSites;
import org.oeb.bridge.common.connector.CoursePoller;
import org.oeb.bridge.common.connector.CoursePoller.CycleReport;
import org.oeb.bridge.common.connector.CoursePoller.HintOutcome;
import org.oeb.bridge.common.connector.SiteStatus;
import org.oeb.bridge.testing.FakeMoodle;
import org.oeb.bridge.testing.FakeOeb;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Completions that come without the learner visiting the course (a teacher's grading, a cron
 * criterion, an override) are found within one poll interval; one course that fails stops no
 * other; hints about people who are not learners read nothing.
 */
@SpringBootTest
class ChangeDetectionTests {

	private static final String TOKEN = "0123456789abcdef0123456789abcdef";

	private static final String KEY = "gateway-key-" + UUID.randomUUID();

	private static final String BADGE = "CourseBadge0000000000A";

	/** The report shows minutes only. */
	private static final Instant COMPLETED_AT = Instant.parse("2026-05-04T12:34:00Z");

	private static final int REPORT = 7;

	private static final FakeOeb oeb = FakeOeb.start();

	private static final FakeMoodle moodle = FakeMoodle.start();

	/** The report spans a whole site: this one's rows are only the report test's. */
	private static final FakeMoodle reportMoodle = FakeMoodle.start();

	private static final AtomicInteger nextUser = new AtomicInteger(5000);

	@Autowired
	private CoursePoller poller;

	@Autowired
	private ConnectorSites sites;

	@Autowired
	private AwardLedger ledger;

	@Autowired
	private org.oeb.bridge.common.awards.AwardEngine engine;

	@Autowired
	private ConnectorHealthIndicator moodleHealth;

	@Autowired
	private org.oeb.bridge.common.wallet.ChangeFeedSync walletSync;

	@Autowired
	private org.springframework.data.redis.core.StringRedisTemplate redis;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		moodle.token(TOKEN, FakeMoodle.ALL_FUNCTIONS)
			.course("81", "Grading")
			.course("82", "Recheck")
			.course("83", "No recheck")
			.course("85", "Deleted later")
			.course("86", "Still fine")
			.course("87", "Without rules")
			.course("88", "Withdrawn grade");
		reportMoodle.token(TOKEN, FakeMoodle.ALL_FUNCTIONS).course("84", "Report").completionReport(REPORT, "Europe/Berlin");
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("bridge.issuance.gateway-url", oeb.baseUrl());
		properties.put("bridge.issuance.retry-initial", "100ms");
		// the revocation test runs the wallet sync itself
		properties.put("bridge.wallet.sync-interval", "1h");
		properties.put("bridge.awards.redis-key-prefix", "test-changes-awards-" + UUID.randomUUID());
		properties.put("bridge.connector.redis-key-prefix", "test-changes-" + UUID.randomUUID());
		site(properties, "uni-signals", "0");
		rule(properties, "uni-signals", 0, "grading", "course-completed(course=81)");
		rule(properties, "uni-signals", 1, "no-recheck", "course-completed(course=83)");
		rule(properties, "uni-signals", 2, "deleted-later", "course-completed(course=85)");
		rule(properties, "uni-signals", 3, "still-fine", "course-completed(course=86)");
		rule(properties, "uni-signals", 4, "revocable", "grade-at-least(course=88, percent=50)");
		properties.put("bridge.awards.institutions.uni-signals.rules[4].revoke-when-lost", "true");
		properties.put("bridge.awards.institutions.uni-signals.rules[4].revoke-grace-period", "0s");
		// re-check within one poll interval: every open learner is read every cycle
		site(properties, "uni-recheck", "1h");
		rule(properties, "uni-recheck", 0, "recheck", "course-completed(course=82)");
		site(properties, "uni-report", "0");
		properties.put("bridge.moodle.institutions.uni-report.url", reportMoodle.url());
		properties.put("bridge.moodle.institutions.uni-report.completion-report.id", Integer.toString(REPORT));
		properties.put("bridge.moodle.institutions.uni-report.completion-report.time-zone", "Europe/Berlin");
		properties.put("bridge.moodle.institutions.uni-report.completion-report.per-page", "2");
		rule(properties, "uni-report", 0, "report", "course-completed(course=84)");
		site(properties, "uni-badreport", "0");
		properties.put("bridge.moodle.institutions.uni-badreport.completion-report.id", "999");
		rule(properties, "uni-badreport", 0, "report", "course-completed(course=84)");
		properties.forEach((key, value) -> registry.add(key, () -> value));
	}

	private static void site(Map<String, String> properties, String institution, String recheckWithin) {
		oeb.actAsGateway(institution, KEY);
		properties.put("bridge.awards.institutions." + institution + ".gateway-api-key", KEY);
		String site = "bridge.moodle.institutions." + institution + ".";
		properties.put(site + "url", moodle.url());
		properties.put(site + "token", TOKEN);
		properties.put(site + "poll-interval", "1h");
		properties.put(site + "recheck-within", recheckWithin);
	}

	private static void rule(Map<String, String> properties, String institution, int index, String id, String when) {
		String prefix = "bridge.awards.institutions." + institution + ".rules[" + index + "].";
		properties.put(prefix + "id", id);
		properties.put(prefix + "badge-class", BADGE);
		properties.put(prefix + "when", when);
	}

	@BeforeEach
	void usableSites() {
		oeb.badgeClass(BADGE);
		for (String institution : List.of("uni-signals", "uni-recheck", "uni-report")) {
			assertThat(this.sites.check(institution).state()).isEqualTo(SiteStatus.State.OK);
			// the start-up sweep holds course leases while it runs: a test's poll must not meet it
			await().atMost(Duration.ofSeconds(30)).until(() -> this.engine.ledgerComplete(institution));
		}
	}

	@AfterAll
	static void stopFakes() {
		oeb.close();
		moodle.close();
		reportMoodle.close();
	}

	@Test
	void aCompletionFromATeachersGradingIsFoundByTheNextPollWithoutTheLearnerVisiting() {
		String user = learner("81");
		this.poller.poll("uni-signals", "81", false);

		// the teacher grades the final assignment; Moodle completes the course; the learner never comes back
		moodle.grade("81", user, 31, "mod", "Final assignment", 9.0, 0, 10, Instant.now())
			.completion("81", user, true, COMPLETED_AT);
		CycleReport next = this.poller.poll("uni-signals", "81", false);

		assertThat(next.read()).isEqualTo(1);
		assertThat(next.newCompletions()).isEqualTo(1);
		awaitIssued("uni-signals", "grading", user);
	}

	@Test
	void aGradeWithdrawnInMoodleIsNoticedByThePollAndTheBadgeIsRevokedInOebOnce() {
		String user = learner("88");
		this.poller.poll("uni-signals", "88", false);
		moodle.grade("88", user, 40, "course", null, 8.0, 0, 10, Instant.now().minusSeconds(60));
		this.poller.poll("uni-signals", "88", false);
		awaitIssued("uni-signals", "revocable", user);
		String assertion = this.ledger.award("uni-signals", "revocable", user).get("assertion");

		// the teacher withdraws the grade: Moodle's grading date moves, which the poll watches
		moodle.grade("88", user, 40, "course", null, 2.0, 0, 10, Instant.now());
		CycleReport next = this.poller.poll("uni-signals", "88", false);
		assertThat(next.read()).isEqualTo(1);
		assertThat(this.ledger.award("uni-signals", "revocable", user)).containsKey("lostSince");

		this.redis.delete(this.ledger.keys("uni-signals").syncLease());
		assertThat(this.walletSync.sync("uni-signals")).isTrue();

		assertThat(this.ledger.award("uni-signals", "revocable", user)).containsEntry("state", "revoked")
			.containsEntry("revokedBy", "bridge");
		assertThat(oeb.assertion(assertion)).hasValueSatisfying((stored) -> assertThat(stored.revoked()).isTrue());
		assertThat(oeb.revokeCallCount()).isEqualTo(1);
	}

	@Test
	void aCronCompletionWithoutAnySignalIsFoundByTheRollingRecheckAndNotWithoutIt() {
		String checked = learner("82");
		String unchecked = learner("83");
		this.poller.poll("uni-recheck", "82", false);
		this.poller.poll("uni-signals", "83", false);

		// a date or duration criterion, computed by Moodle's cron: no access, no grade
		moodle.completion("82", checked, true, COMPLETED_AT).completion("83", unchecked, true, COMPLETED_AT);
		CycleReport rechecked = this.poller.poll("uni-recheck", "82", false);
		CycleReport notRechecked = this.poller.poll("uni-signals", "83", false);

		assertThat(rechecked.rechecked()).isEqualTo(1);
		awaitIssued("uni-recheck", "recheck", checked);
		assertThat(notRechecked.read()).isZero();
		assertThat(this.ledger.award("uni-signals", "no-recheck", unchecked)).isEmpty();
	}

	@Test
	void theCompletionReportGivesCompletionsWithTheirTimesForOneCallPerPage() {
		String first = learner(reportMoodle, "84");
		String second = learner(reportMoodle, "84");
		String third = learner(reportMoodle, "84");
		this.poller.poll("uni-report", "84", false);
		reportMoodle.completion("84", first, true, COMPLETED_AT)
			.completion("84", second, true, COMPLETED_AT.plusSeconds(60))
			.completion("84", third, true, COMPLETED_AT.plusSeconds(120));
		reportMoodle.resetCalls();

		CycleReport next = this.poller.poll("uni-report", "84", false);

		// roster + grades + ⌈3 rows ÷ 2 per page⌉, and no per-learner completion read
		assertThat(next.lmsCalls()).isEqualTo(2 + 2);
		assertThat(reportMoodle.calls("core_reportbuilder_retrieve_report")).hasSize(2);
		assertThat(reportMoodle.calls("core_completion_get_course_completion_status")).isEmpty();
		assertThat(next.newCompletions()).isEqualTo(3);
		awaitIssued("uni-report", "report", first);
		awaitIssued("uni-report", "report", third);
		assertThat(this.ledger.award("uni-report", "report", first)).containsEntry("achievedAt",
				COMPLETED_AT.toString());
		assertThat(this.ledger.award("uni-report", "report", third)).containsEntry("achievedAt",
				COMPLETED_AT.plusSeconds(120).toString());
	}

	@Test
	void anUnknownCompletionReportMakesTheSiteMisconfiguredAndSaysWhich() {
		SiteStatus status = this.sites.check("uni-badreport");

		assertThat(status.state()).isEqualTo(SiteStatus.State.MISCONFIGURED);
		assertThat(status.errorCode()).isEqualTo("invalidrecord");
		assertThat(status.message()).contains("core_reportbuilder_retrieve_report", "reportbuilder_report");
	}

	@Test
	void aCourseThatFailsIsMarkedAndSkippedWhileTheOtherCoursesGoOn() {
		String stays = learner("86");
		learner("85");
		moodle.failCourse("85", "dml_missing_record_exception", "invalidrecord",
				"Can't find data record in database table course.");
		try {
			assertThat(this.poller.poll("uni-signals", "85", false)).isEqualTo(CycleReport.SKIPPED);

			assertThat(this.sites.status("uni-signals").pollable()).isTrue();
			moodle.completion("86", stays, true, COMPLETED_AT);
			assertThat(this.poller.poll("uni-signals", "86", false)).isNotEqualTo(CycleReport.SKIPPED);
			awaitIssued("uni-signals", "still-fine", stays);
			Health health = this.moodleHealth.health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(MoodleConnectorApplicationTests.site(health, "uni-signals")).containsEntry("status", "OK")
				.extractingByKey("failingCourses")
				.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
				.extractingByKey("85")
				.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
				.containsEntry("errorcode", "invalidrecord");
		}
		finally {
			moodle.healCourse("85");
		}
		assertThat(this.poller.poll("uni-signals", "85", false)).isNotEqualTo(CycleReport.SKIPPED);
		assertThat(this.sites.courseProblems("uni-signals")).doesNotContainKey("85");
	}

	@Test
	void aMissingCapabilityInOneCategoryStopsOnlyThatCourse() {
		learner("85");
		moodle.failCourse("85", "required_capability_exception", "nopermissions",
				"Sorry, but you do not currently have permissions to do that (View all grades).");
		try {
			assertThat(this.poller.poll("uni-signals", "85", false)).isEqualTo(CycleReport.SKIPPED);
			assertThat(this.sites.courseProblems("uni-signals").get("85").message()).contains("View all grades");
			assertThat(this.sites.status("uni-signals").pollable()).isTrue();
		}
		finally {
			moodle.healCourse("85");
		}
	}

	@Test
	void hintsAboutATeacherOrACourseWithoutRulesReadNothing() {
		String teacher = Integer.toString(nextUser.incrementAndGet());
		moodle.enrol("81", teacher, "Teacher " + teacher, "teacher" + teacher + "@uni.example", "editingteacher")
			.completion("81", teacher, true, COMPLETED_AT);
		String learnerElsewhere = learner("87");
		moodle.resetCalls();

		assertThat(this.poller.reread("uni-signals", "81", teacher)).isEqualTo(HintOutcome.NOT_A_LEARNER);
		assertThat(this.poller.reread("uni-signals", "87", learnerElsewhere)).isEqualTo(HintOutcome.NO_RULES);

		assertThat(moodle.calls("core_completion_get_course_completion_status")).isEmpty();
		assertThat(moodle.calls(null)).hasSizeLessThanOrEqualTo(1);
		assertThat(this.ledger.award("uni-signals", "grading", teacher)).isEmpty();
	}

	@Test
	void aHintAboutALearnerEnrolledSinceTheLastRosterReadsTheRosterOnceAndTheLearner() {
		learner("81");
		this.poller.poll("uni-signals", "81", false);
		String newcomer = learner("81");
		moodle.completion("81", newcomer, true, COMPLETED_AT);

		assertThat(this.poller.reread("uni-signals", "81", newcomer)).isEqualTo(HintOutcome.READ);

		awaitIssued("uni-signals", "grading", newcomer);
		assertThat(this.poller.reread("uni-signals", "81", newcomer)).isEqualTo(HintOutcome.SETTLED);
	}

	private static String learner(String course) {
		return learner(moodle, course);
	}

	private static String learner(FakeMoodle site, String course) {
		String user = Integer.toString(nextUser.incrementAndGet());
		site.enrol(course, user, "Learner " + user, "learner" + user + "@uni.example", "student");
		return user;
	}

	private void awaitIssued(String institution, String rule, String user) {
		await().atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> assertThat(this.ledger.award(institution, rule, user)).containsEntry("state", "issued"));
	}

}

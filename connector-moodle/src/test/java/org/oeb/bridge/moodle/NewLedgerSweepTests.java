package org.oeb.bridge.moodle;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.oeb.bridge.common.awards.AwardLedger;
import org.oeb.bridge.common.connector.CoursePoller;
import org.oeb.bridge.testing.FakeMoodle;
import org.oeb.bridge.testing.FakeOeb;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A connector that starts on a new (or lost) award ledger sweeps its site at once, so that
 * awards stop being looked up before each first POST; polls alone never complete a ledger.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class NewLedgerSweepTests {

	private static final String TOKEN = "0123456789abcdef0123456789abcdef";

	private static final String KEY = "gateway-key-" + UUID.randomUUID();

	private static final String BADGE = "CourseBadge0000000000A";

	private static final FakeOeb oeb = FakeOeb.start();

	private static final FakeMoodle moodle = FakeMoodle.start();

	@Autowired
	private AwardLedger ledger;

	@Autowired
	private CoursePoller poller;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		moodle.token(TOKEN, FakeMoodle.ALL_FUNCTIONS).course("61", "Chemistry").course("62", "Physics");
		oeb.actAsGateway("uni-a", KEY).badgeClass(BADGE);
		registry.add("bridge.issuance.gateway-url", oeb::baseUrl);
		registry.add("bridge.awards.redis-key-prefix", () -> "test-new-ledger-" + UUID.randomUUID());
		registry.add("bridge.connector.redis-key-prefix", () -> "test-new-ledger-moodle-" + UUID.randomUUID());
		registry.add("bridge.awards.institutions.uni-a.gateway-api-key", () -> KEY);
		registry.add("bridge.awards.institutions.uni-a.rules[0].id", () -> "chemistry");
		registry.add("bridge.awards.institutions.uni-a.rules[0].badge-class", () -> BADGE);
		registry.add("bridge.awards.institutions.uni-a.rules[0].when", () -> "course-completed(course=61)");
		registry.add("bridge.awards.institutions.uni-a.rules[1].id", () -> "physics");
		registry.add("bridge.awards.institutions.uni-a.rules[1].badge-class", () -> BADGE);
		registry.add("bridge.awards.institutions.uni-a.rules[1].when", () -> "course-completed(course=62)");
		registry.add("bridge.moodle.institutions.uni-a.url", moodle::url);
		registry.add("bridge.moodle.institutions.uni-a.token", () -> TOKEN);
		registry.add("bridge.moodle.institutions.uni-a.poll-interval", () -> "1h");
	}

	@AfterAll
	static void stopFakes() {
		oeb.close();
		moodle.close();
	}

	@Test
	void aNewLedgerIsSweptAtOnceAndFirstAttemptsThenGoStraightToOeb() {
		await().atMost(Duration.ofSeconds(20)).until(() -> this.ledger.verified("uni-a"));

		String user = "4711";
		moodle.enrol("61", user, "Learner " + user, "learner4711@uni-a.example", "student");
		this.poller.poll("uni-a", "61", false);
		moodle.completion("61", user, true, Instant.parse("2026-05-04T12:00:00Z")).access("61", user, Instant.now());
		int lookUpsBefore = oeb.lookupCallCount();
		this.poller.poll("uni-a", "61", false);

		await().atMost(Duration.ofSeconds(15)).untilAsserted(
				() -> assertThat(this.ledger.award("uni-a", "chemistry", user)).containsEntry("state", "issued"));
		assertThat(this.ledger.award("uni-a", "chemistry", user)).containsEntry("issuedBy", "issue");
		assertThat(oeb.lookupCallCount()).isEqualTo(lookUpsBefore);
	}

}

package org.oeb.bridge.canvas.events;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.oeb.bridge.common.awards.AwardLedger;
import org.oeb.bridge.common.connector.ConnectorSites;
import org.oeb.bridge.testing.FakeCanvas;
import org.oeb.bridge.testing.FakeOeb;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Signed Live Events: a genuine one leads to the award within seconds (the event itself decides
 * nothing); forged, unsigned, expired, foreign-tenant and malformed ones are refused and change
 * nothing.
 */
@SpringBootTest
@AutoConfigureMockMvc
class LiveEventsTests {

	private static final String TOKEN = "7~connector-token";

	private static final String ROOT_ACCOUNT = "VicYj3cu5BIFpoZhDVU4DZumnlBrWi1grgJEzADs";

	private static final String OTHER_ROOT_ACCOUNT = "OtherRootAccountUuid000000000000000000000";

	private static final String KEY = "gateway-key-" + UUID.randomUUID();

	private static final String BADGE = "CanvasBadge0000000000A";

	private static final Instant COMPLETED_AT = Instant.parse("2026-05-05T13:38:00Z");

	private static final FakeOeb oeb = FakeOeb.start();

	private static final FakeCanvas canvas = FakeCanvas.start();

	private static final AtomicInteger nextUser = new AtomicInteger(900);

	@Autowired
	private MockMvc mvc;

	@Autowired
	private AwardLedger ledger;

	@Autowired
	private ConnectorSites sites;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		canvas.accessToken(TOKEN).course("301", "Events", true).course("302", "Graded events", true);
		oeb.actAsGateway("uni-c", KEY);
		registry.add("bridge.issuance.gateway-url", oeb::baseUrl);
		registry.add("bridge.awards.redis-key-prefix", () -> "test-live-awards-" + UUID.randomUUID());
		registry.add("bridge.connector.redis-key-prefix", () -> "test-live-" + UUID.randomUUID());
		registry.add("bridge.awards.institutions.uni-c.gateway-api-key", () -> KEY);
		registry.add("bridge.awards.institutions.uni-c.rules[0].id", () -> "completed-301");
		registry.add("bridge.awards.institutions.uni-c.rules[0].badge-class", () -> BADGE);
		registry.add("bridge.awards.institutions.uni-c.rules[0].when", () -> "course-completed(course=301)");
		registry.add("bridge.awards.institutions.uni-c.rules[1].id", () -> "score-302");
		registry.add("bridge.awards.institutions.uni-c.rules[1].badge-class", () -> BADGE);
		registry.add("bridge.awards.institutions.uni-c.rules[1].when", () -> "grade-at-least(course=302, percent=80)");
		String site = "bridge.canvas.institutions.uni-c.";
		registry.add(site + "url", canvas::url);
		registry.add(site + "access-token", () -> TOKEN);
		registry.add(site + "root-account-uuid", () -> ROOT_ACCOUNT);
		registry.add(site + "poll-interval", () -> "1h");
		registry.add(site + "live-events.jwks-url", canvas::jwksUrl);
		// an institution whose key endpoint cannot be reached
		registry.add("bridge.awards.institutions.uni-dark.gateway-api-key", () -> KEY);
		registry.add("bridge.awards.institutions.uni-dark.rules[0].id", () -> "completed-301");
		registry.add("bridge.awards.institutions.uni-dark.rules[0].badge-class", () -> BADGE);
		registry.add("bridge.awards.institutions.uni-dark.rules[0].when", () -> "course-completed(course=301)");
		registry.add("bridge.canvas.institutions.uni-dark.url", canvas::url);
		registry.add("bridge.canvas.institutions.uni-dark.access-token", () -> TOKEN);
		registry.add("bridge.canvas.institutions.uni-dark.root-account-uuid", () -> ROOT_ACCOUNT);
		registry.add("bridge.canvas.institutions.uni-dark.poll-interval", () -> "1h");
		registry.add("bridge.canvas.institutions.uni-dark.live-events.jwks-url", () -> "http://127.0.0.1:1/jwks");
	}

	@BeforeEach
	void usableSite() {
		oeb.badgeClass(BADGE);
		this.sites.check("uni-c");
	}

	@AfterAll
	static void stopFakes() {
		oeb.close();
		canvas.close();
	}

	@Test
	void aSignedCourseCompletedEventLeadsToTheAwardWithinSeconds() throws Exception {
		String user = student("301");
		canvas.progress("301", user, 3, 3, COMPLETED_AT);

		deliver(canvas.signedEvent(FakeCanvas.courseCompletedEvent(ROOT_ACCOUNT, "301", user, COMPLETED_AT)))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.status").value("accepted"));

		await().atMost(Duration.ofSeconds(5)).untilAsserted(
				() -> assertThat(this.ledger.award("uni-c", "completed-301", user)).containsEntry("state", "issued"));
	}

	@Test
	void aGradeChangeWithGlobalIdsReReadsTheLearnerByTheLocalIds() throws Exception {
		String user = student("302");
		canvas.scores("302", user, 91.0, 91.0, null, 91.0);

		deliver(canvas.signedEvent(FakeCanvas.gradeChangeEvent(ROOT_ACCOUNT, "302", user))).andExpect(status().isOk());

		await().atMost(Duration.ofSeconds(5)).untilAsserted(
				() -> assertThat(this.ledger.award("uni-c", "score-302", user)).containsEntry("state", "issued"));
	}

	@Test
	void anEventAloneAwardsNothingWhenCanvasDoesNotShowTheCompletion() throws Exception {
		String user = student("301");
		canvas.progress("301", user, 3, 1, null);

		deliver(canvas.signedEvent(FakeCanvas.courseCompletedEvent(ROOT_ACCOUNT, "301", user, COMPLETED_AT)))
			.andExpect(status().isOk());

		Thread.sleep(1000);
		assertThat(this.ledger.award("uni-c", "completed-301", user)).isEmpty();
	}

	@Test
	void forgedUnsignedExpiredAndForeignEventsAreRefusedAndRecordNothing() throws Exception {
		String user = student("301");
		canvas.progress("301", user, 3, 3, COMPLETED_AT);
		String event = FakeCanvas.courseCompletedEvent(ROOT_ACCOUNT, "301", user, COMPLETED_AT);
		canvas.resetCalls();

		deliver(canvas.signedEventWithUnknownKey(event)).andExpect(status().isUnauthorized());
		deliver(canvas.unsignedEvent(event)).andExpect(status().isUnauthorized())
			.andExpect(jsonPath("$.error").value("unsigned"));
		deliver(canvas.expiredEvent(event)).andExpect(status().isUnauthorized());
		deliver(tamperedClaims(canvas.signedEvent(event))).andExpect(status().isUnauthorized());
		deliver(canvas.signedEvent(FakeCanvas.courseCompletedEvent(OTHER_ROOT_ACCOUNT, "301", user, COMPLETED_AT)))
			.andExpect(status().isForbidden())
			.andExpect(jsonPath("$.error").value("foreign_tenant"));
		deliver(event).andExpect(status().isBadRequest());
		this.mvc.perform(post("/webhooks/canvas/no-such-institution/live-events").contentType("application/jwt")
			.content(canvas.signedEvent(event))).andExpect(status().isUnauthorized());

		Thread.sleep(1000);
		assertThat(this.ledger.award("uni-c", "completed-301", user)).isEmpty();
		assertThat(canvas.calls("/courses/301/")).as("no re-read was triggered").isEmpty();
	}

	@Test
	void unknownKeysRefetchTheJwksAtMostOnceAMinute() throws Exception {
		String user = student("301");
		canvas.progress("301", user, 3, 1, null);
		String event = FakeCanvas.courseCompletedEvent(ROOT_ACCOUNT, "301", user, COMPLETED_AT);
		deliver(canvas.signedEvent(event)).andExpect(status().isOk());
		int fetched = canvas.jwksRequestCount();

		for (int i = 0; i < 5; i++) {
			deliver(canvas.signedEventWithUnknownKey(event)).andExpect(status().isUnauthorized());
		}

		assertThat(canvas.jwksRequestCount() - fetched).isLessThanOrEqualTo(1);
	}

	@Test
	void theSameSignedEventDeliveredTwiceIsTakenOnce() throws Exception {
		String user = student("301");
		String event = canvas.signedEvent(FakeCanvas.courseCompletedEvent(ROOT_ACCOUNT, "301", user, COMPLETED_AT));

		deliver(event).andExpect(jsonPath("$.status").value("accepted"));
		deliver(event).andExpect(status().isOk()).andExpect(jsonPath("$.status").value("duplicate"));
	}

	@Test
	void eventsThatCannotChangeABadgeAreAnsweredAndIgnored() throws Exception {
		String unrelated = "{\"metadata\":{\"event_name\":\"logged_in\",\"root_account_uuid\":\"" + ROOT_ACCOUNT
				+ "\",\"event_time\":\"2026-05-05T13:38:00.000Z\"},\"body\":{}}";

		deliver(canvas.signedEvent(unrelated)).andExpect(status().isOk())
			.andExpect(jsonPath("$.status").value("ignored"));
	}

	@Test
	void signingKeysThatCannotBeFetchedAre503SoCanvasRetriesInsteadOfBeingToldTheEventIsForged() throws Exception {
		String event = canvas.signedEvent(FakeCanvas.courseCompletedEvent(ROOT_ACCOUNT, "301", student("301"), COMPLETED_AT));

		this.mvc.perform(post("/webhooks/canvas/uni-dark/live-events").contentType("application/jwt").content(event))
			.andExpect(status().isServiceUnavailable())
			.andExpect(jsonPath("$.error").value("keys_unavailable"));
	}

	@Test
	void aBodyOverTheLimitIs413BeforeItIsVerified() throws Exception {
		deliver("x".repeat(70 * 1024)).andExpect(status().is(413)).andExpect(jsonPath("$.error").value("body_too_large"));
	}

	private ResultActions deliver(String token) throws Exception {
		return this.mvc.perform(post("/webhooks/canvas/uni-c/live-events").contentType("application/jwt").content(token));
	}

	/** The claims of a genuine event with one character changed: its signature no longer fits. */
	private static String tamperedClaims(String token) {
		String[] parts = token.split("\\.");
		char[] claims = parts[1].toCharArray();
		int at = claims.length / 2;
		claims[at] = (claims[at] == 'A') ? 'B' : 'A';
		return parts[0] + "." + new String(claims) + "." + parts[2];
	}

	private static String student(String course) {
		String user = Integer.toString(nextUser.incrementAndGet());
		canvas.student(course, user, "Student " + user, "student" + user + "@uni-c.example");
		return user;
	}

}

package org.oeb.bridge.canvas.site;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.oeb.bridge.testing.FakeCanvas;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Canvas client behaves as Canvas asks: paging by Link, pacing, backing off, renewing tokens once. */
class CanvasClientTests {

	private static final String TOKEN = "7~canvas-personal-token";

	private static final FakeCanvas canvas = FakeCanvas.start();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	@AfterAll
	static void stop() {
		canvas.close();
	}

	@BeforeEach
	void fresh() {
		canvas.accessToken(TOKEN).course("100", "Paging", true).rateLimitRemaining(700);
		canvas.resetCalls();
	}

	@Test
	void followsBookmarkLinksAcrossThreePagesAndReadsEveryItemOnce() {
		for (int i = 0; i < 250; i++) {
			String user = Integer.toString(10_000 + i);
			canvas.student("100", user, "Student " + user, user + "@uni.example")
				.graded("100", user, 1, 9, Instant.parse("2026-05-01T10:00:00Z").plusSeconds(i), true);
		}

		List<JsonNode> graded = client(site()).getAll(
				"/api/v1/courses/100/students/submissions?student_ids[]=all&graded_since=2026-04-01T00:00:00Z&order=graded_at");

		assertThat(graded).hasSize(250);
		assertThat(graded.stream().map((submission) -> submission.path("id").asLong()).distinct()).hasSize(250);
		assertThat(canvas.calls("/students/submissions")).hasSize(3)
			.anySatisfy((call) -> assertThat(call.getUrl()).contains("page=bookmark"));
	}

	@Test
	void throttledAnswersAsPlainText403OrAs429AreWaitedOutNotFailures() {
		canvas.throttleNext(2, false);
		assertThat(client(site()).get("/api/v1/users/self").path("login_id").asString()).isEqualTo("connector");

		canvas.throttleNext(2, true);
		assertThat(client(site()).get("/api/v1/users/self").path("login_id").asString()).isEqualTo("connector");

		assertThat(canvas.calls("/users/self")).hasSize(6);
		assertThat(this.meters.counter("bridge.canvas.throttled", "institution", "uni-c").count()).isEqualTo(4);
	}

	@Test
	void aLowRemainingBudgetSlowsTheCallsDown() {
		canvas.rateLimitRemaining(140);
		CanvasClient client = client(site());
		long started = System.nanoTime();

		client.get("/api/v1/users/self");
		client.get("/api/v1/users/self");

		// (150 - 140) / 10 units a second = 1 s after each call
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
		assertThat(this.meters.counter("bridge.canvas.slowdowns", "institution", "uni-c").count()).isEqualTo(2);
		assertThat(this.meters.get("bridge.canvas.rate.limit.remaining").gauge().value()).isEqualTo(140);
	}

	@Test
	void oneCallIsInFlightPerTokenHoweverManyThreadsRead() {
		for (int i = 0; i < 30; i++) {
			canvas.student("100", Integer.toString(20_000 + i), "S", null);
		}
		CanvasClient client = client(site());
		List<CompletableFuture<List<JsonNode>>> reads = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			reads.add(CompletableFuture.supplyAsync(() -> client.getAll("/api/v1/courses/100/users?enrollment_type[]=student")));
		}
		reads.forEach(CompletableFuture::join);

		assertThat(canvas.maxConcurrentCalls()).isEqualTo(1);
	}

	@Test
	void aServerErrorMidPaginationFailsTheWholeReadAfterRetries() {
		canvas.course("102", "Failing page", true);
		for (int i = 0; i < 250; i++) {
			canvas.student("102", Integer.toString(30_000 + i), "S", null);
		}
		canvas.failPage("/courses/102/users", 2, 502);

		assertThatThrownBy(() -> client(site()).getAll("/api/v1/courses/102/users?enrollment_type[]=student"))
			.isInstanceOfSatisfying(CanvasException.class, (failure) -> assertThat(failure.siteWide()).isTrue());
		// page 2 was tried three times, page 3 never
		assertThat(canvas.calls("/courses/102/users")).hasSize(1 + 3);
	}

	@Test
	void aPageThatRepeatsFailsTheReadInsteadOfLoopingOrCountingTwice() {
		canvas.course("103", "Repeating page", true);
		for (int i = 0; i < 250; i++) {
			canvas.student("103", Integer.toString(40_000 + i), "S", null);
		}
		canvas.repeatPage("/courses/103/users", 2);

		assertThatThrownBy(() -> client(site()).getAll("/api/v1/courses/103/users?enrollment_type[]=student"))
			.isInstanceOfSatisfying(CanvasException.class,
					(failure) -> assertThat(failure.errorCode()).isEqualTo("page_repeats"));
	}

	@Test
	void aPermissionRefusedForOneCourseStopsOnlyThatCourseAndIsNotRetried() {
		canvas.course("101", "Forbidden", true).denyPermission("101");

		assertThatThrownBy(() -> client(site()).getAll("/api/v1/courses/101/users?enrollment_type[]=student"))
			.isInstanceOfSatisfying(CanvasException.class, (failure) -> {
				assertThat(failure.siteWide()).isFalse();
				assertThat(failure.needsAdministrator()).isTrue();
				assertThat(failure.getMessage()).contains("view_all_grades");
			});
		assertThat(canvas.calls("/courses/101/")).hasSize(1);
	}

	@Test
	void aDeveloperKeyRefreshesOnceAtStartKeepsItsTokenAndRenewsOnceWhenCanvasRevokesIt() {
		canvas.oauthClient("10000000000001", "key-secret", "refresh-1", Duration.ofHours(1));
		int before = canvas.tokenRequestCount();
		CanvasClient client = client(oauthSite("refresh-1"));

		for (int i = 0; i < 5; i++) {
			client.get("/api/v1/users/self");
		}
		assertThat(canvas.tokenRequestCount() - before).isEqualTo(1);

		canvas.revokeAccessTokens();
		client.get("/api/v1/users/self");
		client.get("/api/v1/users/self");

		assertThat(canvas.tokenRequestCount() - before).isEqualTo(2);
	}

	@Test
	@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
	void neitherTheRefreshTokenNorAnAccessTokenAppearsInTheLogs(
			org.springframework.boot.test.system.CapturedOutput output) {
		canvas.oauthClient("10000000000003", "key-secret-3", "refresh-3", Duration.ofHours(1));
		CanvasProperties.Site site = new CanvasProperties.Site(URI.create(canvas.url()), null, null,
				new CanvasProperties.OAuth("10000000000003", "key-secret-3", "refresh-3", null), Duration.ofMinutes(5),
				"0 30 2 * * *", Duration.ofMinutes(2), Duration.ofHours(6), 1, 150, Duration.ofMillis(20),
				Duration.ofSeconds(10), Duration.ofMinutes(10), CanvasProperties.Score.FINAL, null);
		CanvasTokens tokens = new CanvasTokens(new CanvasProperties(Map.of("uni-c", site)));
		CanvasClient client = new CanvasClient("uni-c", site, tokens, this.meters);

		client.get("/api/v1/users/self");
		canvas.revokeAccessTokens();
		client.get("/api/v1/users/self");

		assertThat(output.getAll()).doesNotContain("refresh-3", "key-secret-3", tokens.current("uni-c"));
	}

	@Test
	void aRefusedRefreshTokenIsAnAdministratorsProblemForTheWholeSite() {
		canvas.oauthClient("10000000000002", "key-secret", "refresh-2", Duration.ofHours(1));

		assertThatThrownBy(() -> client(oauthSite("not-the-refresh-token")).get("/api/v1/users/self"))
			.isInstanceOfSatisfying(CanvasException.class, (failure) -> {
				assertThat(failure.siteWide()).isTrue();
				assertThat(failure.needsAdministrator()).isTrue();
				assertThat(failure.getMessage()).contains("refresh token").doesNotContain("not-the-refresh-token");
			});
	}

	@Test
	void anUnknownTokenIsAnAdministratorsProblemAndNotRetriedForever() {
		CanvasProperties.Site wrong = new CanvasProperties.Site(URI.create(canvas.url()), null, "7~wrong", null,
				Duration.ofMinutes(5), "0 30 2 * * *", Duration.ofMinutes(2), Duration.ofHours(6), 1, 150,
				Duration.ofMillis(20), Duration.ofSeconds(10), Duration.ofMinutes(10), CanvasProperties.Score.FINAL, null);

		assertThatThrownBy(() -> client(wrong).get("/api/v1/users/self")).isInstanceOfSatisfying(CanvasException.class,
				(failure) -> assertThat(failure.errorCode()).isEqualTo("invalid_token"));
		assertThat(canvas.calls("/users/self")).hasSize(1);
	}

	private CanvasClient client(CanvasProperties.Site site) {
		CanvasProperties properties = new CanvasProperties(Map.of("uni-c", site));
		return new CanvasClient("uni-c", site, new CanvasTokens(properties), this.meters);
	}

	private static CanvasProperties.Site site() {
		return new CanvasProperties.Site(URI.create(canvas.url()), null, TOKEN, null, Duration.ofMinutes(5),
				"0 30 2 * * *", Duration.ofMinutes(2), Duration.ofHours(6), 1, 150, Duration.ofMillis(20),
				Duration.ofSeconds(10), Duration.ofMinutes(10), CanvasProperties.Score.FINAL, null);
	}

	private static CanvasProperties.Site oauthSite(String refreshToken) {
		String clientId = refreshToken.equals("refresh-1") ? "10000000000001" : "10000000000002";
		return new CanvasProperties.Site(URI.create(canvas.url()), null, null,
				new CanvasProperties.OAuth(clientId, "key-secret", refreshToken, null), Duration.ofMinutes(5),
				"0 30 2 * * *", Duration.ofMinutes(2), Duration.ofHours(6), 1, 150, Duration.ofMillis(20),
				Duration.ofSeconds(10), Duration.ofMinutes(10), CanvasProperties.Score.FINAL, null);
	}

}

package org.oeb.bridge.moodle;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.oeb.bridge.testing.FakeMoodle;
import org.oeb.bridge.testing.FakeOeb;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.awaitility.Awaitility.await;

/** Sites that hang do not delay the polling of another site: each institution has its own schedule. */
@SpringBootTest
class SiteIsolationTests {

	private static final String TOKEN = "0123456789abcdef0123456789abcdef";

	private static final String KEY = "gateway-key-" + UUID.randomUUID();

	private static final FakeOeb oeb = FakeOeb.start();

	private static final FakeMoodle healthy = FakeMoodle.start();

	private static final FakeMoodle hanging = FakeMoodle.start();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		healthy.token(TOKEN, FakeMoodle.ALL_FUNCTIONS).course("91", "Healthy").enrol("91", "1", "A", "a@uni.example",
				"student");
		hanging.token(TOKEN, FakeMoodle.ALL_FUNCTIONS).course("91", "Hanging");
		// every answer of the hanging site comes after the test is over
		hanging.wireMock().setGlobalFixedDelay(30_000);
		registry.add("bridge.issuance.gateway-url", oeb::baseUrl);
		registry.add("bridge.awards.redis-key-prefix", () -> "test-isolation-awards-" + UUID.randomUUID());
		registry.add("bridge.connector.redis-key-prefix", () -> "test-isolation-" + UUID.randomUUID());
		for (String institution : List.of("uni-healthy", "uni-hanging-1", "uni-hanging-2", "uni-hanging-3")) {
			oeb.actAsGateway(institution, KEY);
			registry.add("bridge.awards.institutions." + institution + ".gateway-api-key", () -> KEY);
			registry.add("bridge.awards.institutions." + institution + ".rules[0].id", () -> "course-91");
			registry.add("bridge.awards.institutions." + institution + ".rules[0].badge-class",
					() -> "CourseBadge0000000000A");
			registry.add("bridge.awards.institutions." + institution + ".rules[0].when",
					() -> "course-completed(course=91)");
			String site = "bridge.moodle.institutions." + institution + ".";
			FakeMoodle moodle = institution.equals("uni-healthy") ? healthy : hanging;
			registry.add(site + "url", moodle::url);
			registry.add(site + "token", () -> TOKEN);
			registry.add(site + "poll-interval", () -> "300ms");
			registry.add(site + "recheck-within", () -> "0");
		}
	}

	@AfterAll
	static void stopFakes() {
		oeb.close();
		healthy.close();
		hanging.close();
	}

	@Test
	void threeHangingSitesDoNotDelayTheHealthySitesPolls() {
		await().atMost(Duration.ofSeconds(10))
			.until(() -> healthy.calls("core_enrol_get_enrolled_users").size() >= 3);
	}

}

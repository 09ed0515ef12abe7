package org.oeb.bridge.moodle;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.oeb.bridge.testing.FakeMoodle;
import org.oeb.bridge.testing.FakeOeb;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Actuator lives on the management port only; site URLs and Moodle's error texts in health go
 * to the authenticated operator, while the Kubernetes probes stay open.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ManagementPortTests {

	private static final String TOKEN = "0123456789abcdef0123456789abcdef";

	private static final String KEY = "gateway-key-" + UUID.randomUUID();

	private static final String PASSWORD = "operator-" + UUID.randomUUID();

	private static final FakeOeb oeb = FakeOeb.start();

	private static final FakeMoodle moodle = FakeMoodle.start();

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@LocalManagementPort
	private int managementPort;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		// a token Moodle does not know: health then carries Moodle's error text
		moodle.course("95", "Management");
		oeb.actAsGateway("uni-a", KEY);
		registry.add("bridge.issuance.gateway-url", oeb::baseUrl);
		registry.add("bridge.awards.redis-key-prefix", () -> "test-management-awards-" + UUID.randomUUID());
		registry.add("bridge.connector.redis-key-prefix", () -> "test-management-" + UUID.randomUUID());
		registry.add("bridge.awards.institutions.uni-a.gateway-api-key", () -> KEY);
		registry.add("bridge.awards.institutions.uni-a.rules[0].id", () -> "course-95");
		registry.add("bridge.awards.institutions.uni-a.rules[0].badge-class", () -> "CourseBadge0000000000A");
		registry.add("bridge.awards.institutions.uni-a.rules[0].when", () -> "course-completed(course=95)");
		registry.add("bridge.moodle.institutions.uni-a.url", moodle::url);
		registry.add("bridge.moodle.institutions.uni-a.token", () -> TOKEN);
		registry.add("bridge.moodle.institutions.uni-a.poll-interval", () -> "1h");
		registry.add("bridge.operator.password-hash",
				() -> PasswordEncoderFactories.createDelegatingPasswordEncoder().encode(PASSWORD));
	}

	@AfterAll
	static void stopFakes() {
		oeb.close();
		moodle.close();
	}

	@Test
	void anAnonymousCallerSeesOnlyTheStatusAndTheProbesStayOpen() throws Exception {
		HttpResponse<String> health = get(this.managementPort, "/actuator/health", null);

		assertThat(health.body()).contains("\"status\"")
			.doesNotContain("uni-a", moodle.url(), "invalidtoken", "moodle", "issuance");
		assertThat(get(this.managementPort, "/actuator/health/liveness", null).statusCode()).isEqualTo(200);
		assertThat(get(this.managementPort, "/actuator/health/readiness", null).statusCode()).isEqualTo(200);
		assertThat(get(this.managementPort, "/actuator/health/moodle", null).body()).doesNotContain("uni-a",
				moodle.url());
	}

	@Test
	void theOperatorSeesEachSiteWithItsUrlAndMoodlesError() throws Exception {
		HttpResponse<String> health = get(this.managementPort, "/actuator/health", "operator:" + PASSWORD);

		assertThat(health.body()).contains("\"moodle\"", "\"uni-a\"", moodle.url(), "invalidtoken");
	}

	@Test
	void wrongOperatorCredentialsAre401AndTheIssuanceEndpointNeedsThem() throws Exception {
		assertThat(get(this.managementPort, "/actuator/health", "operator:guessed").statusCode()).isEqualTo(401);
		assertThat(get(this.managementPort, "/actuator/issuance", null).statusCode()).isEqualTo(401);
		assertThat(get(this.managementPort, "/actuator/issuance", "operator:" + PASSWORD).statusCode())
			.isEqualTo(200);
	}

	@Test
	void theWebhookPortServesNoActuator() throws Exception {
		assertThat(get(this.port, "/actuator/health", null).statusCode()).isEqualTo(404);
		assertThat(get(this.port, "/actuator/health", "operator:" + PASSWORD).statusCode()).isEqualTo(404);
		assertThat(get(this.port, "/actuator/issuance", "operator:" + PASSWORD).statusCode()).isEqualTo(404);
	}

	private HttpResponse<String> get(int port, String path, String credentials) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
		if (credentials != null) {
			request.header("Authorization",
					"Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}

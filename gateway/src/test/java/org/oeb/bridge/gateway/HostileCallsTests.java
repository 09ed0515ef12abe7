package org.oeb.bridge.gateway;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.client.WireMock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.oeb.bridge.testing.FakeOeb;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls an outsider or a connector of another institution would make to reach institution
 * B's OEB: written byte for byte, so no client library tidies the path first. None of them
 * may reach OEB; B's own key on B's canonical route must.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HostileCallsTests {

	private static final FakeOeb oeb = FakeOeb.start();

	private static final String REDIS_PREFIX = "test-hostile-" + UUID.randomUUID();

	private static final String BADGE_CLASS = "Qs4bN3yTQoa5xNmY1aV0gw";

	private static final String ISSUE = "/v2/badgeclasses/" + BADGE_CLASS + "/assertions";

	private static final String ISSUER = "Iss4bN3yTQoa5xNmY1aV0gw";

	private static final byte[] AWARD = "{\"recipient\":{\"identity\":\"ada@example.org\",\"type\":\"email\"}}"
		.getBytes();

	@LocalServerPort
	private int port;

	@Autowired
	private StringRedisTemplate redis;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		TestInstitutions.registerClients(oeb);
		TestInstitutions.gatewayProperties(oeb, REDIS_PREFIX)
			.forEach((key, value) -> registry.add(key, () -> value));
		// each test revokes OEB's tokens: read the token from Redis on every call, so counts stay exact
		registry.add("bridge.gateway.token.local-hold", () -> "0s");
	}

	@BeforeEach
	void freshOebAndRedis() {
		TestInstitutions.reset(oeb, this.redis, REDIS_PREFIX);
	}

	@AfterAll
	static void stopOeb() {
		oeb.close();
	}

	static Stream<Arguments> nonCanonicalRoutesToB() {
		List<String> paths = List.of(
				// percent-encoded characters where plain ones would do
				"/oeb/uni%2Db" + ISSUE, "/%6Feb/uni-b" + ISSUE, "/%6f%65%62/uni-b" + ISSUE,
				"/oeb/uni-b/v2/badgeclasses/%51s4bN3yTQoa5xNmY1aV0gw/assertions",
				// encoded separators
				"/oeb%2Funi-b" + ISSUE, "/oeb%2funi-b" + ISSUE, "/oeb/uni-a%2F..%2Funi-b" + ISSUE,
				"/oeb%5Cuni-b" + ISSUE, "/oeb/uni-b%5C" + ISSUE,
				// a raw backslash
				"/oeb\\uni-b" + ISSUE,
				// matrix parameters
				"/oeb;a=b/uni-b" + ISSUE, "/oeb/uni-b;v=1" + ISSUE, "/oeb/uni-b/v2;x/badgeclasses/" + BADGE_CLASS
						+ "/assertions", "/;/oeb/uni-b" + ISSUE,
				// dot segments, plain and encoded
				"/oeb/./uni-b" + ISSUE, "/oeb/uni-a/../uni-b" + ISSUE, "/x/../oeb/uni-b" + ISSUE,
				"/oeb/uni-a/%2e%2e/uni-b" + ISSUE, "/oeb/uni-a/.%2E/uni-b" + ISSUE,
				// empty segments
				"//oeb/uni-b" + ISSUE, "/oeb//uni-b" + ISSUE, "/oeb/uni-b//v2/badgeclasses/" + BADGE_CLASS
						+ "/assertions",
				// the prefix or the institution in another case
				"/OEB/uni-b" + ISSUE, "/Oeb/uni-b" + ISSUE, "/oeb/UNI-B" + ISSUE, "/oeb/Uni-B" + ISSUE);
		return paths.stream()
			.flatMap((path) -> Stream.of(Arguments.of(path, "no key"), Arguments.of(path, "key of A")));
	}

	@ParameterizedTest(name = "{1}: {0}")
	@MethodSource("nonCanonicalRoutesToB")
	void nonCanonicalPathToBIsRefusedAndNothingReachesOeb(String rawPath, String caller) {
		Map<String, String> headers = caller.equals("no key") ? Map.of("Content-Type", "application/json")
				: Map.of("Content-Type", "application/json", "X-Api-Key", TestInstitutions.KEY_A_ALL);

		RawHttp.Response response = RawHttp.send(this.port, "POST", rawPath, headers, AWARD, false);

		assertThat(response.status()).as(response.text()).isEqualTo(400);
		assertThat(oeb.wireMock().getAllServeEvents()).isEmpty();
	}

	@Test
	void nonCanonicalPathIsAnsweredWithTheReason() {
		RawHttp.Response response = RawHttp.send(this.port, "POST", "/oeb/uni-a/../uni-b" + ISSUE,
				Map.of("Content-Type", "application/json"), AWARD, false);

		assertThat(response.text()).contains("\"error\":\"non_canonical_path\"", "dot segments");
	}

	@Test
	void keyOfBOnTheCanonicalRouteOfBReachesOeb() {
		RawHttp.Response response = RawHttp.send(this.port, "POST", "/oeb/uni-b" + ISSUE,
				Map.of("Content-Type", "application/json", "X-Api-Key", TestInstitutions.KEY_B), AWARD, false);

		assertThat(response.status()).as(response.text()).isEqualTo(201);
		assertThat(oeb.wireMock().findAll(WireMock.postRequestedFor(WireMock.urlEqualTo(ISSUE)))).hasSize(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/oeb/uni-b" + ISSUE, "/oeb/uni-b", "/oeb/uni-b/", "/oeb/not-configured" + ISSUE,
			"/oeb/uni-bx" + ISSUE, "/oeb/uni-b-" + ISSUE, "/oeb/" })
	void keyOfAOnAnyRouteOutsideAIsForbiddenAndNothingReachesOeb(String path) {
		RawHttp.Response response = RawHttp.send(this.port, "POST", path,
				Map.of("Content-Type", "application/json", "X-Api-Key", TestInstitutions.KEY_A_ALL), AWARD, false);

		assertThat(response.status()).as(response.text()).isEqualTo(403);
		assertThat(response.text()).contains("wrong_institution");
		assertThat(oeb.wireMock().getAllServeEvents()).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/oeb/uni-b" + ISSUE, "/oeb/not-configured" + ISSUE, "/oeb/uni-b" })
	void keylessCallsAreUnauthorizedWhetherOrNotTheInstitutionExists(String path) {
		RawHttp.Response response = RawHttp.send(this.port, "POST", path, Map.of("Content-Type", "application/json"),
				AWARD, false);

		assertThat(response.status()).isEqualTo(401);
		assertThat(oeb.wireMock().getAllServeEvents()).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/actuator/health", "/actuator/prometheus", "/actuator/gateway/routes", "/v2/issuers",
			"/oebx/uni-b/v2/issuers", "/" })
	void theProxyPortServesNothingButOebRoutes(String path) {
		RawHttp.Response response = RawHttp.send(this.port, "GET", path, Map.of());

		assertThat(response.status()).isEqualTo(404);
		assertThat(oeb.wireMock().getAllServeEvents()).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "POST /o/publicregister", "POST /o/token", "GET /v2/users/self", "GET /v1/user/profile",
			"GET /v2/auth/tokens", "DELETE /v2/auth/applications/abc", "PATCH /v2/badgeclasses/" + BADGE_CLASS })
	void oauthUserAndUnknownCallsAreForbiddenEvenToAKeyWithEveryOperation(String call) {
		String[] parts = call.split(" ");

		RawHttp.Response response = RawHttp.send(this.port, parts[0], "/oeb/uni-a" + parts[1],
				Map.of("Content-Type", "application/json", "X-Api-Key", TestInstitutions.KEY_A_ALL), "{}".getBytes(),
				false);

		assertThat(response.status()).isEqualTo(403);
		assertThat(response.text()).contains("operation_not_allowed");
		assertThat(oeb.wireMock().getAllServeEvents()).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "DELETE /v2/assertions/Hc81abcdefghijklmnopqr", "POST /v2/issuers/" + ISSUER
			+ "/badgeclasses", "DELETE /v2/badgeclasses/" + BADGE_CLASS, "POST /v3/issuer/learners-badges/" })
	void aKeyWithTheDefaultOperationsMayOnlyIssueAndSync(String call) {
		String[] parts = call.split(" ");

		RawHttp.Response response = RawHttp.send(this.port, parts[0], "/oeb/uni-a" + parts[1],
				Map.of("Content-Type", "application/json", "X-Api-Key", TestInstitutions.KEY_A), "{}".getBytes(),
				false);

		assertThat(response.status()).isEqualTo(403);
		assertThat(response.text()).contains("operation_not_allowed", "[issue, sync]");
		assertThat(oeb.wireMock().getAllServeEvents()).isEmpty();
	}

	@Test
	void aKeyGrantedRevokeReachesOebWithARevocation() {
		oeb.badgeClass("RevokeBadge00000000000A");
		String assertion = oeb.existingAssertion("RevokeBadge00000000000A", "learner@uni-a.example",
				java.time.Instant.now(), false, null).entityId();

		RawHttp.Response response = RawHttp.send(this.port, "DELETE", "/oeb/uni-a/v2/assertions/" + assertion,
				Map.of("Content-Type", "application/json", "X-Api-Key", TestInstitutions.KEY_A_ALL),
				"{\"revocation_reason\":\"wrong learner\"}".getBytes(), false);

		assertThat(response.status()).as(response.text()).isEqualTo(200);
		assertThat(oeb.apiRequests()).hasSize(1);
		assertThat(oeb.assertion(assertion)).hasValueSatisfying((revoked) -> {
			assertThat(revoked.revoked()).isTrue();
			assertThat(revoked.revocationReason()).isEqualTo("wrong learner");
		});
	}

	@ParameterizedTest(name = "chunked={0}")
	@ValueSource(booleans = { false, true })
	void anIssueBodyOverTheLimitIs413AndNothingReachesOeb(boolean chunked) {
		byte[] body = new byte[200 * 1024];
		Arrays.fill(body, (byte) 'a');

		RawHttp.Response response = RawHttp.send(this.port, "POST", "/oeb/uni-a" + ISSUE,
				Map.of("Content-Type", "application/json", "X-Api-Key", TestInstitutions.KEY_A), body, chunked);

		assertThat(response.status()).as(response.text()).isEqualTo(413);
		assertThat(response.text()).contains("body_too_large", "'issue'");
		assertThat(oeb.wireMock().getAllServeEvents()).isEmpty();
	}

	@ParameterizedTest(name = "chunked={0}")
	@ValueSource(booleans = { false, true })
	void aManageBodyWithAnImageWellOverTheIssueLimitReachesOeb(boolean chunked) {
		oeb.wireMock()
			.stubFor(WireMock.post(WireMock.urlEqualTo("/v2/issuers/" + ISSUER + "/badgeclasses"))
				.willReturn(FakeOeb.json(201, FakeOeb.envelope("{\"entityType\":\"BadgeClass\"}"))));
		byte[] image = new byte[2 * 1024 * 1024];
		Arrays.fill(image, (byte) 'A');
		byte[] body = ("{\"name\":\"Open Science\",\"image\":\"data:image/png;base64," + new String(image) + "\"}")
			.getBytes();

		RawHttp.Response response = RawHttp.send(this.port, "POST", "/oeb/uni-a/v2/issuers/" + ISSUER + "/badgeclasses",
				Map.of("Content-Type", "application/json", "X-Api-Key", TestInstitutions.KEY_A_ALL), body, chunked);

		assertThat(response.status()).as(response.text()).isEqualTo(201);
		assertThat(oeb.apiRequests()).hasSize(1);
		assertThat(oeb.apiRequests().get(0).getBody()).hasSize(body.length);
	}

	@Test
	void aManageBodyOverItsOwnLimitIs413() {
		byte[] body = new byte[11 * 1024 * 1024];
		Arrays.fill(body, (byte) 'a');

		RawHttp.Response response = RawHttp.send(this.port, "POST", "/oeb/uni-a/v2/issuers/" + ISSUER + "/badgeclasses",
				Map.of("Content-Type", "application/json", "X-Api-Key", TestInstitutions.KEY_A_ALL), body, true);

		assertThat(response.status()).isEqualTo(413);
		assertThat(oeb.wireMock().getAllServeEvents()).isEmpty();
	}

}

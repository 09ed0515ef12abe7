package org.oeb.bridge.gateway;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
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

	@Autowired
	private MeterRegistry meters;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		TestInstitutions.registerClients(oeb);
		TestInstitutions.gatewayProperties(oeb, REDIS_PREFIX)
			.forEach((key, value) -> registry.add(key, () -> value));
		// each test revokes OEB's tokens: read the token from Redis on every call, so counts stay exact
		registry.add("bridge.gateway.token.local-hold", () -> "0s");
		// as deployed: on Kubernetes Spring Boot would apply callers' forwarded headers, unless told not to
		registry.add("spring.main.cloud-platform", () -> "kubernetes");
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
				"/OEB/uni-b" + ISSUE, "/Oeb/uni-b" + ISSUE, "/oeb/UNI-B" + ISSUE, "/oeb/Uni-B" + ISSUE,
				// bytes outside ASCII (each written as one ISO-8859-1 byte)
				"/oeb/uni-\u00e9" + ISSUE,
				"/oeb/uni-b/v2/badgeclasses/Qs4bN3yTQoa5xNmY1aV0g\u00fc/assertions",
				// empty segments at the end
				"/oeb/uni-b" + ISSUE + "//");
		return paths.stream()
			.flatMap((path) -> Stream.of(Arguments.of(path, "no key"), Arguments.of(path, "key of A")));
	}

	@ParameterizedTest(name = "{1}: {0}")
	@MethodSource("nonCanonicalRoutesToB")
	void nonCanonicalPathToBIsRefusedAndNothingReachesOeb(String rawPath, String caller) {
		Map<String, String> headers = caller.equals("no key") ? Map.of("Content-Type", "application/json")
				: Map.of("Content-Type", "application/json", "X-Api-Key", TestInstitutions.KEY_A_ALL);

		RawHttp.Response response = RawHttp.send(this.port, "POST", rawPath, headers, AWARD, false);

		// the gateway's own refusal, not an HTTP decoder's 400: the path did reach the canonical-path check
		assertThat(response.status()).as(response.text()).isEqualTo(400);
		assertThat(response.text()).contains("\"error\":\"non_canonical_path\"");
		assertThat(oeb.wireMock().getAllServeEvents()).isEmpty();
	}

	/**
	 * A raw backslash or a tab makes the request target no URI at all: the HTTP server answers
	 * 400 itself (no body) before any filter or route sees the call.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "/oeb\\uni-b" + ISSUE, "/oeb/uni-b\\" + ISSUE, "/oeb/uni-b\t" + ISSUE })
	void targetsThatAreNoUriAreRefusedByTheHttpServerAndNothingReachesOeb(String rawPath) {
		RawHttp.Response response = RawHttp.send(this.port, "POST", rawPath,
				Map.of("Content-Type", "application/json", "X-Api-Key", TestInstitutions.KEY_A_ALL), AWARD, false);

		assertThat(response.status()).as(response.text()).isEqualTo(400);
		assertThat(oeb.wireMock().getAllServeEvents()).isEmpty();
	}

	@ParameterizedTest(name = "{1}")
	@MethodSource("absoluteFormTargetsToB")
	void anAbsoluteFormRequestTargetIsCheckedLikeItsPath(String pathAfterAuthority, String caller, int status,
			String error) {
		Map<String, String> headers = caller.equals("no key") ? Map.of("Content-Type", "application/json")
				: Map.of("Content-Type", "application/json", "X-Api-Key", TestInstitutions.KEY_A_ALL);

		RawHttp.Response response = RawHttp.send(this.port, "POST",
				"http://localhost:" + this.port + pathAfterAuthority, headers, AWARD, false);

		assertThat(response.status()).as(response.text()).isEqualTo(status);
		assertThat(response.text()).contains("\"error\":\"" + error + "\"");
		assertThat(oeb.wireMock().getAllServeEvents()).isEmpty();
	}

	static Stream<Arguments> absoluteFormTargetsToB() {
		return Stream.of(Arguments.of("/oeb/uni-b" + ISSUE, "key of A", 403, "wrong_institution"),
				Arguments.of("/oeb/uni-b" + ISSUE, "no key", 401, "missing_api_key"),
				Arguments.of("/oeb/uni-a/../uni-b" + ISSUE, "key of A", 400, "non_canonical_path"),
				Arguments.of("/oeb/uni-a/%2e%2e/uni-b" + ISSUE, "key of A", 400, "non_canonical_path"));
	}

	@Test
	void anAbsoluteFormRequestTargetOfBWithBsKeyReachesOebWithBsToken() {
		String tokenOfA = tokenIssuedForACall();

		RawHttp.Response response = RawHttp.send(this.port, "POST", "http://localhost:" + this.port + "/oeb/uni-b" + ISSUE,
				Map.of("Content-Type", "application/json", "X-Api-Key", TestInstitutions.KEY_B), AWARD, false);

		assertThat(response.status()).as(response.text()).isEqualTo(201);
		assertReachedOebOnceWithTheTokenOfB(tokenOfA);
	}

	@Test
	void nonCanonicalPathIsAnsweredWithTheReason() {
		RawHttp.Response response = RawHttp.send(this.port, "POST", "/oeb/uni-a/../uni-b" + ISSUE,
				Map.of("Content-Type", "application/json"), AWARD, false);

		assertThat(response.text()).contains("\"error\":\"non_canonical_path\"", "dot segments");
	}

	@Test
	void keyOfBOnTheCanonicalRouteOfBReachesOebWithTheTokenOfB() {
		String tokenOfA = tokenIssuedForACall();

		RawHttp.Response response = RawHttp.send(this.port, "POST", "/oeb/uni-b" + ISSUE,
				Map.of("Content-Type", "application/json", "X-Api-Key", TestInstitutions.KEY_B), AWARD, false);

		assertThat(response.status()).as(response.text()).isEqualTo(201);
		assertReachedOebOnceWithTheTokenOfB(tokenOfA);
	}

	@Test
	void forwardedHeadersOfTheCallerChangeNeitherRouteNorPathNorAuthenticationAndDoNotReachOeb() {
		String tokenOfA = tokenIssuedForACall();
		Map<String, String> headers = new java.util.LinkedHashMap<>(forwardedHeaders("/oeb/uni-a"));
		headers.put("Content-Type", "application/json");
		headers.put("X-Api-Key", TestInstitutions.KEY_B);

		RawHttp.Response response = RawHttp.send(this.port, "POST", "/oeb/uni-b" + ISSUE, headers, AWARD, false);

		assertThat(response.status()).as(response.text()).isEqualTo(201);
		LoggedRequest forwarded = assertReachedOebOnceWithTheTokenOfB(tokenOfA);
		assertThat(forwarded.getHeaders().keys()).noneSatisfy((name) -> assertThat(name.toLowerCase())
			.satisfiesAnyOf((lower) -> assertThat(lower).startsWith("x-forwarded-"),
					(lower) -> assertThat(lower).isEqualTo("forwarded")));
		assertThat(forwarded.getHeader("Host")).doesNotContain("attacker.example");
	}

	@ParameterizedTest(name = "chunked body: {0}")
	@ValueSource(booleans = { false, true })
	void hopByHopHeadersAndTheHeadersConnectionNamesNeverReachOeb(boolean chunked) {
		String tokenOfA = tokenIssuedForACall();
		Map<String, String> headers = new java.util.LinkedHashMap<>();
		headers.put("Content-Type", "application/json");
		headers.put("X-Api-Key", TestInstitutions.KEY_B);
		headers.put("Connection", "X-Hop-Secret, keep-alive");
		headers.put("X-Hop-Secret", "meant-for-the-gateway-only");
		headers.put("Keep-Alive", "timeout=5");
		headers.put("TE", "trailers");
		headers.put("Trailer", "X-Checksum");
		headers.put("Proxy-Authorization", "Basic Y29ubmVjdG9yOnNlY3JldA==");
		headers.put("Proxy-Connection", "keep-alive");
		headers.put("X-Request-Id", "passes-through");

		RawHttp.Response response = RawHttp.send(this.port, "POST", "/oeb/uni-b" + ISSUE, headers, AWARD, chunked);

		assertThat(response.status()).as(response.text()).isEqualTo(201);
		LoggedRequest forwarded = assertReachedOebOnceWithTheTokenOfB(tokenOfA);
		assertThat(forwarded.getHeaders().keys()).map((name) -> name.toLowerCase(java.util.Locale.ROOT))
			.doesNotContain("connection", "x-hop-secret", "keep-alive", "te", "trailer", "proxy-authorization",
					"proxy-connection", "transfer-encoding", "x-api-key");
		assertThat(forwarded.getHeader("X-Request-Id")).isEqualTo("passes-through");
		// the body goes up whole, with its length, however the connector sent it
		assertThat(forwarded.getHeader("Content-Length")).isEqualTo(Integer.toString(AWARD.length));
		assertThat(forwarded.getBody()).isEqualTo(AWARD);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/oeb/uni-b", "/oeb/uni-a", "" })
	void forwardedHeadersDoNotLetTheKeyOfAOntoTheRouteOfB(String prefix) {
		Map<String, String> headers = new java.util.LinkedHashMap<>(forwardedHeaders(prefix));
		headers.put("Content-Type", "application/json");
		headers.put("X-Api-Key", TestInstitutions.KEY_A_ALL);

		RawHttp.Response response = RawHttp.send(this.port, "POST", "/oeb/uni-b" + ISSUE, headers, AWARD, false);

		assertThat(response.status()).as(response.text()).isEqualTo(403);
		assertThat(response.text()).contains("wrong_institution");
		assertThat(oeb.wireMock().getAllServeEvents()).isEmpty();
	}

	private static Map<String, String> forwardedHeaders(String prefix) {
		Map<String, String> headers = new java.util.LinkedHashMap<>();
		headers.put("X-Forwarded-Prefix", prefix);
		headers.put("X-Forwarded-Host", "attacker.example");
		headers.put("X-Forwarded-Proto", "https");
		headers.put("X-Forwarded-Port", "8443");
		headers.put("X-Forwarded-For", "203.0.113.9");
		headers.put("Forwarded", "for=203.0.113.9;host=attacker.example;proto=https");
		return headers;
	}

	/** Lets A call OEB once, so that A's token exists too and cannot be mistaken for B's. */
	private String tokenIssuedForACall() {
		RawHttp.Response response = RawHttp.send(this.port, "GET", "/oeb/uni-a/v2/badgeclasses/changed",
				Map.of("X-Api-Key", TestInstitutions.KEY_A));
		assertThat(response.status()).as(response.text()).isEqualTo(200);
		assertThat(oeb.issuedTokens()).hasSize(1);
		String tokenOfA = oeb.issuedTokens().get(0);
		oeb.wireMock().resetRequests();
		return tokenOfA;
	}

	/** The one issue call OEB received carried the token issued to B's client, not A's. */
	private static LoggedRequest assertReachedOebOnceWithTheTokenOfB(String tokenOfA) {
		List<LoggedRequest> tokenRequests = oeb.wireMock()
			.findAll(WireMock.postRequestedFor(WireMock.urlPathEqualTo("/o/token")));
		assertThat(tokenRequests).singleElement()
			.satisfies((request) -> assertThat(request.getBodyAsString())
				.contains("client_id=" + TestInstitutions.CLIENT_B));
		assertThat(oeb.issuedTokens()).hasSize(2);
		String tokenOfB = oeb.issuedTokens().get(1);
		assertThat(tokenOfB).isNotEqualTo(tokenOfA);
		List<LoggedRequest> issued = oeb.wireMock().findAll(WireMock.postRequestedFor(WireMock.urlEqualTo(ISSUE)));
		assertThat(issued).singleElement()
			.satisfies((request) -> assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + tokenOfB));
		return issued.get(0);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/oeb/uni-b" + ISSUE, "/oeb/uni-b" + ISSUE + "/", "/oeb/uni-b", "/oeb/uni-b/",
			"/oeb/not-configured" + ISSUE, "/oeb/uni-bx" + ISSUE, "/oeb/uni-b-" + ISSUE, "/oeb/",
			// a tab at the end is whitespace of the request line, not part of the path
			"/oeb/uni-b" + ISSUE + "\t" })
	void keyOfAOnAnyRouteOutsideAIsForbiddenAndNothingReachesOeb(String path) {
		RawHttp.Response response = RawHttp.send(this.port, "POST", path,
				Map.of("Content-Type", "application/json", "X-Api-Key", TestInstitutions.KEY_A_ALL), AWARD, false);

		assertThat(response.status()).as(response.text()).isEqualTo(403);
		assertThat(response.text()).contains("wrong_institution");
		assertThat(oeb.wireMock().getAllServeEvents()).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/oeb/uni-b" + ISSUE, "/oeb/uni-b" + ISSUE + "/", "/oeb/not-configured" + ISSUE,
			"/oeb/uni-b" })
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

	@Test
	void aDeclaredBodyOverTheLimitIs413AtOnceWithoutWaitingForTheBody() {
		long started = System.nanoTime();

		RawHttp.Response response = RawHttp.sendHeadOnly(this.port, "POST", "/oeb/uni-a" + ISSUE,
				Map.of("Content-Type", "application/json", "X-Api-Key", TestInstitutions.KEY_A), 50L * 1024 * 1024,
				Duration.ofSeconds(10));

		// a body cache ahead of the limit would wait for 50 MB that never come, and the read would time out
		assertThat(response.status()).as(response.text()).isEqualTo(413);
		assertThat(response.text()).contains("body_too_large");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
		assertThat(oeb.wireMock().getAllServeEvents()).isEmpty();
	}

	@Test
	void refusalsAreCountedByReason() {
		double notAllowed = rejections("operation_not_allowed");
		double tooLarge = rejections("body_too_large");
		double nonCanonical = rejections("non_canonical_path");
		Map<String, String> headers = Map.of("Content-Type", "application/json", "X-Api-Key", TestInstitutions.KEY_A);

		RawHttp.send(this.port, "POST", "/oeb/uni-a/v2/assertions/revoke", headers, "{}".getBytes(), false);
		RawHttp.send(this.port, "POST", "/oeb/uni-a" + ISSUE, headers, new byte[100 * 1024], false);
		RawHttp.send(this.port, "POST", "/oeb/uni-a/./v2" + ISSUE, headers, AWARD, false);

		assertThat(rejections("operation_not_allowed")).isEqualTo(notAllowed + 1);
		assertThat(rejections("body_too_large")).isEqualTo(tooLarge + 1);
		assertThat(rejections("non_canonical_path")).isEqualTo(nonCanonical + 1);
		assertThat(oeb.wireMock().getAllServeEvents()).isEmpty();
	}

	private double rejections(String reason) {
		return this.meters.find("bridge.gateway.connector.rejections")
			.tag("reason", reason)
			.counters()
			.stream()
			.mapToDouble(Counter::count)
			.sum();
	}

}

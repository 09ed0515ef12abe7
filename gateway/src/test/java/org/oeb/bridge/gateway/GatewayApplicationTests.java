package org.oeb.bridge.gateway;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.oeb.bridge.gateway.token.InstitutionTokens;
import org.oeb.bridge.testing.FakeOeb;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.NettyDataBuffer;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "30s")
class GatewayApplicationTests {

	private static final String REDIS_PREFIX = "test-gateway-" + UUID.randomUUID();

	private static final FakeOeb oeb = FakeOeb.start();

	private static final String ISSUE_PATH = "/v2/badgeclasses/Qs4bN3yTQoa5xNmY1aV0gw/assertions";

	/** A read every connector makes (operation sync): the badge classes' change feed. */
	private static final String SYNC_PATH = "/v2/badgeclasses/changed";

	private static final String BADGE_CLASS_PATH = "/v2/badgeclasses/Qs4bN3yTQoa5xNmY1aV0gw";

	@Autowired
	private WebTestClient client;

	@Autowired
	private StringRedisTemplate redis;

	@Autowired
	private InstitutionTokens tokens;

	@Autowired
	private Queue<ByteBuf> cachedBodies;

	@Autowired
	private Queue<String> proxiedRequestTypes;

	@LocalServerPort
	private int port;

	@LocalManagementPort
	private int managementPort;

	private static final String OPERATOR_PASSWORD = "operator-password-" + UUID.randomUUID();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		TestInstitutions.registerClients(oeb);
		TestInstitutions.gatewayProperties(oeb, REDIS_PREFIX).forEach((key, value) -> registry.add(key, () -> value));
		// each test revokes OEB's tokens: read the token from Redis on every call, so counts stay exact
		registry.add("bridge.gateway.token.local-hold", () -> "0s");
		registry.add("bridge.gateway.tenancy.institutions.uni-b.max-concurrent-calls", () -> "2");
		registry.add("bridge.gateway.tenancy.institutions.uni-b.max-queue-wait", () -> "200ms");
		registry.add("bridge.gateway.oeb.response-timeout", () -> "2s");
		registry.add("bridge.gateway.operator.password-hash",
				() -> PasswordEncoderFactories.createDelegatingPasswordEncoder().encode(OPERATOR_PASSWORD));
	}

	@BeforeEach
	void freshOebAndRedis() {
		TestInstitutions.reset(oeb, this.redis, REDIS_PREFIX);
	}

	@AfterAll
	static void stopOeb() {
		oeb.close();
	}

	@Test
	void forwardsWithTheInstitutionsBearerAndDropsTheConnectorsOwnCredentials() {
		this.client.post()
			.uri("/oeb/uni-a" + ISSUE_PATH)
			.header("X-Api-Key", TestInstitutions.KEY_A)
			.header(HttpHeaders.AUTHORIZATION, "Bearer connector-supplied")
			.header(HttpHeaders.COOKIE, "access_token=connector-cookie; other=1")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"recipient\":{\"identity\":\"a@b.de\",\"type\":\"email\"}}")
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody()
			.jsonPath("$.result[0].entityType")
			.isEqualTo("Assertion");

		List<LoggedRequest> upstream = oeb.apiRequests();
		assertThat(upstream).hasSize(1);
		LoggedRequest forwarded = upstream.get(0);
		assertThat(forwarded.getUrl()).isEqualTo(ISSUE_PATH);
		assertThat(forwarded.getHeader("Authorization")).isEqualTo("Bearer " + onlyIssuedToken());
		assertThat(forwarded.containsHeader("Cookie")).isFalse();
		assertThat(forwarded.containsHeader("X-Api-Key")).isFalse();
		assertThat(forwarded.getBodyAsString()).contains("a@b.de");
	}

	@Test
	void requestsTheTokenWithAFormBodyAndScopeAndNoQueryString() {
		callA().expectStatus().isOk();

		LoggedRequest tokenRequest = oeb.wireMock()
			.findAll(WireMock.postRequestedFor(WireMock.urlPathEqualTo("/o/token")))
			.get(0);
		assertThat(tokenRequest.getUrl()).isEqualTo("/o/token");
		assertThat(tokenRequest.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
		assertThat(tokenRequest.getBodyAsString()).contains("grant_type=client_credentials", "scope=rw%3Aissuer",
				"client_id=" + TestInstitutions.CLIENT_A);
	}

	@Test
	void setCookieFromOebIsNotForwardedAndDoesNotChangeTheBearerOfTheNextCall() {
		oeb.wireMock()
			.stubFor(WireMock.get(WireMock.urlPathEqualTo(BADGE_CLASS_PATH))
				.willReturn(FakeOeb.json(200, FakeOeb.envelope("{\"entityType\":\"BadgeClass\"}"))
					.withHeader("Set-Cookie", "access_token=planted-by-oeb; HttpOnly; Path=/")));

		this.client.get()
			.uri("/oeb/uni-a" + BADGE_CLASS_PATH)
			.header("X-Api-Key", TestInstitutions.KEY_A)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.doesNotExist(HttpHeaders.SET_COOKIE);
		callA().expectStatus().isOk();

		List<LoggedRequest> upstream = oeb.apiRequests();
		assertThat(upstream).hasSize(2);
		String token = onlyIssuedToken();
		assertThat(upstream).allSatisfy((request) -> {
			assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + token);
			assertThat(request.containsHeader("Cookie")).isFalse();
		});
	}

	@Test
	void reachesOebWithThePathTheKeyWasCheckedForAndTheQueryAsSent() {
		String query = "?recipient=ada%2Btag%40uni-a.example&include_revoked=true&num=5";
		RawHttp.Response response = RawHttp.send(this.port, "GET", "/oeb/uni-a" + ISSUE_PATH + query,
				java.util.Map.of("X-Api-Key", TestInstitutions.KEY_A));

		assertThat(response.status()).as(response.text()).isEqualTo(200);
		assertThat(oeb.apiRequests()).singleElement()
			.satisfies((request) -> assertThat(request.getUrl()).isEqualTo(ISSUE_PATH + query));
	}

	@Test
	void oebClosingTheConnectionWithoutAnAnswerIs502AndNamesTheLookUp() {
		oeb.wireMock()
			.stubFor(WireMock.post(WireMock.urlPathEqualTo(ISSUE_PATH))
				.willReturn(WireMock.aResponse().withFault(com.github.tomakehurst.wiremock.http.Fault.EMPTY_RESPONSE)));

		this.client.post()
			.uri("/oeb/uni-a" + ISSUE_PATH)
			.header("X-Api-Key", TestInstitutions.KEY_A)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"recipient\":{\"identity\":\"a@b.de\",\"type\":\"email\"}}")
			.exchange()
			.expectStatus()
			.isEqualTo(502)
			.expectBody()
			.jsonPath("$.error")
			.isEqualTo("oeb_connection_closed");
		// sent once: whether OEB stored it is for the connector to look up
		assertThat(oeb.wireMock().findAll(WireMock.postRequestedFor(WireMock.urlPathEqualTo(ISSUE_PATH)))).hasSize(1);
	}

	@Test
	void answersLargerThanOneReadAndChunkedAnswersReachTheConnectorWhole() {
		String large = "{\"result\":[\"" + "x".repeat(1024 * 1024) + "\"]}";
		oeb.wireMock()
			.stubFor(WireMock.get(WireMock.urlPathEqualTo(BADGE_CLASS_PATH))
				.willReturn(FakeOeb.json(200, large).withHeader("Connection", "X-Oeb-Hop").withHeader("X-Oeb-Hop", "1")));
		oeb.wireMock()
			.stubFor(WireMock.get(WireMock.urlPathEqualTo(SYNC_PATH))
				.willReturn(WireMock.aResponse()
					.withStatus(200)
					.withHeader("Content-Type", "application/json")
					.withBody(FakeOeb.envelope("{\"entityType\":\"BadgeClass\"}"))
					.withChunkedDribbleDelay(5, 100)));

		byte[] answer = this.client.mutate()
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(4 * 1024 * 1024))
			.build()
			.get()
			.uri("/oeb/uni-a" + BADGE_CLASS_PATH)
			.header("X-Api-Key", TestInstitutions.KEY_A)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.doesNotExist("X-Oeb-Hop")
			.expectBody()
			.returnResult()
			.getResponseBody();
		assertThat(answer).isEqualTo(large.getBytes(java.nio.charset.StandardCharsets.UTF_8));

		this.client.get()
			.uri("/oeb/uni-a" + SYNC_PATH)
			.header("X-Api-Key", TestInstitutions.KEY_A)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.result[0].entityType")
			.isEqualTo("BadgeClass");
	}

	@Test
	void missingOrUnknownKeyIs401AndNothingGoesUpstream() {
		this.client.get().uri("/oeb/uni-a" + SYNC_PATH).exchange().expectStatus().isUnauthorized()
			.expectBody().jsonPath("$.error").isEqualTo("missing_api_key");
		this.client.get()
			.uri("/oeb/uni-a" + SYNC_PATH)
			.header("X-Api-Key", "not-a-configured-key")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectBody()
			.jsonPath("$.error")
			.isEqualTo("unknown_api_key");

		assertThat(oeb.wireMock().getAllServeEvents()).isEmpty();
	}

	@Test
	void keyOfInstitutionAOnTheRouteOfBIs403AndNothingGoesUpstream() {
		this.client.post()
			.uri("/oeb/uni-b" + ISSUE_PATH)
			.header("X-Api-Key", TestInstitutions.KEY_A)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{}")
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectBody()
			.jsonPath("$.error")
			.isEqualTo("wrong_institution");
		this.client.get()
			.uri("/oeb/not-configured" + SYNC_PATH)
			.header("X-Api-Key", TestInstitutions.KEY_A)
			.exchange()
			.expectStatus()
			.isForbidden();

		assertThat(oeb.wireMock().getAllServeEvents()).isEmpty();
	}

	@Test
	void eachInstitutionGetsItsOwnToken() {
		callA().expectStatus().isOk();
		this.client.get()
			.uri("/oeb/uni-b" + SYNC_PATH)
			.header("X-Api-Key", TestInstitutions.KEY_B)
			.exchange()
			.expectStatus()
			.isOk();

		List<LoggedRequest> upstream = oeb.apiRequests();
		assertThat(upstream).hasSize(2);
		assertThat(upstream.get(0).getHeader("Authorization")).isNotEqualTo(upstream.get(1).getHeader("Authorization"));
		assertThat(oeb.tokenRequestCount()).isEqualTo(2);
	}

	@Test
	void revokedTokenLeadsToExactlyOneNewTokenRequestForManyConcurrentCalls() {
		callA().expectStatus().isOk();
		oeb.revokeAllTokens();
		oeb.wireMock().resetRequests();

		List<Integer> statuses = concurrentGets("/oeb/uni-a" + SYNC_PATH, TestInstitutions.KEY_A, 40);

		assertThat(statuses).hasSize(40).containsOnly(200);
		assertThat(oeb.tokenRequestCount()).isEqualTo(1);
		assertThat(oeb.apiRequests())
			.filteredOn((r) -> r.getHeader("Authorization").equals("Bearer " + oeb.latestToken()))
			.hasSize(40);
	}

	@Test
	void upstream401IsRetriedOnceWithANewTokenAndTheBodyIsSentAgain() {
		callA().expectStatus().isOk();
		oeb.revokeAllTokens();
		oeb.wireMock().resetRequests();

		this.client.post()
			.uri("/oeb/uni-a" + ISSUE_PATH)
			.header("X-Api-Key", TestInstitutions.KEY_A)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"recipient\":{\"identity\":\"retry@b.de\",\"type\":\"email\"}}")
			.exchange()
			.expectStatus()
			.isCreated();

		assertThat(oeb.tokenRequestCount()).isEqualTo(1);
		List<LoggedRequest> upstream = oeb.apiRequests();
		assertThat(upstream).hasSize(2);
		assertThat(upstream).allSatisfy((request) -> assertThat(request.getBodyAsString()).contains("retry@b.de"));
	}

	@Test
	void theBodyKeptForA401RetryIsReleasedWhenTheCallEnds() throws InterruptedException {
		this.cachedBodies.clear();
		this.client.post()
			.uri("/oeb/uni-a" + ISSUE_PATH)
			.header("X-Api-Key", TestInstitutions.KEY_A)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"recipient\":{\"identity\":\"kept@b.de\",\"type\":\"email\"}}")
			.exchange()
			.expectStatus()
			.isCreated();
		oeb.revokeAllTokens();
		this.client.post()
			.uri("/oeb/uni-a" + ISSUE_PATH)
			.header("X-Api-Key", TestInstitutions.KEY_A)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"recipient\":{\"identity\":\"retried@b.de\",\"type\":\"email\"}}")
			.exchange()
			.expectStatus()
			.isCreated();

		// a pooled buffer that is never released is lost to the pool: the gateway's direct memory would grow per call
		assertThat(this.cachedBodies).hasSizeGreaterThanOrEqualTo(2);
		Instant deadline = Instant.now().plusSeconds(5);
		while (this.cachedBodies.stream().anyMatch((buffer) -> buffer.refCnt() > 0) && Instant.now().isBefore(deadline)) {
			Thread.sleep(20);
		}
		assertThat(this.cachedBodies).allSatisfy((buffer) -> assertThat(buffer.refCnt()).isZero());
	}

	@Test
	void expiredTokenIsReplacedWithExactlyOneNewTokenRequest() throws InterruptedException {
		oeb.tokenLifetime(Duration.ofSeconds(2));
		callA().expectStatus().isOk();
		assertThat(oeb.tokenRequestCount()).isEqualTo(1);
		Thread.sleep(1300);

		List<Integer> statuses = concurrentGets("/oeb/uni-a" + SYNC_PATH, TestInstitutions.KEY_A, 20);

		assertThat(statuses).containsOnly(200);
		assertThat(oeb.tokenRequestCount()).isEqualTo(2);
		assertThat(oeb.apiRequests())
			.filteredOn((r) -> r.getHeader("Authorization").equals("Bearer " + oeb.latestToken()))
			.hasSize(20);
	}

	@Test
	void throttledTokenEndpointGives503WithRetryAfterAndIsNotAskedAgainDuringTheBackOff() {
		oeb.throttleTokenEndpoint(120);

		for (int i = 0; i < 5; i++) {
			callA().expectStatus()
				.isEqualTo(503)
				.expectHeader()
				.value(HttpHeaders.RETRY_AFTER, (retryAfter) -> assertThat(Long.parseLong(retryAfter)).isBetween(100L, 120L))
				.expectBody()
				.jsonPath("$.error")
				.isEqualTo("oeb_token_throttled");
		}

		assertThat(oeb.tokenRequestCount()).isEqualTo(1);
		assertThat(oeb.apiRequests()).isEmpty();
	}

	@Test
	void callsOverTheInstitutionsConcurrencyLimitGet429WithRetryAfter() {
		oeb.wireMock()
			.stubFor(WireMock.get(WireMock.urlPathEqualTo(BADGE_CLASS_PATH))
				.willReturn(FakeOeb.json(200, FakeOeb.envelope()).withFixedDelay(1000)));

		List<Integer> statuses = concurrentGets("/oeb/uni-b" + BADGE_CLASS_PATH, TestInstitutions.KEY_B, 6);

		assertThat(statuses).containsOnly(200, 429);
		assertThat(statuses).filteredOn((status) -> status == 200).hasSize(2);
		assertThat(oeb.wireMock().findAll(WireMock.getRequestedFor(WireMock.urlPathEqualTo(BADGE_CLASS_PATH))))
			.hasSize(2);
	}

	@Test
	void healthShowsPerInstitutionWhetherATokenCanBeObtained() {
		oeb.throttleTokenEndpoint(60);
		callB().expectStatus().isEqualTo(503);
		oeb.stopThrottling();

		String body = management().get()
			.uri("/actuator/health")
			.headers((headers) -> headers.setBasicAuth("operator", OPERATOR_PASSWORD))
			.exchange()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();

		assertThat(body).contains("\"institutions\"", "\"uni-a\"", "\"uni-b\"", "throttled");
		assertThat(body).doesNotContain(TestInstitutions.SECRET_A, TestInstitutions.SECRET_B, TestInstitutions.CLIENT_A);
		oeb.issuedTokens().forEach((token) -> assertThat(body).doesNotContain(token));
	}

	@Test
	void prometheusCountsUpstreamCallsTokenRequestsAndRejections() {
		callA().expectStatus().isOk();
		this.client.get().uri("/oeb/uni-a" + SYNC_PATH).exchange().expectStatus().isUnauthorized();

		String metrics = management().get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();

		assertThat(metrics).contains("bridge_gateway_upstream_requests_seconds_count{", "institution=\"uni-a\"",
				"status=\"200\"");
		assertThat(metrics).contains("bridge_gateway_token_requests_seconds_count{", "outcome=\"success\"");
		assertThat(metrics).contains("bridge_gateway_connector_rejections_total{", "reason=\"missing_api_key\"");
		// Spring Cloud Gateway's own per-call timer is off: it cost CPU on every call and says less than ours
		assertThat(metrics).doesNotContain("spring_cloud_gateway_requests");
		assertThat(metrics).doesNotContain(TestInstitutions.CLIENT_A, TestInstitutions.SECRET_A, TestInstitutions.KEY_A);
		oeb.issuedTokens().forEach((token) -> assertThat(metrics).doesNotContain(token));
	}

	@Test
	void oebNotAnsweringWithinTheResponseTimeoutIs504() {
		oeb.wireMock()
			.stubFor(WireMock.get(WireMock.urlPathEqualTo(SYNC_PATH))
				.willReturn(FakeOeb.json(200, FakeOeb.envelope()).withFixedDelay(3500)));

		callA().expectStatus().isEqualTo(504).expectBody().jsonPath("$.error").isEqualTo("oeb_timeout");
	}

	@Test
	void tokensAreStoredInRedisEncrypted() {
		callA().expectStatus().isOk();

		String stored = this.redis.opsForValue().get(REDIS_PREFIX + ":token:uni-a");
		assertThat(stored).startsWith("v1.").doesNotContain(onlyIssuedToken());
	}

	@Test
	void aTokenWrittenToRedisInClearByAnotherServiceIsNeverSentToOeb() {
		this.redis.opsForValue().set(REDIS_PREFIX + ":token:uni-a", "planted-token", Duration.ofMinutes(5));

		callA().expectStatus().isOk();

		assertThat(oeb.tokenRequestCount()).isEqualTo(1);
		assertThat(oeb.apiRequests()).singleElement()
			.satisfies((request) -> assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + onlyIssuedToken()));
	}

	@Test
	void aRejectionOfATokenThatWasAlreadyReplacedLeavesTheCurrentTokenAlone() {
		callA().expectStatus().isOk();
		String stored = this.redis.opsForValue().get(REDIS_PREFIX + ":token:uni-a");

		String retryWith = this.tokens.replaceRejected("uni-a", "an-older-token").block(Duration.ofSeconds(10));

		assertThat(retryWith).isEqualTo(onlyIssuedToken());
		assertThat(this.redis.opsForValue().get(REDIS_PREFIX + ":token:uni-a")).isEqualTo(stored);
		assertThat(oeb.tokenRequestCount()).isEqualTo(1);
	}

	@Test
	void aCallThatOebAlwaysAnswers401ReplacesTheTokenOnceNotOnEveryCall() {
		oeb.wireMock()
			.stubFor(WireMock.get(WireMock.urlPathEqualTo("/v2/badgeclasses/AlwaysUnauthorized"))
				.willReturn(FakeOeb.json(401, "{\"status\":{\"success\":false,\"description\":\"no valid auth token found\"}}")));

		for (int i = 0; i < 5; i++) {
			this.client.get()
				.uri("/oeb/uni-b/v2/badgeclasses/AlwaysUnauthorized")
				.header("X-Api-Key", TestInstitutions.KEY_B)
				.exchange()
				.expectStatus()
				.isEqualTo(502)
				.expectBody()
				.jsonPath("$.error")
				.isEqualTo("oeb_rejected_token");
		}

		assertThat(oeb.tokenRequestCount()).isEqualTo(2);
		callB().expectStatus().isOk();
		assertThat(oeb.tokenRequestCount()).isEqualTo(2);
	}

	@Test
	void healthShowsNoInstitutionToAnAnonymousCallerAndProbesStayOpen() {
		oeb.throttleTokenEndpoint(60);
		callB().expectStatus().isEqualTo(503);
		oeb.stopThrottling();

		String body = management().get()
			.uri("/actuator/health")
			.exchange()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(body).contains("\"status\"").doesNotContain("uni-a", "uni-b", "institutions", "throttled");
		assertThat(anonymousProbeStatus("/actuator/health/liveness")).isEqualTo(200);
		assertThat(anonymousProbeStatus("/actuator/health/readiness")).isEqualTo(200);
	}

	@Test
	void wrongOperatorCredentialsAre401() {
		management().get()
			.uri("/actuator/health")
			.headers((headers) -> headers.setBasicAuth("operator", "guessed"))
			.exchange()
			.expectStatus()
			.isUnauthorized();
	}

	@Test
	void springSecurityGuardsTheManagementPortAndLeavesConnectorCallsToTheGatewaysOwnChecks() {
		this.proxiedRequestTypes.clear();
		callA().expectStatus().isOk();
		management().get()
			.uri("/actuator/health")
			.headers((headers) -> headers.setBasicAuth("operator", "not-the-password"))
			.exchange()
			.expectStatus()
			.isUnauthorized();

		// Spring Security's firewall wraps the request of every exchange it filters
		assertThat(this.proxiedRequestTypes).isNotEmpty().noneMatch((type) -> type.contains("Firewall"));
	}

	@Test
	void aCustomManagementPathIsNotNeededToFindTheDetailsClosed() {
		// the proxy port has no actuator at all
		this.client.get().uri("/actuator/health").exchange().expectStatus().isNotFound();
		this.client.get()
			.uri("/actuator/health")
			.headers((headers) -> headers.setBasicAuth("operator", OPERATOR_PASSWORD))
			.exchange()
			.expectStatus()
			.isNotFound();
	}

	/**
	 * What a kubelet sees: a probe without credentials, retried like the kubelet retries one
	 * that got no answer in time (this test is about access, not latency).
	 */
	private int anonymousProbeStatus(String path) {
		IllegalStateException unanswered = null;
		for (int attempt = 0; attempt < 3; attempt++) {
			try {
				return WebTestClient.bindToServer()
					.baseUrl("http://localhost:" + this.managementPort)
					.responseTimeout(Duration.ofSeconds(10))
					.build()
					.get()
					.uri(path)
					.exchange()
					.returnResult(String.class)
					.getStatus()
					.value();
			}
			catch (IllegalStateException ex) {
				unanswered = ex;
			}
		}
		throw unanswered;
	}

	private WebTestClient management() {
		return WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + this.managementPort)
			.responseTimeout(Duration.ofSeconds(30))
			.build();
	}

	private WebTestClient.ResponseSpec callA() {
		return this.client.get()
			.uri("/oeb/uni-a" + SYNC_PATH)
			.header("X-Api-Key", TestInstitutions.KEY_A)
			.exchange();
	}

	private WebTestClient.ResponseSpec callB() {
		return this.client.get()
			.uri("/oeb/uni-b" + SYNC_PATH)
			.header("X-Api-Key", TestInstitutions.KEY_B)
			.exchange();
	}

	private static String onlyIssuedToken() {
		assertThat(oeb.issuedTokens()).hasSize(1);
		return oeb.issuedTokens().iterator().next();
	}

	/** Sees the request body the gateway keeps for a retry, to check that it is given back. */
	@TestConfiguration(proxyBeanMethods = false)
	static class CachedBodyProbe {

		@Bean
		Queue<ByteBuf> cachedBodies() {
			return new ConcurrentLinkedQueue<>();
		}

		@Bean
		Queue<String> proxiedRequestTypes() {
			return new ConcurrentLinkedQueue<>();
		}

		@Bean
		GlobalFilter cachedBodyProbe(Queue<ByteBuf> cachedBodies, Queue<String> proxiedRequestTypes) {
			return new OrderedCachedBodyProbe(cachedBodies, proxiedRequestTypes);
		}

	}

	private record OrderedCachedBodyProbe(Queue<ByteBuf> cachedBodies,
			Queue<String> proxiedRequestTypes) implements GlobalFilter, Ordered {

		@Override
		public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
			// every decorator the request went through on its way here
			ServerHttpRequest request = exchange.getRequest();
			this.proxiedRequestTypes.add(request.getClass().getName());
			while (request instanceof ServerHttpRequestDecorator decorator) {
				request = decorator.getDelegate();
				this.proxiedRequestTypes.add(request.getClass().getName());
			}
			if (exchange.getAttribute(ServerWebExchangeUtils.CACHED_REQUEST_BODY_ATTR) instanceof NettyDataBuffer body) {
				this.cachedBodies.add(body.getNativeBuffer());
			}
			return chain.filter(exchange);
		}

		@Override
		public int getOrder() {
			return 0;
		}

	}

	private List<Integer> concurrentGets(String path, String apiKey, int count) {
		WebClient webClient = WebClient.create("http://localhost:" + this.port);
		return Flux.range(0, count)
			.flatMap((i) -> webClient.get()
				.uri(path)
				.header("X-Api-Key", apiKey)
				.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value())), count)
			.collectList()
			.block(Duration.ofSeconds(30));
	}

}

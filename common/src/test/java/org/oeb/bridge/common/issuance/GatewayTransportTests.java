package org.oeb.bridge.common.issuance;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import feign.Request;
import feign.Response;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.oeb.bridge.common.awards.AwardsProperties;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The connectors' HTTP transport to the gateway, against a WireMock gateway: connections are
 * kept for the next calls, and nothing is done behind the worker's back (no retry, no
 * redirect, no cookie).
 */
class GatewayTransportTests {

	private static final String ISSUE_PATH = "/oeb/uni-a/v2/badgeclasses/CourseBadge0000000000A/assertions";

	private final WireMockServer gateway = new WireMockServer(options().dynamicPort().containerThreads(40));

	private final GatewayClientConfiguration configuration = new GatewayClientConfiguration();

	private PoolingHttpClientConnectionManager connections;

	private CloseableHttpClient http;

	private PooledFeignClient client;

	@BeforeEach
	void start() {
		this.gateway.start();
		IssuanceProperties issuance = new IssuanceProperties(URI.create(this.gateway.baseUrl()), 16,
				Duration.ofSeconds(2), Duration.ofSeconds(280), Duration.ofSeconds(15), Duration.ofMinutes(5),
				Duration.ofMinutes(2), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMinutes(30),
				Duration.ofHours(72), Duration.ofHours(1), Duration.ofMinutes(5));
		this.connections = this.configuration.gatewayConnections(issuance, new AwardsProperties(Map.of(), "test"));
		this.http = this.configuration.gatewayHttpClient(this.connections);
		this.client = new PooledFeignClient(this.http);
	}

	@AfterEach
	void stop() throws IOException {
		this.http.close();
		this.gateway.stop();
	}

	@Test
	void keepsEveryConnectionOfConcurrentCallsOpenForTheNextCalls() throws Exception {
		this.gateway.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(201)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"result\":[{\"entityId\":\"x\"}]}")
			.withFixedDelay(200)));

		callConcurrently(16);
		assertThat(this.connections.getTotalStats().getAvailable()).isEqualTo(16);

		callConcurrently(16);
		// the second round reused them: no connection was opened beyond the 16
		assertThat(this.connections.getTotalStats().getAvailable()).isEqualTo(16);
		assertThat(this.connections.getTotalStats().getLeased()).isZero();
	}

	@Test
	void passesTheBodyAndHeadersBothWays() throws IOException {
		this.gateway.stubFor(any(urlPathEqualTo(ISSUE_PATH)).willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withHeader("Retry-After", "7")
			.withBody("{\"validationErrors\":[\"no\"]}")));

		try (Response response = this.client.execute(post("{\"recipient\":\"ada\"}"), within(Duration.ofSeconds(5)))) {
			assertThat(response.status()).isEqualTo(400);
			assertThat(response.headers().get("Retry-After")).containsExactly("7");
			assertThat(new String(response.body().asInputStream().readAllBytes(), StandardCharsets.UTF_8))
				.isEqualTo("{\"validationErrors\":[\"no\"]}");
		}
		this.gateway.verify(postRequestedFor(urlPathEqualTo(ISSUE_PATH))
			.withHeader("X-Api-Key", equalTo("uni-a-connector-key"))
			.withHeader("Content-Type", equalTo("application/json"))
			.withHeader("Content-Length", equalTo("19"))
			.withRequestBody(equalTo("{\"recipient\":\"ada\"}")));
	}

	@Test
	void sendsAnIssueCallOnceWhenTheConnectionIsResetBeforeTheAnswer() {
		this.gateway.stubFor(any(urlPathEqualTo(ISSUE_PATH))
			.willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

		assertThatThrownBy(() -> this.client.execute(post("{}"), within(Duration.ofSeconds(5))).close())
			.isInstanceOf(IOException.class);
		this.gateway.verify(exactly(1), postRequestedFor(urlPathEqualTo(ISSUE_PATH)));
	}

	@Test
	void givesUpWaitingForAnAnswerAfterTheRequestTimeout() {
		this.gateway.stubFor(any(urlPathEqualTo(ISSUE_PATH)).willReturn(aResponse().withStatus(201).withFixedDelay(3000)));

		assertThatThrownBy(() -> this.client.execute(post("{}"), within(Duration.ofMillis(300))).close())
			.isInstanceOf(SocketTimeoutException.class);
		this.gateway.verify(exactly(1), postRequestedFor(urlPathEqualTo(ISSUE_PATH)));
	}

	@Test
	void followsNoRedirectAndKeepsNoCookie() throws IOException {
		this.gateway.stubFor(any(urlPathEqualTo(ISSUE_PATH)).willReturn(aResponse().withStatus(302)
			.withHeader("Location", "/elsewhere")
			.withHeader("Set-Cookie", "sessionid=someone-elses; Path=/")));

		for (int call = 0; call < 2; call++) {
			try (Response response = this.client.execute(post("{}"), within(Duration.ofSeconds(5)))) {
				assertThat(response.status()).isEqualTo(302);
			}
		}
		this.gateway.verify(exactly(2), postRequestedFor(urlPathEqualTo(ISSUE_PATH)).withCookie("sessionid", absent()));
		this.gateway.verify(exactly(0), postRequestedFor(urlPathEqualTo("/elsewhere")));
	}

	private void callConcurrently(int calls) throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(calls);
		try {
			List<Future<Integer>> answers = new ArrayList<>();
			for (int call = 0; call < calls; call++) {
				answers.add(threads.submit(() -> {
					try (Response response = this.client.execute(post("{}"), within(Duration.ofSeconds(5)))) {
						response.body().asInputStream().readAllBytes();
						return response.status();
					}
				}));
			}
			for (Future<Integer> answer : answers) {
				assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo(201);
			}
		}
		finally {
			threads.shutdownNow();
		}
	}

	private Request post(String body) {
		Map<String, Collection<String>> headers = Map.of("X-Api-Key", List.of("uni-a-connector-key"), "Content-Type",
				List.of("application/json"), "Content-Length",
				List.of(Integer.toString(body.getBytes(StandardCharsets.UTF_8).length)));
		return Request.create(Request.HttpMethod.POST, this.gateway.baseUrl() + ISSUE_PATH, headers,
				body.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8, null);
	}

	private static Request.Options within(Duration requestTimeout) {
		return new Request.Options(2, TimeUnit.SECONDS, requestTimeout.toMillis(), TimeUnit.MILLISECONDS, false);
	}

}

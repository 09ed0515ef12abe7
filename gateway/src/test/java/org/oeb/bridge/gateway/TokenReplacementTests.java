package org.oeb.bridge.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.oeb.bridge.testing.FakeOeb;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two replicas that each hold the token they read in memory (as deployed, not read from
 * Redis on every call): OEB's 401 replaces only the token the rejected call carried.
 */
class TokenReplacementTests {

	private static final FakeOeb oeb = FakeOeb.start();

	private static final String SYNC = "/v2/badgeclasses/changed";

	private final String redisPrefix = "test-token-replacement-" + UUID.randomUUID();

	private ConfigurableApplicationContext replicaOne;

	private ConfigurableApplicationContext replicaTwo;

	private StringRedisTemplate redis;

	@BeforeEach
	void startTwoReplicas() {
		TestInstitutions.registerClients(oeb);
		oeb.reset();
		List<String> args = new ArrayList<>();
		TestInstitutions.gatewayProperties(oeb, this.redisPrefix)
			.forEach((key, value) -> args.add("--" + key + "=" + value));
		args.add("--server.port=0");
		args.add("--management.server.port=0");
		args.add("--bridge.gateway.token.local-hold=60s");
		args.add("--bridge.gateway.token.request-timeout=3s");
		this.replicaOne = new SpringApplicationBuilder(GatewayApplication.class).run(args.toArray(String[]::new));
		this.replicaTwo = new SpringApplicationBuilder(GatewayApplication.class).run(args.toArray(String[]::new));
		this.redis = this.replicaOne.getBean(StringRedisTemplate.class);
	}

	@AfterEach
	void stopReplicas() {
		TestInstitutions.reset(oeb, this.redis, this.redisPrefix);
		this.replicaOne.close();
		this.replicaTwo.close();
	}

	@AfterAll
	static void stopOeb() {
		oeb.close();
	}

	@Test
	void a401ToAnOldTokenHeldInMemoryLeavesTheNewerSharedTokenAlone() {
		assertThat(syncA(this.replicaOne)).isEqualTo(200);
		assertThat(syncA(this.replicaTwo)).isEqualTo(200);
		String old = onlyToken();
		oeb.revokeAllTokens();
		// replica two meets the revoked token first and replaces it for the fleet
		assertThat(syncA(this.replicaTwo)).isEqualTo(200);
		assertThat(oeb.tokenRequestCount()).isEqualTo(2);
		String newer = oeb.latestToken();
		String storedNewer = this.redis.opsForValue().get(tokenKey());
		oeb.wireMock().resetRequests();

		// replica one still holds the old token: OEB rejects it, and only it is forgotten
		assertThat(syncA(this.replicaOne)).isEqualTo(200);

		assertThat(oeb.tokenRequestCount()).isZero();
		assertThat(this.redis.opsForValue().get(tokenKey())).isEqualTo(storedNewer);
		assertThat(oeb.apiRequests()).extracting((request) -> request.getHeader("Authorization"))
			.containsExactly("Bearer " + old, "Bearer " + newer);
	}

	@Test
	void a401ToTheTokenHeldInMemoryDropsItAndTheCallIsSentAgainWithANewOne() {
		assertThat(syncA(this.replicaOne)).isEqualTo(200);
		String old = onlyToken();
		oeb.revokeAllTokens();
		oeb.wireMock().resetRequests();

		assertThat(syncA(this.replicaOne)).isEqualTo(200);

		assertThat(oeb.tokenRequestCount()).isEqualTo(1);
		List<LoggedRequest> calls = oeb.apiRequests();
		assertThat(calls).extracting((request) -> request.getHeader("Authorization"))
			.containsExactly("Bearer " + old, "Bearer " + oeb.latestToken());
		assertThat(oeb.latestToken()).isNotEqualTo(old);
		// the next call uses the new token without asking Redis or OEB
		assertThat(syncA(this.replicaOne)).isEqualTo(200);
		assertThat(oeb.tokenRequestCount()).isEqualTo(1);
	}

	@Test
	void aCallWaitsForAnotherReplicasTokenRequestAtMostOneLockLifetime() {
		// another replica holds the lock and never stores a token (a request-timeout of 3 s: a lock
		// lifetime of 8 s)
		this.redis.opsForValue().set(this.redisPrefix + ":token-lock:uni-b", "another-replica", Duration.ofMinutes(1));
		long started = System.nanoTime();

		RawHttp.Response response = RawHttp.send(port(this.replicaOne), "GET", "/oeb/uni-b" + SYNC,
				Map.of("X-Api-Key", TestInstitutions.KEY_B));

		Duration waited = Duration.ofNanos(System.nanoTime() - started);
		assertThat(response.status()).as(response.text()).isEqualTo(503);
		assertThat(response.text()).contains("oeb_token_unavailable", "another gateway replica");
		assertThat(waited).isBetween(Duration.ofMillis(7500), Duration.ofMillis(12000));
		assertThat(oeb.wireMock().findAll(WireMock.postRequestedFor(WireMock.urlPathEqualTo("/o/token")))).isEmpty();
	}

	private int syncA(ConfigurableApplicationContext replica) {
		RawHttp.Response response = RawHttp.send(port(replica), "GET", "/oeb/uni-a" + SYNC,
				Map.of("X-Api-Key", TestInstitutions.KEY_A));
		return response.status();
	}

	private String tokenKey() {
		return this.redisPrefix + ":token:uni-a";
	}

	private static String onlyToken() {
		assertThat(oeb.issuedTokens()).hasSize(1);
		return oeb.issuedTokens().get(0);
	}

	private static int port(ConfigurableApplicationContext replica) {
		return Integer.parseInt(replica.getEnvironment().getProperty("local.server.port"));
	}

}

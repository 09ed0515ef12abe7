package org.oeb.bridge.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.oeb.bridge.testing.FakeOeb;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Two gateway replicas sharing one Redis behave as one fleet towards OEB's token endpoint. */
class TwoGatewayReplicasTests {

	private static final String REDIS_PREFIX = "test-replicas-" + UUID.randomUUID();

	private static FakeOeb oeb;

	private static ConfigurableApplicationContext replicaOne;

	private static ConfigurableApplicationContext replicaTwo;

	@BeforeAll
	static void startOebAndTwoReplicas() {
		oeb = FakeOeb.start();
		TestInstitutions.registerClients(oeb);
		List<String> args = new ArrayList<>();
		TestInstitutions.gatewayProperties(oeb, REDIS_PREFIX).forEach((key, value) -> args.add("--" + key + "=" + value));
		args.add("--server.port=0");
		args.add("--management.server.port=0");
		args.add("--bridge.gateway.tenancy.institutions.uni-a.max-concurrent-calls=256");
		replicaOne = new SpringApplicationBuilder(GatewayApplication.class).run(args.toArray(String[]::new));
		replicaTwo = new SpringApplicationBuilder(GatewayApplication.class).run(args.toArray(String[]::new));
	}

	@AfterAll
	static void stopAll() {
		replicaOne.close();
		replicaTwo.close();
		oeb.close();
	}

	@Test
	void twoReplicasServe200ConcurrentCallsWithExactlyOneTokenRequest() {
		// a slow token endpoint keeps every call of the burst waiting for the same token request
		oeb.tokenEndpointDelay(Duration.ofMillis(500));
		WebClient client = WebClient.builder()
			.clientConnector(new ReactorClientHttpConnector(
					HttpClient.create(ConnectionProvider.builder("burst").maxConnections(200).build())))
			.build();
		List<String> urls = List.of(url(replicaOne), url(replicaTwo));

		List<Integer> statuses = Flux.range(0, 200)
			.flatMap((i) -> client.get()
				.uri(urls.get(i % 2) + "/oeb/uni-a/v2/badgeclasses/changed")
				.header("X-Api-Key", TestInstitutions.KEY_A)
				.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value())), 200)
			.collectList()
			.block(Duration.ofSeconds(60));

		assertThat(statuses).hasSize(200).containsOnly(200);
		assertThat(oeb.tokenRequestCount()).isEqualTo(1);
		assertThat(oeb.apiRequests()).hasSize(200)
			.allSatisfy((request) -> assertThat(request.getHeader("Authorization"))
				.isEqualTo("Bearer " + oeb.latestToken()));
	}

	private static String url(ConfigurableApplicationContext replica) {
		return "http://localhost:" + replica.getEnvironment().getProperty("local.server.port");
	}

}

package org.oeb.bridge.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.oeb.bridge.testing.FakeOeb;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** A rollout stops the gateway while an issue call is in flight: the call still completes. */
class GracefulShutdownTests {

	private static final FakeOeb oeb = FakeOeb.start();

	@AfterAll
	static void stopOeb() {
		oeb.close();
	}

	@Test
	void stoppingTheGatewayLetsAnIssueCallInFlightFinish() throws Exception {
		TestInstitutions.registerClients(oeb);
		List<String> args = new ArrayList<>();
		TestInstitutions.gatewayProperties(oeb, "test-shutdown-" + UUID.randomUUID())
			.forEach((key, value) -> args.add("--" + key + "=" + value));
		args.add("--server.port=0");
		args.add("--management.server.port=0");
		ConfigurableApplicationContext gateway = new SpringApplicationBuilder(GatewayApplication.class)
			.run(args.toArray(String[]::new));
		int port = Integer.parseInt(gateway.getEnvironment().getProperty("local.server.port"));
		oeb.issueDelay(Duration.ofSeconds(3));

		CompletableFuture<RawHttp.Response> call = CompletableFuture.supplyAsync(() -> RawHttp.send(port, "POST",
				"/oeb/uni-a/v2/badgeclasses/Qs4bN3yTQoa5xNmY1aV0gw/assertions",
				java.util.Map.of("Content-Type", "application/json", "X-Api-Key", TestInstitutions.KEY_A),
				"{\"recipient\":{\"identity\":\"ada@example.org\",\"type\":\"email\"}}".getBytes(), false));
		while (oeb.issueCallCount() == 0 && !call.isDone()) {
			Thread.sleep(20);
		}
		long stopping = System.nanoTime();
		gateway.close();
		Duration stopTook = Duration.ofNanos(System.nanoTime() - stopping);

		assertThat(call.get().status()).as(call.get().text()).isEqualTo(201);
		assertThat(stopTook).isGreaterThan(Duration.ofMillis(1500));
		assertThat(oeb.assertionsFor("ada@example.org")).hasSize(1);
	}

}

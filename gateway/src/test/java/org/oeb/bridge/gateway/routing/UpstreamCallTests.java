package org.oeb.bridge.gateway.routing;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UpstreamCallTests {

	@Test
	void refusesToForwardACallTheKeyCheckDidNotAuthorize() {
		AtomicBoolean connected = new AtomicBoolean();
		HttpClient client = HttpClient.create().doOnConnect((config) -> connected.set(true));
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.post("/oeb/uni-a/v2/badgeclasses/Qs4bN3yTQoa5xNmY1aV0gw/assertions"));
		exchange.getAttributes()
			.put(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR, Route.async()
				.id("oeb-uni-a")
				.uri(URI.create("http://127.0.0.1:9"))
				.predicate((ignored) -> true)
				.build());

		assertThatThrownBy(() -> new UpstreamCall(client).filter(exchange, (ignored) -> Mono.empty())
			.block(Duration.ofSeconds(5))).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("without an authorized OEB path");
		assertThat(connected).isFalse();
	}

}

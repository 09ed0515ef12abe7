package org.oeb.bridge.gateway.access;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.oeb.bridge.gateway.tenancy.TenancyProperties;
import org.oeb.bridge.gateway.tenancy.TenancyProperties.ApiKey;
import org.oeb.bridge.gateway.tenancy.TenancyProperties.Institution;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ConnectorAccessFilter} on exchanges whose matched route and raw path disagree: only
 * the route that matched decides which institution is called.
 */
class ConnectorAccessFilterTests {

	private static final String KEY_A = "key-of-a";

	private static final String KEY_B = "key-of-b";

	private static final String ISSUE = "/v2/badgeclasses/Qs4bN3yTQoa5xNmY1aV0gw/assertions";

	private final ConnectorAccessFilter filter = new ConnectorAccessFilter(
			new ApiKeys(new TenancyProperties(Map.of("uni-a", institution(KEY_A), "uni-b", institution(KEY_B)))),
			new AccessProperties(DataSize.ofKilobytes(64), DataSize.ofMegabytes(10)), new SimpleMeterRegistry());

	private final AtomicReference<ServerWebExchange> forwarded = new AtomicReference<>();

	private final GatewayFilterChain chain = (exchange) -> {
		this.forwarded.set(exchange);
		return Mono.empty();
	};

	@Test
	void aKeyOfAIsForbiddenOnTheRouteOfBEvenWhenTheRawPathNamesA() {
		MockServerWebExchange exchange = issueCall("/oeb/uni-a" + ISSUE, KEY_A, route("uni-b"));

		this.filter.filter(exchange, this.chain).block(Duration.ofSeconds(5));

		assertThat(this.forwarded).hasNullValue();
		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
		assertThat(exchange.getResponse().getBodyAsString().block(Duration.ofSeconds(5)))
			.contains("wrong_institution");
	}

	@Test
	void aKeyIsForbiddenOnTheRouteOfNoInstitutionWhateverThePathSays() {
		MockServerWebExchange exchange = issueCall("/oeb/uni-a" + ISSUE, KEY_A, route(null));

		this.filter.filter(exchange, this.chain).block(Duration.ofSeconds(5));

		assertThat(this.forwarded).hasNullValue();
		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
	}

	@Test
	void theKeyOfTheMatchedRoutesInstitutionGoesOnWhateverPrefixTheRouteHas() {
		MockServerWebExchange exchange = issueCall("/elsewhere/b" + ISSUE, KEY_B, route("uni-b"));

		this.filter.filter(exchange, this.chain).block(Duration.ofSeconds(5));

		assertThat(this.forwarded).doesNotHaveNullValue();
		assertThat(exchange.getResponse().getStatusCode()).isNull();
	}

	@Test
	void theOperationIsThatOfThePathTheRouteForwards() {
		MockServerWebExchange exchange = call(MockServerHttpRequest.post("/oeb/uni-b/o/token"), KEY_B,
				route("uni-b"));

		this.filter.filter(exchange, this.chain).block(Duration.ofSeconds(5));

		assertThat(this.forwarded).hasNullValue();
		assertThat(exchange.getResponse().getBodyAsString().block(Duration.ofSeconds(5)))
			.contains("operation_not_allowed", "/o/token");
	}

	@Test
	void theOebPathIsTheRawPathWithoutItsFirstTwoSegments() {
		assertThat(ConnectorAccessFilter.oebPath("/oeb/uni-a" + ISSUE)).isEqualTo(ISSUE);
		assertThat(ConnectorAccessFilter.oebPath("/oeb/uni-a/v2/x/")).isEqualTo("/v2/x/");
		assertThat(ConnectorAccessFilter.oebPath("/oeb/uni-a/")).isEqualTo("/");
		assertThat(ConnectorAccessFilter.oebPath("/oeb/uni-a")).isEmpty();
		assertThat(ConnectorAccessFilter.oebPath("/oeb")).isEmpty();
	}

	private static MockServerWebExchange issueCall(String rawPath, String key, Route route) {
		return call(MockServerHttpRequest.post(rawPath), key, route);
	}

	private static MockServerWebExchange call(MockServerHttpRequest.BodyBuilder request, String key, Route route) {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(request.header("X-Api-Key", key).header("Content-Type", "application/json").body("{}"));
		exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR, route);
		return exchange;
	}

	private static Route route(String institution) {
		Route.AsyncBuilder route = Route.async()
			.id("oeb-" + ((institution != null) ? institution : "no-institution"))
			.uri(URI.create("http://oeb.example"))
			.predicate((exchange) -> true);
		if (institution != null) {
			route.metadata(RouteInstitution.METADATA_KEY, institution);
		}
		return route.build();
	}

	private static Institution institution(String key) {
		return new Institution("client", "secret", List.of(new ApiKey(ApiKeys.sha256Hex(key), null)), null, 16,
				Duration.ofSeconds(2));
	}

}

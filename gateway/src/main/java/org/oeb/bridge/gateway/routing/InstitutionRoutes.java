package org.oeb.bridge.gateway.routing;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import org.oeb.bridge.gateway.access.RouteInstitution;
import org.oeb.bridge.gateway.oeb.OebProperties;
import org.oeb.bridge.gateway.tenancy.TenancyProperties;
import org.oeb.bridge.gateway.token.InstitutionTokens;
import org.oeb.bridge.gateway.token.TokenProperties;
import org.oeb.bridge.gateway.web.ErrorResponses;
import reactor.netty.http.client.HttpClient;

import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.cloud.gateway.event.EnableBodyCachingEvent;
import org.springframework.cloud.gateway.filter.AdaptCachedBodyGlobalFilter;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;

/**
 * One route per configured institution: {@code /oeb/{id}/**} goes to that institution's OEB
 * with the {@code /oeb/{id}} prefix stripped ({@link UpstreamCall} sends the path the key
 * check authorized). Each route names its institution in its
 * metadata, which is what the key check compares with. Every other {@code /oeb/**} path
 * lands on a last route that serves no institution and never calls anything, so an outsider
 * cannot tell a configured institution from an unconfigured one.
 */
@Configuration(proxyBeanMethods = false)
class InstitutionRoutes {

	static final String ROUTE_ID_PREFIX = "oeb-";

	static final String NO_INSTITUTION_ROUTE_ID = "oeb-no-institution";

	@Bean
	RouteLocator institutionRouteLocator(RouteLocatorBuilder builder, TenancyProperties tenancy, OebProperties oeb,
			InstitutionTokens tokens, TokenProperties tokenProperties, MeterRegistry meters,
			AdaptCachedBodyGlobalFilter bodyCache) {
		RouteLocatorBuilder.Builder routes = builder.routes();
		tenancy.institutions().forEach((id, institution) -> {
			String routeId = ROUTE_ID_PREFIX + id;
			// a call retried after a 401 must send the same body again
			bodyCache.onApplicationEvent(new EnableBodyCachingEvent(this, routeId));
			CallLimiter limiter = new CallLimiter(institution.maxConcurrentCalls(), institution.maxQueueWait());
			Gauge.builder("bridge.gateway.upstream.in-flight", limiter, CallLimiter::inUse)
				.description("OEB calls in flight on this replica")
				.tag("institution", id)
				.register(meters);
			InstitutionCallFilter callFilter = new InstitutionCallFilter(id, limiter, tokens, meters,
					tokenProperties.failureBackoff());
			routes.route(routeId,
					(route) -> route.path("/oeb/" + id + "/**")
						.filters((filters) -> filters.filter(callFilter))
						.metadata(RouteInstitution.METADATA_KEY, id)
						.uri(oeb.baseUrlFor(id, institution)));
		});
		routes.route(NO_INSTITUTION_ROUTE_ID, (route) -> route.order(Ordered.LOWEST_PRECEDENCE)
			.path("/oeb/**")
			.filters((filters) -> filters.filter((exchange, chain) -> ErrorResponses.write(exchange.getResponse(),
					HttpStatus.NOT_FOUND, "unknown_route", "No institution is served on this path")))
			.uri("no://institution"));
		return routes.build();
	}

	/** Sends the calls (Spring Cloud Gateway's own {@code netty-routing} filters are off). */
	@Bean
	UpstreamCall upstreamCall(HttpClient gatewayHttpClient) {
		return new UpstreamCall(gatewayHttpClient);
	}

	@Bean
	UpstreamResponseWriter upstreamResponseWriter() {
		return new UpstreamResponseWriter();
	}

	/** OEB's timeouts, on the connection itself, for every route (no per-route copy of the client). */
	@Bean
	HttpClientCustomizer upstreamTimeouts(OebProperties oeb) {
		return (client) -> client.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) oeb.connectTimeout().toMillis())
			.responseTimeout(oeb.responseTimeout());
	}

}

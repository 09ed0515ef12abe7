package org.oeb.bridge.gateway.routing;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.oeb.bridge.gateway.oeb.OebProperties;
import org.oeb.bridge.gateway.tenancy.TenancyProperties;
import org.oeb.bridge.gateway.token.InstitutionTokens;

import org.springframework.cloud.gateway.event.EnableBodyCachingEvent;
import org.springframework.cloud.gateway.filter.AdaptCachedBodyGlobalFilter;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.cloud.gateway.support.RouteMetadataUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One route per configured institution: {@code /oeb/{id}/**} goes to that institution's OEB
 * with the {@code /oeb/{id}} prefix stripped. An unconfigured institution has no route (404).
 */
@Configuration(proxyBeanMethods = false)
class InstitutionRoutes {

	static final String ROUTE_ID_PREFIX = "oeb-";

	@Bean
	RouteLocator institutionRouteLocator(RouteLocatorBuilder builder, TenancyProperties tenancy, OebProperties oeb,
			InstitutionTokens tokens, MeterRegistry meters, AdaptCachedBodyGlobalFilter bodyCache) {
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
			InstitutionCallFilter callFilter = new InstitutionCallFilter(id, limiter, tokens, meters);
			routes.route(routeId,
					(route) -> route.path("/oeb/" + id + "/**")
						.filters((filters) -> filters.stripPrefix(2).filter(callFilter))
						.metadata(RouteMetadataUtils.RESPONSE_TIMEOUT_ATTR, oeb.responseTimeout().toMillis())
						.metadata(RouteMetadataUtils.CONNECT_TIMEOUT_ATTR, oeb.connectTimeout().toMillis())
						.uri(oeb.baseUrlFor(id, institution)));
		});
		return routes.build();
	}

}

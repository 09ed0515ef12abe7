package org.oeb.bridge.gateway.access;

import java.util.Optional;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.oeb.bridge.gateway.web.ErrorResponses;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Refuses, before any routing, a request whose raw path a router could read differently
 * from how it is written (400 {@code non_canonical_path}). What remains is matched, checked
 * and forwarded as one and the same string.
 */
@Component
class CanonicalPathFilter implements WebFilter, Ordered {

	private final Counter rejections;

	CanonicalPathFilter(MeterRegistry meters) {
		this.rejections = Counter.builder("bridge.gateway.connector.rejections")
			.description("Connector calls the gateway refused without calling OEB")
			.tag("institution", "unknown")
			.tag("reason", "non_canonical_path")
			.register(meters);
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		Optional<String> problem = CanonicalPaths.problem(exchange.getRequest().getURI().getRawPath());
		if (problem.isEmpty()) {
			return chain.filter(exchange);
		}
		this.rejections.increment();
		return ErrorResponses.write(exchange.getResponse(), HttpStatus.BAD_REQUEST, "non_canonical_path",
				"The request path is not in canonical form: " + problem.get());
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}

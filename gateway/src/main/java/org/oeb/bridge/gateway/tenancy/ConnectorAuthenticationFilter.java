package org.oeb.bridge.gateway.tenancy;

import java.util.Optional;

import io.micrometer.core.instrument.MeterRegistry;
import org.oeb.bridge.gateway.web.ErrorResponses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Authenticates connectors on {@code /oeb/{institution}/**} before any routing happens: no key
 * or an unknown key is 401; a key of another institution is 403. Either way nothing goes
 * upstream.
 */
@Component
class ConnectorAuthenticationFilter implements WebFilter, Ordered {

	private static final Logger logger = LoggerFactory.getLogger(ConnectorAuthenticationFilter.class);

	private static final String ROUTE_PREFIX = "/oeb/";

	private final ApiKeys apiKeys;

	private final MeterRegistry meters;

	ConnectorAuthenticationFilter(ApiKeys apiKeys, MeterRegistry meters) {
		this.apiKeys = apiKeys;
		this.meters = meters;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String path = exchange.getRequest().getPath().pathWithinApplication().value();
		if (!path.startsWith(ROUTE_PREFIX)) {
			return chain.filter(exchange);
		}
		String requested = institutionSegment(path);
		String presentedKey = exchange.getRequest().getHeaders().getFirst(ConnectorApiKey.HEADER);
		if (presentedKey == null || presentedKey.isBlank()) {
			return reject(exchange, HttpStatus.UNAUTHORIZED, "missing_api_key", "unknown",
					"Send the institution's connector key in the " + ConnectorApiKey.HEADER + " header");
		}
		Optional<String> owner = this.apiKeys.institutionOf(presentedKey.trim());
		if (owner.isEmpty()) {
			return reject(exchange, HttpStatus.UNAUTHORIZED, "unknown_api_key", "unknown",
					"The connector key is not configured for any institution");
		}
		if (!owner.get().equals(requested)) {
			return reject(exchange, HttpStatus.FORBIDDEN, "wrong_institution", owner.get(),
					"This connector key belongs to institution '" + owner.get()
							+ "' and may not call the routes of another institution");
		}
		return chain.filter(exchange);
	}

	private Mono<Void> reject(ServerWebExchange exchange, HttpStatus status, String reason, String keyInstitution,
			String message) {
		this.meters.counter("bridge.gateway.connector.rejections", "institution", keyInstitution, "reason", reason)
			.increment();
		logger.warn("Rejected connector call {} {}: {} (key institution: {})", exchange.getRequest().getMethod(),
				exchange.getRequest().getPath().value(), reason, keyInstitution);
		return ErrorResponses.write(exchange.getResponse(), status, reason, message);
	}

	private static String institutionSegment(String path) {
		String rest = path.substring(ROUTE_PREFIX.length());
		int slash = rest.indexOf('/');
		return (slash < 0) ? rest : rest.substring(0, slash);
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE + 100;
	}

}

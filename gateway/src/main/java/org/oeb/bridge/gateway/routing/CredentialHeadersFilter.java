package org.oeb.bridge.gateway.routing;

import org.oeb.bridge.gateway.tenancy.ConnectorApiKey;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * Keeps cookies and connector keys out of both directions: OEB lets an {@code access_token}
 * cookie override the bearer header, so no cookie goes up and none of OEB's comes back.
 * Upstream, a connector's own {@code Authorization} is replaced by the institution's bearer
 * token that {@link InstitutionCallFilter} chose for this attempt; setting it here, while the
 * headers are copied for the upstream request anyway, spares a copy of the whole request per
 * call. One instance filters requests, another responses ({@link InstitutionRoutes}).
 */
final class CredentialHeadersFilter implements HttpHeadersFilter {

	/** Exchange attribute: the bearer token of the current attempt. */
	static final String BEARER_TOKEN_ATTR = CredentialHeadersFilter.class.getName() + ".bearerToken";

	private final Type direction;

	CredentialHeadersFilter(Type direction) {
		this.direction = direction;
	}

	@Override
	public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
		HttpHeaders filtered = new HttpHeaders();
		input.forEach((name, values) -> {
			if (!dropped(name)) {
				filtered.put(name, values);
			}
		});
		if (this.direction == Type.REQUEST && exchange.getAttribute(BEARER_TOKEN_ATTR) instanceof String token) {
			filtered.setBearerAuth(token);
		}
		return filtered;
	}

	private boolean dropped(String name) {
		return name.equalsIgnoreCase(HttpHeaders.COOKIE) || name.equalsIgnoreCase(HttpHeaders.SET_COOKIE)
				|| name.equalsIgnoreCase("Set-Cookie2") || name.equalsIgnoreCase(ConnectorApiKey.HEADER)
				|| (this.direction == Type.REQUEST && name.equalsIgnoreCase(HttpHeaders.AUTHORIZATION));
	}

	@Override
	public boolean supports(Type type) {
		return type == this.direction;
	}

}

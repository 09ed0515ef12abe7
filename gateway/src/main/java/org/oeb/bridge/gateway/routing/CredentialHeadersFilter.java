package org.oeb.bridge.gateway.routing;

import org.oeb.bridge.gateway.tenancy.ConnectorApiKey;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Keeps cookies and connector keys out of both directions: OEB lets an {@code access_token}
 * cookie override the bearer header, so no cookie goes up and none of OEB's comes back.
 */
@Component
class CredentialHeadersFilter implements HttpHeadersFilter {

	@Override
	public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
		HttpHeaders filtered = new HttpHeaders();
		input.forEach((name, values) -> {
			if (!dropped(name)) {
				filtered.put(name, values);
			}
		});
		return filtered;
	}

	private static boolean dropped(String name) {
		return name.equalsIgnoreCase(HttpHeaders.COOKIE) || name.equalsIgnoreCase(HttpHeaders.SET_COOKIE)
				|| name.equalsIgnoreCase("Set-Cookie2") || name.equalsIgnoreCase(ConnectorApiKey.HEADER);
	}

	@Override
	public boolean supports(Type type) {
		return true;
	}

}

package org.oeb.bridge.gateway.access;

import org.springframework.web.server.ServerWebExchange;

/**
 * The OEB path a call was authorized for, left on the exchange by the key check: the path
 * that is forwarded is the one that was checked, never one derived again from the request.
 */
public final class AuthorizedCall {

	private static final String OEB_PATH_ATTR = AuthorizedCall.class.getName() + ".oebPath";

	private AuthorizedCall() {
	}

	/** The authorized OEB path (e.g. {@code /v2/badgeclasses/…/assertions}), or null when none was. */
	public static String oebPath(ServerWebExchange exchange) {
		return exchange.getAttribute(OEB_PATH_ATTR);
	}

	static void authorize(ServerWebExchange exchange, String oebPath) {
		exchange.getAttributes().put(OEB_PATH_ATTR, oebPath);
	}

}

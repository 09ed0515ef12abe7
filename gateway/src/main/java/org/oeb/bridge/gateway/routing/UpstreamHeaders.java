package org.oeb.bridge.gateway.routing;

import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.oeb.bridge.gateway.tenancy.ConnectorApiKey;

import org.springframework.http.HttpHeaders;

/**
 * Which headers cross the gateway, decided in one pass per direction. Never forwarded: the
 * hop-by-hop headers (RFC 9110 7.6.1) and any header the {@code Connection} header names;
 * cookies both ways (OEB lets an {@code access_token} cookie override the bearer header);
 * upstream, the connector's own {@code Authorization} and key, a caller's {@code Forwarded} and
 * {@code X-Forwarded-*} headers, and {@code Host}, {@code Content-Length} and {@code Expect},
 * which belong to the upstream request the gateway sends.
 */
final class UpstreamHeaders {

	/** Exchange attribute: the bearer token of the current attempt. */
	static final String BEARER_TOKEN_ATTR = UpstreamHeaders.class.getName() + ".bearerToken";

	private static final Set<String> HOP_BY_HOP = caseInsensitive("Connection", "Keep-Alive", "Proxy-Authenticate",
			"Proxy-Authorization", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade");

	private static final Set<String> NEVER_UPSTREAM = caseInsensitive(HttpHeaders.COOKIE, HttpHeaders.AUTHORIZATION,
			ConnectorApiKey.HEADER, HttpHeaders.HOST, HttpHeaders.CONTENT_LENGTH, HttpHeaders.EXPECT, "Forwarded");

	private static final Set<String> NEVER_DOWNSTREAM = caseInsensitive(HttpHeaders.SET_COOKIE, "Set-Cookie2");

	private static final String X_FORWARDED = "x-forwarded-";

	private UpstreamHeaders() {
	}

	/** Copies the connector's headers that may reach OEB onto the upstream request, with the bearer token. */
	static void copyUpstream(HttpHeaders connector, io.netty.handler.codec.http.HttpHeaders upstream, String bearer) {
		Set<String> connectionNamed = namedByConnection(connector.get(HttpHeaders.CONNECTION));
		connector.forEach((name, values) -> {
			if (!HOP_BY_HOP.contains(name) && !NEVER_UPSTREAM.contains(name) && !connectionNamed.contains(name)
					&& !name.regionMatches(true, 0, X_FORWARDED, 0, X_FORWARDED.length())) {
				// set, not add: the client's defaults (Accept, User-Agent) give way to the connector's
				upstream.set(name, values);
			}
		});
		if (bearer != null) {
			upstream.set(HttpHeaders.AUTHORIZATION, "Bearer " + bearer);
		}
	}

	/**
	 * Copies OEB's response headers that may reach the connector; returns their names, so that
	 * a retry can take them back.
	 */
	static Set<String> copyDownstream(io.netty.handler.codec.http.HttpHeaders oeb, HttpHeaders connector) {
		Set<String> connectionNamed = namedByConnection(oeb.getAll(HttpHeaders.CONNECTION));
		Set<String> copied = new HashSet<>();
		for (Map.Entry<String, String> header : oeb) {
			String name = header.getKey();
			if (!HOP_BY_HOP.contains(name) && !NEVER_DOWNSTREAM.contains(name) && !connectionNamed.contains(name)) {
				connector.add(name, header.getValue());
				copied.add(name);
			}
		}
		return copied;
	}

	private static Set<String> namedByConnection(List<String> connection) {
		if (connection == null || connection.isEmpty()) {
			return Collections.emptySet();
		}
		Set<String> named = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
		for (String value : connection) {
			for (String token : value.split(",")) {
				if (!token.isBlank()) {
					named.add(token.trim());
				}
			}
		}
		return named;
	}

	private static Set<String> caseInsensitive(String... names) {
		Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
		Collections.addAll(set, names);
		return Collections.unmodifiableSet(set);
	}

}

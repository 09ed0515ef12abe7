package org.oeb.bridge.gateway.access;

import java.util.Optional;

/**
 * Decides whether a raw request path is canonical: a path whose every router, decoder and
 * normaliser reads exactly as it is written. Anything else is refused before routing, so the
 * route that matches is the route the raw path names.
 */
final class CanonicalPaths {

	private static final String ROUTE_PREFIX = "oeb";

	private CanonicalPaths() {
	}

	/** Why the raw path is not canonical, or empty when it is. */
	static Optional<String> problem(String rawPath) {
		if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') {
			return Optional.of("the path must start with '/'");
		}
		for (int i = 0; i < rawPath.length(); i++) {
			char c = rawPath.charAt(i);
			if (c == '%') {
				return Optional.of("percent-encoded characters are not accepted in the path; send them plain");
			}
			if (c == '\\') {
				return Optional.of("a backslash is not accepted in the path");
			}
			if (c == ';') {
				return Optional.of("matrix parameters (';') are not accepted in the path");
			}
			if (!allowed(c)) {
				return Optional.of("character U+" + String.format("%04X", (int) c) + " is not accepted in the path");
			}
		}
		String[] segments = rawPath.substring(1).split("/", -1);
		for (int i = 0; i < segments.length; i++) {
			String segment = segments[i];
			boolean last = i == segments.length - 1;
			boolean trailingSlash = last && i > 0;
			if (segment.isEmpty() && !trailingSlash && segments.length > 1) {
				return Optional.of("empty path segments ('//') are not accepted");
			}
			if (segment.equals(".") || segment.equals("..")) {
				return Optional.of("dot segments ('.' and '..') are not accepted in the path");
			}
		}
		if (segments[0].equalsIgnoreCase(ROUTE_PREFIX) && !segments[0].equals(ROUTE_PREFIX)) {
			return Optional.of("the route prefix is '/" + ROUTE_PREFIX + "/', in lower case");
		}
		if (segments[0].equals(ROUTE_PREFIX) && segments.length > 1 && hasUpperCase(segments[1])) {
			return Optional.of("institution ids in the path are lower case");
		}
		return Optional.empty();
	}

	private static boolean allowed(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
				|| "/-._~!$&'()*+,=:@".indexOf(c) >= 0;
	}

	private static boolean hasUpperCase(String segment) {
		for (int i = 0; i < segment.length(); i++) {
			if (Character.isUpperCase(segment.charAt(i))) {
				return true;
			}
		}
		return false;
	}

}

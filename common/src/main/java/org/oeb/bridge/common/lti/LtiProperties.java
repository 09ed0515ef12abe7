package org.oeb.bridge.common.lti;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The LTI 1.3 tool "My badges"; configuring a registration switches it on.
 *
 * @param toolUrl public base URL of this connector as the platforms see it; https, or http on
 * localhost
 * @param registrations the platforms (a Moodle site, a Canvas developer key) by a name of your choice
 * @param stateLifetime how long a login initiation may take to come back as a launch
 * @param maxClockSkew tolerated clock difference for {@code exp} and {@code iat}
 * @param redisKeyPrefix prefix of the state and used-nonce keys in Redis
 * @param toolKey PEM RSA private key whose public part {@code /lti/jwks} serves; generated at
 * start-up when absent
 */
@ConfigurationProperties(prefix = "bridge.lti", ignoreUnknownFields = false)
record LtiProperties(URI toolUrl, Map<String, Registration> registrations,
		@DefaultValue("5m") Duration stateLifetime, @DefaultValue("60s") Duration maxClockSkew,
		@DefaultValue("oeb-lti") String redisKeyPrefix, String toolKey) {

	static final String PREFIX = "bridge.lti.";

	static final String CUSTOM_CLAIM_PREFIX = "custom:";

	private static final Pattern INSTITUTION_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

	private static final String HOST_LABEL = "[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?";

	/** A CSP host source: scheme, host (optionally {@code *.} first) and port; nothing a header could be split on. */
	private static final Pattern FRAME_ANCESTOR = Pattern
		.compile("https?://(\\*\\.)?" + HOST_LABEL + "(\\." + HOST_LABEL + ")*(:[0-9]{1,5})?");

	LtiProperties {
		registrations = (registrations != null) ? registrations : Map.of();
		toolUrl = withoutTrailingSlash(requireUrl(PREFIX + "tool-url", toolUrl));
		if (!"https".equalsIgnoreCase(toolUrl.getScheme()) && !isLocalhost(toolUrl)) {
			throw new IllegalArgumentException(PREFIX + "tool-url: must be an https URL (http only for localhost), got '"
					+ toolUrl + "'");
		}
		if (toolUrl.getRawQuery() != null || toolUrl.getRawFragment() != null || toolUrl.getRawUserInfo() != null) {
			throw new IllegalArgumentException(
					PREFIX + "tool-url: must be a plain base URL without user, query or fragment, got '" + toolUrl + "'");
		}
		requirePositive(PREFIX + "state-lifetime", stateLifetime);
		if (maxClockSkew == null || maxClockSkew.isNegative()) {
			throw new IllegalArgumentException(PREFIX + "max-clock-skew: must not be negative");
		}
		if (redisKeyPrefix == null || redisKeyPrefix.isBlank()) {
			throw new IllegalArgumentException(PREFIX + "redis-key-prefix: must not be blank");
		}
		Map<String, Registration> validated = new TreeMap<>();
		Map<String, String> seen = new HashMap<>();
		for (Map.Entry<String, Registration> entry : new TreeMap<>(registrations).entrySet()) {
			String key = PREFIX + "registrations." + entry.getKey();
			if (entry.getValue() == null) {
				throw new IllegalArgumentException(key + ": is empty");
			}
			Registration registration = entry.getValue().validated(key);
			String previous = seen.putIfAbsent(registration.issuer() + "\n" + registration.clientId(), entry.getKey());
			if (previous != null) {
				throw new IllegalArgumentException(key + ": issuer and client-id are the same as in registration '"
						+ previous + "'; a launch could not tell them apart");
			}
			validated.put(entry.getKey(), registration);
		}
		registrations = Collections.unmodifiableMap(validated);
	}

	/**
	 * One platform registration.
	 *
	 * @param institution the bridge's institution id whose learners launch from this platform
	 * @param issuer the platform's {@code iss}, compared exactly
	 * @param clientId the client id the platform gave this tool
	 * @param authUrl the platform's OIDC authorization endpoint
	 * @param jwksUrl the platform's key set
	 * @param deploymentIds the deployments of this tool on the platform that may launch it
	 * @param userIdClaim the claim holding the LMS user id: {@code sub} (default), another claim,
	 * or {@code custom:<name>} for a custom parameter
	 * @param frameAncestors origins allowed to frame the tool page; default: the issuer's origin
	 */
	record Registration(String institution, String issuer, String clientId, URI authUrl, URI jwksUrl,
			List<String> deploymentIds, @DefaultValue("sub") String userIdClaim, List<String> frameAncestors) {

		Registration {
			deploymentIds = (deploymentIds != null) ? List.copyOf(deploymentIds) : List.of();
			frameAncestors = (frameAncestors != null) ? List.copyOf(frameAncestors) : List.of();
		}

		boolean userIdIsCustomParameter() {
			return this.userIdClaim.startsWith(CUSTOM_CLAIM_PREFIX);
		}

		String userIdCustomParameter() {
			return this.userIdClaim.substring(CUSTOM_CLAIM_PREFIX.length());
		}

		/** This registration checked field by field, with the default frame ancestors filled in. */
		private Registration validated(String key) {
			requireText(key + ".institution", this.institution);
			if (!INSTITUTION_ID.matcher(this.institution).matches()) {
				throw new IllegalArgumentException(key + ".institution: '" + this.institution
						+ "' is not an institution id (lower-case letters, digits and '-', at most 63, as in the gateway)");
			}
			requireText(key + ".issuer", this.issuer);
			requireText(key + ".client-id", this.clientId);
			requireUrl(key + ".auth-url", this.authUrl);
			requireUrl(key + ".jwks-url", this.jwksUrl);
			if (this.deploymentIds.isEmpty()) {
				throw new IllegalArgumentException(key + ".deployment-ids: at least one deployment id is required");
			}
			for (int i = 0; i < this.deploymentIds.size(); i++) {
				requireText(key + ".deployment-ids[" + i + "]", this.deploymentIds.get(i));
			}
			requireText(key + ".user-id-claim", this.userIdClaim);
			if (userIdIsCustomParameter() && userIdCustomParameter().isBlank()) {
				throw new IllegalArgumentException(key + ".user-id-claim: 'custom:' needs the custom parameter's "
						+ "name, e.g. custom:canvas_user_id");
			}
			List<String> ancestors = this.frameAncestors;
			if (ancestors.isEmpty()) {
				String origin = originOf(this.issuer);
				if (origin == null) {
					throw new IllegalArgumentException(key + ".frame-ancestors: the issuer '" + this.issuer
							+ "' is no URL to take the default from; list the origins that frame the tool");
				}
				ancestors = List.of(origin);
			}
			for (int i = 0; i < ancestors.size(); i++) {
				String ancestor = ancestors.get(i);
				if (ancestor == null || !FRAME_ANCESTOR.matcher(ancestor).matches()) {
					throw new IllegalArgumentException(key + ".frame-ancestors[" + i + "]: '" + ancestor
							+ "' is not an origin such as https://moodle.example.org or https://*.instructure.com");
				}
			}
			return new Registration(this.institution, this.issuer, this.clientId, this.authUrl, this.jwksUrl,
					this.deploymentIds, this.userIdClaim, ancestors);
		}

	}

	@Override
	public String toString() {
		return "LtiProperties[toolUrl=" + this.toolUrl + ", registrations=" + this.registrations + ", stateLifetime="
				+ this.stateLifetime + ", maxClockSkew=" + this.maxClockSkew + ", redisKeyPrefix="
				+ this.redisKeyPrefix + ", toolKey=" + ((this.toolKey != null) ? "******" : "generated") + "]";
	}

	/** The registrations that a login initiation from this issuer may mean. */
	Map<String, Registration> registrationsOf(String issuer) {
		Map<String, Registration> matching = new LinkedHashMap<>();
		this.registrations.forEach((name, registration) -> {
			if (registration.issuer().equals(issuer)) {
				matching.put(name, registration);
			}
		});
		return matching;
	}

	String launchUrl() {
		return this.toolUrl + "/lti/launch";
	}

	/**
	 * Whether a target link points into this tool: same scheme, host and port, and a path at
	 * or below the tool URL's path. Compared parsed, not as strings, so that
	 * {@code https://tool.example.org.evil.example} or {@code https://tool.example.org@evil.example}
	 * do not pass.
	 */
	boolean isToolUrl(String candidate) {
		if (candidate == null || candidate.isBlank()) {
			return false;
		}
		URI target;
		try {
			target = new URI(candidate.trim());
		}
		catch (java.net.URISyntaxException ex) {
			return false;
		}
		if (!target.isAbsolute() || target.getRawUserInfo() != null || target.getHost() == null) {
			return false;
		}
		String path = (target.getRawPath() != null) ? target.getRawPath() : "";
		if (path.contains("/../") || path.endsWith("/..") || path.contains("/./") || path.contains("%2e")
				|| path.contains("%2E")) {
			return false;
		}
		String base = (this.toolUrl.getRawPath() != null) ? this.toolUrl.getRawPath() : "";
		return this.toolUrl.getScheme().equalsIgnoreCase(target.getScheme())
				&& this.toolUrl.getHost().equalsIgnoreCase(target.getHost())
				&& effectivePort(this.toolUrl) == effectivePort(target)
				&& (base.isEmpty() || path.equals(base) || path.startsWith(base + "/"));
	}

	private static int effectivePort(URI uri) {
		if (uri.getPort() != -1) {
			return uri.getPort();
		}
		return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
	}

	private static URI requireUrl(String key, URI url) {
		if (url == null) {
			throw new IllegalArgumentException(key + ": is required");
		}
		if (!url.isAbsolute() || url.getHost() == null
				|| !("https".equalsIgnoreCase(url.getScheme()) || "http".equalsIgnoreCase(url.getScheme()))) {
			throw new IllegalArgumentException(key + ": '" + url + "' is not an http(s) URL");
		}
		return url;
	}

	private static void requireText(String key, String value) {
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException(key + ": is required");
		}
	}

	private static void requirePositive(String key, Duration duration) {
		if (duration == null || duration.isNegative() || duration.isZero()) {
			throw new IllegalArgumentException(key + ": must be positive");
		}
	}

	private static URI withoutTrailingSlash(URI url) {
		String text = url.toString();
		return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : url;
	}

	private static boolean isLocalhost(URI url) {
		String host = url.getHost();
		return "http".equalsIgnoreCase(url.getScheme())
				&& ("localhost".equalsIgnoreCase(host) || "127.0.0.1".equals(host) || "[::1]".equals(host));
	}

	private static String originOf(String issuer) {
		try {
			URI uri = new URI(issuer);
			if (uri.getHost() == null
					|| !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
				return null;
			}
			return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost()
					+ ((uri.getPort() != -1) ? ":" + uri.getPort() : "");
		}
		catch (java.net.URISyntaxException ex) {
			return null;
		}
	}

}

package org.oeb.bridge.testing;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Cookie;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/**
 * A WireMock OEB that behaves like the real server where connectors and the gateway can go
 * wrong (see {@code shared/reference/oeb-api.md}): the token endpoint takes only a form body
 * (any query parameter is 400), issues a new token per request, sets it as an
 * {@code access_token} cookie too, and answers 429 while throttling; API calls are
 * authenticated by an {@code access_token} cookie before the bearer header (the cookie wins);
 * an unknown or revoked token is 401 in the v2 envelope, and a token without
 * {@code rw:issuer} gets 404 on issuer endpoints.
 */
public final class FakeOeb implements AutoCloseable {

	private static final Set<String> SELF_SERVICE_SCOPES = Set.of("rw:issuer", "rw:backpack", "rw:profile");

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final ScheduledExecutorService STORING = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "fake-oeb-store");
		thread.setDaemon(true);
		return thread;
	});

	private final Map<String, String> secretsByClientId = new ConcurrentHashMap<>();

	private final Map<String, IssuedToken> tokens = new ConcurrentHashMap<>();

	private final List<String> issuedTokenLog = new CopyOnWriteArrayList<>();

	private volatile Duration tokenLifetime = Duration.ofSeconds(86400);

	private volatile Duration tokenEndpointDelay = Duration.ZERO;

	private volatile int throttledForSeconds;

	private final Set<String> badgeClasses = ConcurrentHashMap.newKeySet();

	private final Map<String, List<StoredAssertion>> assertionsByBadgeClass = new ConcurrentHashMap<>();

	private final Map<String, List<StoredAssertion>> assertionsByRecipient = new ConcurrentHashMap<>();

	private final Map<String, String> connectorKeys = new ConcurrentHashMap<>();

	private final java.util.concurrent.ConcurrentLinkedQueue<IssueFailure> issueFailures = new java.util.concurrent.ConcurrentLinkedQueue<>();

	private volatile Duration issueDelay = Duration.ZERO;

	private final WireMockServer server;

	private FakeOeb() {
		this.server = new WireMockServer(WireMockConfiguration.options()
			.dynamicPort()
			.containerThreads(64)
			.asynchronousResponseEnabled(true)
			.asynchronousResponseThreads(16)
			.extensions(new OebBehaviour()));
	}

	public static FakeOeb start() {
		FakeOeb oeb = new FakeOeb();
		oeb.server.start();
		oeb.stubDefaults();
		return oeb;
	}

	public String baseUrl() {
		return this.server.baseUrl();
	}

	/** The WireMock server, for stubbing further endpoints and verifying what was received. */
	public WireMockServer wireMock() {
		return this.server;
	}

	/** A client-credentials application as an institution account creates it in OEB's UI. */
	public FakeOeb registerClient(String clientId, String clientSecret) {
		this.secretsByClientId.put(clientId, clientSecret);
		return this;
	}

	/** {@code expires_in} of the tokens issued from now on. */
	public FakeOeb tokenLifetime(Duration lifetime) {
		this.tokenLifetime = lifetime;
		return this;
	}

	/** How long the token endpoint takes to answer. */
	public FakeOeb tokenEndpointDelay(Duration delay) {
		this.tokenEndpointDelay = delay;
		return this;
	}

	/** The token endpoint answers 429 with this back-off until {@link #stopThrottling()}. */
	public FakeOeb throttleTokenEndpoint(int seconds) {
		this.throttledForSeconds = seconds;
		return this;
	}

	public FakeOeb stopThrottling() {
		this.throttledForSeconds = 0;
		return this;
	}

	/** Every token issued so far stops working (as after {@code DELETE /v2/auth/tokens/…}). */
	public void revokeAllTokens() {
		this.tokens.clear();
	}

	/** The access tokens issued so far, oldest first, for asserting which one was used and that none leaks. */
	public List<String> issuedTokens() {
		return List.copyOf(this.issuedTokenLog);
	}

	/** The access token issued last. */
	public String latestToken() {
		List<String> issued = issuedTokens();
		if (issued.isEmpty()) {
			throw new IllegalStateException("No token has been issued");
		}
		return issued.get(issued.size() - 1);
	}


	public int tokenRequestCount() {
		return this.server.findAll(WireMock.postRequestedFor(WireMock.urlPathMatching("/o/token/?"))).size();
	}

	/** Calls that were not token requests. */
	public List<LoggedRequest> apiRequests() {
		return this.server.findAll(WireMock.anyRequestedFor(WireMock.urlPathMatching("/(v1|v2|v3|public)/.*")));
	}

	/** A badge class that exists; issuing to any other answers 404, as OEB does. */
	public FakeOeb badgeClass(String entityId) {
		this.badgeClasses.add(entityId);
		return this;
	}

	/**
	 * A badge class with its v2 JSON (name, description, OEB extensions such as category,
	 * study load and ESCO competencies), served at {@code GET /v2/badgeclasses/{entityId}}.
	 */
	public FakeOeb badgeClass(String entityId, String badgeClassJson) {
		badgeClass(entityId);
		this.server.stubFor(WireMock.get(WireMock.urlPathMatching("(/oeb/[^/]+)?/v2/badgeclasses/" + entityId))
			.willReturn(json(200, envelope(badgeClassJson))));
		return this;
	}

	/** The JSON of a badge class the way OEB's UI creates one, with its extensions. */
	public static String competencyBadgeClass(String entityId, String issuer, String name, int studyLoadMinutes,
			String competency, String escoUri) {
		String context = "https://api.openbadges.education/static/extensions/";
		return "{\"entityType\":\"BadgeClass\",\"entityId\":\"" + entityId + "\",\"issuer\":\"" + issuer
				+ "\",\"name\":\"" + name + "\",\"description\":\"" + name + " (sandbox)\",\"language\":\"en\","
				+ "\"criteriaNarrative\":\"Complete the course\",\"extensions\":{"
				+ "\"extensions:CategoryExtension\":{\"@context\":\"" + context + "CategoryExtension/context.json\","
				+ "\"type\":[\"Extension\",\"extensions:CategoryExtension\"],\"Category\":\"competency\"},"
				+ "\"extensions:StudyLoadExtension\":{\"@context\":\"" + context + "StudyLoadExtension/context.json\","
				+ "\"type\":[\"Extension\",\"extensions:StudyLoadExtension\"],\"StudyLoad\":" + studyLoadMinutes + "},"
				+ "\"extensions:CompetencyExtension\":[{\"@context\":\"" + context + "CompetencyExtension/context.json\","
				+ "\"type\":[\"Extension\",\"extensions:CompetencyExtension\"],\"name\":\"" + competency + "\","
				+ "\"description\":\"" + competency + "\",\"framework\":\"esco\",\"framework_identifier\":\"" + escoUri
				+ "\",\"source\":\"manual\",\"studyLoad\":" + studyLoadMinutes + ",\"category\":\"skill\"}]}}";
	}

	/**
	 * Serves {@code /oeb/{institution}/…} as the gateway would for a connector presenting
	 * {@code apiKey}: the prefix is stripped and the OEB token step is skipped. Lets the award
	 * pipeline be tested without starting the gateway.
	 */
	public FakeOeb actAsGateway(String institution, String apiKey) {
		this.connectorKeys.put(institution, apiKey);
		return this;
	}

	/** The next {@code times} issue calls fail with {@code status} (and optional Retry-After seconds). */
	public FakeOeb failIssuing(int status, int times, Integer retryAfterSeconds) {
		for (int i = 0; i < times; i++) {
			this.issueFailures.add(new IssueFailure(status, retryAfterSeconds, false));
		}
		return this;
	}

	/** The next {@code times} issue calls store the award (and "mail" it), then drop the connection. */
	public FakeOeb storeThenDropConnection(int times) {
		for (int i = 0; i < times; i++) {
			this.issueFailures.add(new IssueFailure(0, null, true));
		}
		return this;
	}

	/** How long an issue call takes (OEB renders the PDF and sends the mail inside it). */
	public FakeOeb issueDelay(Duration delay) {
		this.issueDelay = delay;
		return this;
	}

	/** Deletes a badge class: issuing to it answers 404 again. */
	public FakeOeb removeBadgeClass(String entityId) {
		this.badgeClasses.remove(entityId);
		return this;
	}

	/**
	 * An award OEB already holds, issued elsewhere or earlier (a manual award, last year's
	 * recertification, a revoked one).
	 */
	public StoredAssertion existingAssertion(String badgeClass, String recipient, Instant issuedOn, boolean revoked,
			Instant expires) {
		StoredAssertion assertion = new StoredAssertion(entityId(), recipient.toLowerCase(java.util.Locale.ROOT), "{}",
				revoked, issuedOn, badgeClass, issuedOn, expires);
		store(assertion);
		return assertion;
	}

	private List<StoredAssertion> held(String badgeClass, String recipient) {
		List<StoredAssertion> held = this.assertionsByRecipient.getOrDefault(badgeClass + " " + recipient, List.of());
		synchronized (held) {
			return List.copyOf(held);
		}
	}

	private void store(StoredAssertion assertion) {
		this.assertionsByRecipient
			.computeIfAbsent(assertion.badgeClass() + " " + assertion.recipient(),
					(key) -> java.util.Collections.synchronizedList(new java.util.ArrayList<>()))
			.add(assertion);
		this.assertionsByBadgeClass
			.computeIfAbsent(assertion.badgeClass(),
					(key) -> java.util.Collections.synchronizedList(new java.util.ArrayList<>()))
			.add(assertion);
	}

	/** Awards stored for a badge class, as OEB holds them. */
	public List<StoredAssertion> assertions(String badgeClass) {
		List<StoredAssertion> stored = this.assertionsByBadgeClass.getOrDefault(badgeClass, List.of());
		synchronized (stored) {
			return List.copyOf(stored);
		}
	}

	/** Issue calls received (also those that failed). */
	public int issueCallCount() {
		return this.server
			.findAll(WireMock.postRequestedFor(WireMock.urlPathMatching("(/oeb/[^/]+)?/v2/badgeclasses/[^/]+/assertions")))
			.size();
	}

	/** Issue calls received for one badge class (also those that failed). */
	public int issueCallCount(String badgeClass) {
		return this.server
			.findAll(WireMock.postRequestedFor(
					WireMock.urlPathMatching("(/oeb/[^/]+)?/v2/badgeclasses/" + badgeClass + "/assertions")))
			.size();
	}

	/** Issue calls received for one recipient (also those that failed), oldest first. */
	public List<LoggedRequest> issueCallsFor(String recipient) {
		return this.server
			.findAll(WireMock.postRequestedFor(WireMock.urlPathMatching("(/oeb/[^/]+)?/v2/badgeclasses/[^/]+/assertions")))
			.stream()
			.filter((request) -> request.getBodyAsString().contains("\"" + recipient + "\""))
			.sorted(java.util.Comparator.comparing(LoggedRequest::getLoggedDate))
			.toList();
	}

	/** Awards stored for one recipient across all badge classes. */
	public List<StoredAssertion> assertionsFor(String recipient) {
		return this.assertionsByBadgeClass.keySet()
			.stream()
			.flatMap((badgeClass) -> assertions(badgeClass).stream())
			.filter((assertion) -> assertion.recipient().equals(recipient))
			.toList();
	}

	/** Look-ups of existing awards received. */
	public int lookupCallCount() {
		return this.server
			.findAll(WireMock.getRequestedFor(WireMock.urlPathMatching("(/oeb/[^/]+)?/v2/badgeclasses/[^/]+/assertions")))
			.size();
	}

	/** Forgets tokens, throttling, delays, extra stubs and the request journal; keeps registered clients. */
	public void reset() {
		this.tokens.clear();
		this.issuedTokenLog.clear();
		this.throttledForSeconds = 0;
		this.tokenEndpointDelay = Duration.ZERO;
		this.tokenLifetime = Duration.ofSeconds(86400);
		this.assertionsByBadgeClass.clear();
		this.assertionsByRecipient.clear();
		this.issueFailures.clear();
		this.issueDelay = Duration.ZERO;
		this.server.resetAll();
		stubDefaults();
	}

	@Override
	public void close() {
		this.server.stop();
	}

	private void stubDefaults() {
		this.server.stubFor(WireMock.post(WireMock.urlPathMatching("/o/token/?")).willReturn(WireMock.ok()));
		this.server.stubFor(WireMock.get(WireMock.urlPathEqualTo("/v2/issuers"))
			.willReturn(json(200, envelope("{\"entityType\":\"Issuer\",\"entityId\":\"" + entityId()
					+ "\",\"name\":\"Demo University\",\"email\":\"badges@demo.example\",\"url\":\"https://demo.example\"}"))));
		this.server.stubFor(WireMock.get(WireMock.urlPathMatching("(/oeb/[^/]+)?/v2/assertions/changed")).willReturn(WireMock.ok()));
		// issuing and look-up are answered by the OebBehaviour transformer, which keeps the awards
		this.server.stubFor(WireMock.any(WireMock.urlPathMatching("(/oeb/[^/]+)?/v2/badgeclasses/[^/]+/assertions"))
			.willReturn(WireMock.ok()));
	}

	/** A response with a JSON body, as OEB sends it. */
	public static ResponseDefinitionBuilder json(int status, String body) {
		return WireMock.aResponse()
			.withStatus(status)
			.withHeader("Content-Type", "application/json")
			.withBody(body);
	}

	/** OEB's v2 envelope: {@code result} is always a list, also for one object. */
	public static String envelope(String... results) {
		return "{\"status\":{\"success\":true,\"description\":\"ok\"},\"result\":[" + String.join(",", results) + "]}";
	}

	/** A fresh OEB entityId: 22 characters of URL-safe base64. */
	public static String entityId() {
		byte[] bytes = new byte[16];
		RANDOM.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	private static String assertionJson(StoredAssertion assertion) {
		return "{\"entityType\":\"Assertion\",\"entityId\":\"" + assertion.entityId() + "\",\"badgeclass\":\""
				+ assertion.badgeClass() + "\",\"recipient\":{\"identity\":\"sha256$"
				+ Integer.toHexString(assertion.recipient().hashCode())
				+ "\",\"hashed\":true,\"type\":\"email\",\"plaintextIdentity\":\"" + assertion.recipient()
				+ "\"},\"issuedOn\":\"" + assertion.issuedOn() + "\",\"revoked\":" + assertion.revoked()
				+ ",\"expires\":" + ((assertion.expires() != null) ? "\"" + assertion.expires() + "\"" : "null")
				+ ",\"updatedAt\":\"" + assertion.updatedAt() + "\"}";
	}

	private static String v2Error(String description) {
		return "{\"status\":{\"success\":false,\"description\":\"" + description + "\"},\"result\":[]}";
	}

	private record IssuedToken(String clientId, Set<String> scopes, Instant expiresAt) {
	}

	private record IssueFailure(int status, Integer retryAfterSeconds, boolean storeThenDrop) {
	}

	/** An award as OEB stores it. */
	public record StoredAssertion(String entityId, String recipient, String body, boolean revoked, Instant updatedAt,
			String badgeClass, Instant issuedOn, Instant expires) {
	}

	private final class OebBehaviour implements ResponseDefinitionTransformerV2 {

		@Override
		public String getName() {
			return "oeb-behaviour";
		}

		@Override
		public ResponseDefinition transform(ServeEvent event) {
			LoggedRequest request = event.getRequest();
			String path = request.getUrl();
			if (path.startsWith("/o/token")) {
				return token(request);
			}
			java.util.regex.Matcher viaGateway = java.util.regex.Pattern.compile("/oeb/([^/]+)(/.*)").matcher(path);
			if (viaGateway.matches()) {
				String expectedKey = FakeOeb.this.connectorKeys.get(viaGateway.group(1));
				if (expectedKey == null || !expectedKey.equals(request.getHeader("X-Api-Key"))) {
					return json(401, "{\"status\":401,\"error\":\"unknown_api_key\"}").build();
				}
				return assertions(request, viaGateway.group(2), event.getResponseDefinition());
			}
			if (path.matches("/v[123]/.*")) {
				ResponseDefinition denied = authenticate(request);
				return (denied != null) ? denied : assertions(request, path, event.getResponseDefinition());
			}
			return event.getResponseDefinition();
		}

		private ResponseDefinition assertions(LoggedRequest request, String path, ResponseDefinition stubbed) {
			if (path.startsWith("/v2/assertions/changed")) {
				return changed(request);
			}
			java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("/v2/badgeclasses/([^/?]+)/assertions(\\?.*)?")
				.matcher(path);
			if (!matcher.matches()) {
				return stubbed;
			}
			String badgeClass = matcher.group(1);
			if (!FakeOeb.this.badgeClasses.contains(badgeClass)) {
				return json(404, v2Error("entity not found or insufficient privileges")).build();
			}
			if (request.getMethod().getName().equals("GET")) {
				return lookUp(request, badgeClass);
			}
			return issue(request, badgeClass);
		}

		/** The change feed: assertions changed after {@code since}, and the server time to use as the next since. */
		private ResponseDefinition changed(LoggedRequest request) {
			Instant since = Instant.EPOCH;
			if (request.queryParameter("since").isPresent()) {
				try {
					since = java.time.OffsetDateTime.parse(request.queryParameter("since").firstValue()).toInstant();
				}
				catch (RuntimeException ex) {
					return json(400, "{\"status\":{\"success\":false,\"description\":\"bad request\"},\"result\":[],"
							+ "\"fieldErrors\":{\"since\":[\"Invalid datetime format\"]},\"validationErrors\":[]}").build();
				}
			}
			Instant timestamp = Instant.now();
			Instant from = since;
			List<String> changed = FakeOeb.this.assertionsByBadgeClass.keySet()
				.stream()
				.flatMap((badgeClass) -> FakeOeb.this.assertions(badgeClass).stream())
				.filter((assertion) -> assertion.updatedAt().isAfter(from))
				.sorted(java.util.Comparator.comparing(StoredAssertion::updatedAt))
				.map(FakeOeb::assertionJson)
				.toList();
			return json(200, "{\"status\":{\"success\":true,\"description\":\"ok\"},\"result\":["
					+ String.join(",", changed) + "],\"pagination\":{\"hasNext\":false,\"nextResults\":null,"
					+ "\"hasPrevious\":false,\"previousResults\":null},\"timestamp\":\"" + timestamp + "\"}").build();
		}

		private ResponseDefinition lookUp(LoggedRequest request, String badgeClass) {
			List<String> recipients = request.queryParameter("recipient").isPresent()
					? request.queryParameter("recipient").values() : List.of();
			boolean includeRevoked = request.queryParameter("include_revoked").isPresent()
					&& "true".equals(request.queryParameter("include_revoked").firstValue());
			boolean includeExpired = request.queryParameter("include_expired").isPresent()
					&& "true".equals(request.queryParameter("include_expired").firstValue());
			Instant now = Instant.now();
			List<StoredAssertion> candidates = recipients.isEmpty() ? FakeOeb.this.assertions(badgeClass)
					: recipients.stream().flatMap((recipient) -> FakeOeb.this.held(badgeClass, recipient).stream()).toList();
			List<String> found = candidates.stream()
				.filter((stored) -> includeRevoked || !stored.revoked())
				.filter((stored) -> includeExpired || stored.expires() == null || stored.expires().isAfter(now))
				.map(FakeOeb::assertionJson)
				.toList();
			return json(200, envelope(found.toArray(String[]::new))).build();
		}

		private ResponseDefinition issue(LoggedRequest request, String badgeClass) {
			IssueFailure failure = FakeOeb.this.issueFailures.poll();
			if (failure != null && !failure.storeThenDrop()) {
				ResponseDefinitionBuilder response = (failure.status() >= 500)
						? WireMock.aResponse().withStatus(failure.status()).withHeader("Content-Type", "text/html")
							.withBody("<html><body>Server Error</body></html>")
						: json(failure.status(), failureBody(failure.status()));
				if (failure.retryAfterSeconds() != null) {
					response.withHeader("Retry-After", failure.retryAfterSeconds().toString());
				}
				return response.build();
			}
			String body = request.getBodyAsString();
			String recipient = field(body, "identity");
			if (recipient == null || !recipient.contains("@")) {
				return json(400, "{\"status\":{\"success\":false,\"description\":\"bad request\"},\"result\":[],"
						+ "\"fieldErrors\":{\"recipient\":[\"Enter a valid email address.\"]},\"validationErrors\":[]}").build();
			}
			// OEB lower-cases e-mail identities before storing them
			recipient = recipient.toLowerCase(java.util.Locale.ROOT);
			boolean noDuplicates = body.replace(" ", "").contains("\"allowDuplicateAwards\":false");
			String finalRecipient = recipient;
			Instant now = Instant.now();
			// OEB validates (the duplicate check included) when the call arrives and stores the award
			// when it answers, after rendering the PDF and sending the mail
			if (noDuplicates && FakeOeb.this.held(badgeClass, finalRecipient)
				.stream()
				.anyMatch((a) -> !a.revoked() && (a.expires() == null || a.expires().isAfter(now)))) {
				return json(400, "{\"status\":{\"success\":false,\"description\":\"bad request\"},\"result\":[],"
						+ "\"fieldErrors\":{},\"validationErrors\":[\"A previous award of this badge already exists for "
						+ "this recipient.\"]}").build();
			}
			Duration delay = FakeOeb.this.issueDelay;
			StoredAssertion assertion = new StoredAssertion(entityId(), recipient, body, false, now.plus(delay),
					badgeClass, now.plus(delay), null);
			if (delay.isZero()) {
				store(assertion);
			}
			else {
				STORING.schedule(() -> store(assertion), delay.toMillis(), TimeUnit.MILLISECONDS);
			}
			if (failure != null) {
				return WireMock.aResponse().withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER)
					.withFixedDelay((int) delay.toMillis()).build();
			}
			return json(201, envelope(assertionJson(assertion))).withFixedDelay((int) delay.toMillis()).build();
		}

		private static String failureBody(int status) {
			if (status == 402) {
				return "{\"status\":{\"success\":false,\"description\":\"miscellaneous error\"},\"result\":[],"
						+ "\"fieldErrors\":\"Quota exceeded\"}";
			}
			if (status == 400) {
				return "{\"status\":{\"success\":false,\"description\":\"bad request\"},\"result\":[],"
						+ "\"fieldErrors\":{\"evidence\":[\"Enter a valid URL.\"]},\"validationErrors\":[]}";
			}
			if (status == 404) {
				return v2Error("entity not found or insufficient privileges");
			}
			return "{\"status\":{\"success\":false,\"description\":\"miscellaneous error\"},\"result\":[]}";
		}

		private static String field(String json, String name) {
			java.util.regex.Matcher matcher = java.util.regex.Pattern
				.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
			return matcher.find() ? matcher.group(1) : null;
		}

		private ResponseDefinition token(LoggedRequest request) {
			if (request.getUrl().contains("?")) {
				return oauthError(400, "{\"error\":\"Token grant parameters must be sent in post body, not query parameters\"}");
			}
			if (FakeOeb.this.throttledForSeconds > 0) {
				return oauthError(429, "{\"error\":\"login attempts throttled\",\"error_description\":\"Too many login "
						+ "attempts. Please wait and try again.\",\"expires\":" + FakeOeb.this.throttledForSeconds + "}");
			}
			Map<String, String> form = parseForm(request.getBodyAsString());
			if (!"client_credentials".equals(form.get("grant_type"))) {
				return oauthError(400, "{\"error\":\"unsupported_grant_type\"}");
			}
			String expectedSecret = FakeOeb.this.secretsByClientId.get(form.get("client_id"));
			if (expectedSecret == null) {
				return oauthError(400, "{\"error\":\"invalid client_id\"}");
			}
			if (!expectedSecret.equals(form.get("client_secret"))) {
				return oauthError(400, "{\"error\":\"invalid client_secret\"}");
			}
			Set<String> scopes = new LinkedHashSet<>();
			String requested = form.get("scope");
			if (requested == null || requested.isBlank()) {
				scopes.add("r:profile");
			}
			else {
				scopes.addAll(Arrays.asList(requested.trim().split("\\s+")));
				if (!SELF_SERVICE_SCOPES.containsAll(scopes)) {
					return oauthError(400, "{\"error\":\"invalid scope requested\"}");
				}
			}
			byte[] bytes = new byte[24];
			RANDOM.nextBytes(bytes);
			String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
			Duration lifetime = FakeOeb.this.tokenLifetime;
			FakeOeb.this.tokens.put(token, new IssuedToken(form.get("client_id"), scopes, Instant.now().plus(lifetime)));
			FakeOeb.this.issuedTokenLog.add(token);
			String body = "{\"access_token\":\"" + token + "\",\"expires_in\":" + lifetime.toSeconds()
					+ ",\"token_type\":\"Bearer\",\"scope\":\"" + String.join(" ", scopes) + "\"}";
			return json(200, body)
				.withHeader("Set-Cookie", "access_token=" + token + "; HttpOnly; Max-Age=86400; Path=/; Secure")
				.withFixedDelay((int) FakeOeb.this.tokenEndpointDelay.toMillis())
				.build();
		}

		/** {@code null} when the call may proceed, otherwise OEB's refusal. */
		private ResponseDefinition authenticate(LoggedRequest request) {
			// OEB's CookieToBearerMiddleware: a cookie replaces whatever Authorization header was sent
			Cookie cookie = request.getCookies().get("access_token");
			String token = (cookie != null && !cookie.getValues().isEmpty()) ? cookie.getValue() : bearer(request);
			IssuedToken issued = (token != null) ? FakeOeb.this.tokens.get(token) : null;
			if (issued == null || issued.expiresAt().isBefore(Instant.now())) {
				return json(401, v2Error("no valid auth token found")).build();
			}
			if (!issued.scopes().contains("rw:issuer") && request.getUrl().matches("/v2/(issuers|badgeclasses|assertions).*")) {
				return json(404, v2Error("entity not found or insufficient privileges")).build();
			}
			return null;
		}

		private static String bearer(LoggedRequest request) {
			String header = request.getHeader("Authorization");
			if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
				return null;
			}
			return header.substring(7).trim();
		}

		private static ResponseDefinition oauthError(int status, String body) {
			return json(status, body).build();
		}

		private static Map<String, String> parseForm(String body) {
			Map<String, String> form = new HashMap<>();
			if (body == null || body.isEmpty()) {
				return form;
			}
			for (String pair : body.split("&")) {
				int eq = pair.indexOf('=');
				String name = URLDecoder.decode((eq < 0) ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
				String value = (eq < 0) ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
				form.put(name, value);
			}
			return form;
		}

	}

}

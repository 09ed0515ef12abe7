package org.oeb.bridge.testing;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.Options;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Cookie;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A WireMock OEB that behaves like the real server where connectors and the gateway can go
 * wrong (see {@code shared/reference/oeb-api.md}): the token endpoint takes only a form body
 * (any query parameter is 400), issues a new token per request, sets it as an
 * {@code access_token} cookie too, and answers 429 while throttling; API calls are
 * authenticated by an {@code access_token} cookie before the bearer header (the cookie wins);
 * an unknown or revoked token is 401 in the v2 envelope, and a token without
 * {@code rw:issuer} gets 404 on issuer endpoints. Badge classes (v2) and learning paths (v1) can
 * be created, changed and deleted with OEB's validation and refusals; a body over 10 MB is refused
 * with nginx's 413 before anything else looks at it.
 */
public final class FakeOeb implements AutoCloseable {

	private static final Set<String> SELF_SERVICE_SCOPES = Set.of("rw:issuer", "rw:backpack", "rw:profile");

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String PUBLIC_BASE = "https://api.openbadges.example/public/";

	/** OEB's nginx: {@code client_max_body_size 10M}. */
	private static final long MAX_BODY_BYTES = 10L * 1024 * 1024;

	private static final Set<String> CATEGORIES = Set.of("participation", "competency", "learningpath");

	private static final String NOT_PERMITTED = "entity not found or insufficient privileges";

	private static final String ID = "[A-Za-z0-9_-]+";

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

	private volatile Duration lookupDelay = Duration.ZERO;

	private final Map<String, String> badgeClassJson = new ConcurrentHashMap<>();

	private final Map<String, Instant> badgeClassUpdatedAt = new ConcurrentHashMap<>();

	private final Map<String, Duration> expiresIn = new ConcurrentHashMap<>();

	private final Map<String, LearningPath> learningPaths = Collections.synchronizedMap(new LinkedHashMap<>());

	private final Set<String> knownIssuers = ConcurrentHashMap.newKeySet();

	private final Map<String, String> issuerNames = new ConcurrentHashMap<>();

	private final Set<String> createdBadgeClasses = ConcurrentHashMap.newKeySet();

	private final Map<String, String> badgeClassImageDigests = new ConcurrentHashMap<>();

	private final AtomicInteger storeBadgeClassThenFail = new AtomicInteger();

	private volatile Duration badgeClassWriteDelay = Duration.ZERO;

	/** Badge-class and learning-path writes, which look at each other, happen one at a time. */
	private final Object manageLock = new Object();

	/** The OEB user the API client acts as ({@code createdBy}). */
	private final String userEntityId = entityId();

	private final List<EmbedUrl> embedUrls = new CopyOnWriteArrayList<>();

	private final java.util.concurrent.atomic.AtomicInteger failingNextPages = new java.util.concurrent.atomic.AtomicInteger();

	private final java.util.concurrent.atomic.AtomicInteger revokeThenFail = new java.util.concurrent.atomic.AtomicInteger();

	private final WireMockServer server;

	private FakeOeb() {
		this.server = new WireMockServer(WireMockConfiguration.options()
			.dynamicPort()
			.containerThreads(64)
			.asynchronousResponseEnabled(true)
			.asynchronousResponseThreads(16)
			// OEB (Django behind nginx) answers with a Content-Length, not in chunks
			.useChunkedTransferEncoding(Options.ChunkedEncodingPolicy.NEVER)
			.extensions(new OebBehaviour()));
	}

	private final java.util.Set<java.util.UUID> ownStubs = java.util.concurrent.ConcurrentHashMap.newKeySet();

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
		this.badgeClassJson.put(entityId, badgeClassJson);
		this.badgeClassUpdatedAt.put(entityId, Instant.now());
		JsonNode issuer = parse(badgeClassJson).path("issuer");
		if (issuer.isString()) {
			this.knownIssuers.add(issuer.stringValue());
		}
		return this;
	}

	/**
	 * An issuer the API client may manage. Issuers named by {@link #learningPath}, by the JSON of
	 * {@link #badgeClass(String, String)} and the one {@code GET /v2/issuers} lists are known too;
	 * any other answers 404, as OEB does for an issuer the caller is not staff of.
	 */
	public FakeOeb issuer(String issuerId) {
		this.knownIssuers.add(issuerId);
		return this;
	}

	/** A known issuer with the name learning paths show as {@code issuer_name}. */
	public FakeOeb issuer(String issuerId, String name) {
		this.issuerNames.put(issuerId, name);
		return issuer(issuerId);
	}

	/** The JSON of a badge class the way OEB's UI creates one, with its extensions. */
	public static String competencyBadgeClass(String entityId, String issuer, String name, int studyLoadMinutes,
			String competency, String escoUri) {
		String context = "https://api.openbadges.education/static/extensions/";
		return "{\"entityType\":\"BadgeClass\",\"entityId\":\"" + entityId + "\",\"issuer\":\"" + issuer
				+ "\",\"name\":\"" + name + "\",\"image\":\"https://api.openbadges.example/public/badges/" + entityId
				+ "/image\",\"description\":\"" + name + " (sandbox)\",\"language\":\"en\","
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
			this.issueFailures.add(new IssueFailure(status, retryAfterSeconds, false, false));
		}
		return this;
	}

	/** The next {@code times} issue calls store the award (and "mail" it), then drop the connection. */
	public FakeOeb storeThenDropConnection(int times) {
		for (int i = 0; i < times; i++) {
			this.issueFailures.add(new IssueFailure(0, null, true, false));
		}
		return this;
	}

	/**
	 * The next {@code times} issue calls are answered {@code status} (0: the connection is reset)
	 * at once, while OEB goes on with the call and stores the award when it is done (after the
	 * {@link #issueDelay issue delay}): a proxy in front of OEB that gave up (502, 504), or a
	 * connection that broke while OEB was still rendering and mailing.
	 */
	public FakeOeb failWhileStoring(int status, int times) {
		for (int i = 0; i < times; i++) {
			this.issueFailures.add(new IssueFailure(status, null, true, true));
		}
		return this;
	}

	/** How long an issue call takes (OEB renders the PDF and sends the mail inside it). */
	public FakeOeb issueDelay(Duration delay) {
		this.issueDelay = delay;
		return this;
	}

	/** How long a look-up of awards ({@code GET …/assertions}) takes; it reads what OEB holds when it arrives. */
	public FakeOeb lookupDelay(Duration delay) {
		this.lookupDelay = delay;
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
				revoked, issuedOn, badgeClass, issuedOn, expires, revoked ? "Revoked earlier" : null);
		store(assertion);
		return assertion;
	}

	/** Assertions of this badge class expire this long after they are issued (OEB's {@code expiration}). */
	public FakeOeb expiration(String badgeClass, Duration after) {
		this.expiresIn.put(badgeClass, after);
		return this;
	}

	/**
	 * Revokes an assertion as staff do in OEB's UI; it reappears in the change feed with the
	 * reason. Returns false when OEB does not hold it or it is revoked already.
	 */
	public boolean revokeInOeb(String assertion, String reason) {
		return replace(assertion, (stored) -> stored.revoked() ? null : stored.revoke(reason, Instant.now()));
	}

	/** Changes an assertion's expiry date, as {@code PUT /v2/assertions/{id}} does. */
	public boolean changeExpiry(String assertion, Instant expires) {
		return replace(assertion, (stored) -> stored.expiring(expires, Instant.now()));
	}

	private boolean replace(String assertion, java.util.function.UnaryOperator<StoredAssertion> change) {
		for (List<StoredAssertion> stored : this.assertionsByBadgeClass.values()) {
			synchronized (stored) {
				for (int i = 0; i < stored.size(); i++) {
					StoredAssertion current = stored.get(i);
					if (current.entityId().equals(assertion)) {
						StoredAssertion changed = change.apply(current);
						if (changed == null) {
							return false;
						}
						stored.set(i, changed);
						List<StoredAssertion> held = this.assertionsByRecipient
							.get(current.badgeClass() + " " + current.recipient());
						synchronized (held) {
							held.replaceAll((a) -> a.entityId().equals(assertion) ? changed : a);
						}
						return true;
					}
				}
			}
		}
		return false;
	}

	/** The assertion with this entityId, if OEB holds it. */
	public java.util.Optional<StoredAssertion> assertion(String entityId) {
		return this.assertionsByBadgeClass.values()
			.stream()
			.flatMap((stored) -> {
				synchronized (stored) {
					return List.copyOf(stored).stream();
				}
			})
			.filter((a) -> a.entityId().equals(entityId))
			.findFirst();
	}

	/**
	 * A learning path: when a recipient holds {@code required} of {@code badges} (not revoked),
	 * OEB awards {@code microDegreeBadge} to them in the same request, as an assertion nobody
	 * asked for.
	 */
	public FakeOeb learningPath(String issuer, String slug, String name, String microDegreeBadge, int required,
			String... badges) {
		badgeClass(microDegreeBadge);
		this.knownIssuers.add(issuer);
		this.learningPaths.put(slug, new LearningPath(issuer, slug, name, name, microDegreeBadge, required,
				List.of(badges), true, List.of(), Instant.now(), null));
		return this;
	}

	/** The next {@code times} change-feed pages after a first one (those asked for by cursor) answer 502. */
	public FakeOeb failNextFeedPages(int times) {
		this.failingNextPages.set(times);
		return this;
	}

	/** The next {@code times} revocations are carried out, but answered 502 (as when the answer is lost). */
	public FakeOeb revokeThenFail(int times) {
		this.revokeThenFail.set(times);
		return this;
	}

	/** Revocation calls received ({@code DELETE /v2/assertions/{id}}), also those that failed. */
	public int revokeCallCount() {
		return this.server
			.findAll(WireMock.deleteRequestedFor(WireMock.urlPathMatching("(/oeb/[^/]+)?/v2/assertions/[^/]+")))
			.size();
	}

	/** The embed URLs OEB handed out, oldest first. */
	public List<EmbedUrl> embedUrls() {
		return List.copyOf(this.embedUrls);
	}

	private void awardMicroDegrees(StoredAssertion issued) {
		for (LearningPath path : paths()) {
			if (!path.activated() || path.archived() || !path.badges().contains(issued.badgeClass())) {
				continue;
			}
			long held = path.badges()
				.stream()
				.filter((badge) -> held(badge, issued.recipient()).stream().anyMatch((a) -> !a.revoked()))
				.count();
			boolean hasDegree = held(path.microDegreeBadge(), issued.recipient()).stream().anyMatch((a) -> !a.revoked());
			if (held >= path.required() && !hasDegree) {
				Instant now = Instant.now();
				store(new StoredAssertion(entityId(), issued.recipient(), "{}", false, now, path.microDegreeBadge(), now,
						null, null));
			}
		}
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

	/**
	 * The next {@code times} badge-class creates are stored and then answered 502, as when the
	 * answer is lost: the client cannot know the class exists.
	 */
	public FakeOeb storeBadgeClassThenFail(int times) {
		this.storeBadgeClassThenFail.set(times);
		return this;
	}

	/** How long badge-class creates, updates and deletes take to answer. */
	public FakeOeb badgeClassWriteDelay(Duration delay) {
		this.badgeClassWriteDelay = delay;
		return this;
	}

	/** Badge-class creates received (both routes), also those that failed. */
	public int badgeClassCreateCallCount() {
		return this.server
			.findAll(WireMock.postRequestedFor(
					WireMock.urlPathMatching("(/oeb/[^/]+)?/v2/(issuers/[^/]+/)?badgeclasses/?")))
			.size();
	}

	/** Badge-class updates received ({@code PUT /v2/badgeclasses/{id}}), also those that failed. */
	public int badgeClassUpdateCallCount() {
		return this.server
			.findAll(WireMock.putRequestedFor(WireMock.urlPathMatching("(/oeb/[^/]+)?/v2/badgeclasses/[^/]+")))
			.size();
	}

	/** Badge-class deletes received, also those that were refused. */
	public int badgeClassDeleteCallCount() {
		return this.server
			.findAll(WireMock.deleteRequestedFor(WireMock.urlPathMatching("(/oeb/[^/]+)?/v2/badgeclasses/[^/]+")))
			.size();
	}

	/** Learning-path creates, updates, deletes and archivings received, also those that failed. */
	public int learningPathWriteCallCount() {
		return (int) this.server
			.findAll(WireMock.anyRequestedFor(
					WireMock.urlPathMatching("(/oeb/[^/]+)?/v1/issuer/issuers/[^/]+/learningpath(/.*)?")))
			.stream()
			.filter((request) -> !"GET".equals(request.getMethod().getName()))
			.count();
	}

	/**
	 * The badge classes of an issuer OEB holds now (created over the API or registered with
	 * their JSON), in the v2 shape {@code GET /v2/badgeclasses/{id}} serves, oldest first.
	 */
	public List<JsonNode> storedBadgeClasses(String issuerId) {
		return allBadgeClasses().stream().filter((json) -> issuerId.equals(json.path("issuer").asString(""))).toList();
	}

	/**
	 * A SHA-256 (hex) of the image last sent as a data URI for this badge class; empty when none
	 * was (registered classes, or only image URLs, which OEB ignores).
	 */
	public Optional<String> badgeClassImageDigest(String badgeClass) {
		return Optional.ofNullable(this.badgeClassImageDigests.get(badgeClass));
	}

	/** All learning paths of an issuer, archived ones included, in the v1 shape OEB serves them. */
	public List<JsonNode> learningPaths(String issuerId) {
		return paths().stream()
			.filter((path) -> path.issuer().equals(issuerId))
			.map((path) -> (JsonNode) learningPathJson(path))
			.toList();
	}

	/**
	 * Awards a learning path's micro degree (its participation badge) to a recipient, as OEB's
	 * automatic award or its retroactive task does; from then on the path has awarded one.
	 */
	public StoredAssertion awardMicroDegree(String learningPath, String recipient) {
		LearningPath path = this.learningPaths.get(learningPath);
		if (path == null) {
			throw new IllegalArgumentException("No learning path " + learningPath);
		}
		Instant now = Instant.now();
		StoredAssertion degree = new StoredAssertion(entityId(), recipient.toLowerCase(java.util.Locale.ROOT), "{}",
				false, now, path.microDegreeBadge(), now, null, null);
		store(degree);
		return degree;
	}

	private List<LearningPath> paths() {
		synchronized (this.learningPaths) {
			return List.copyOf(this.learningPaths.values());
		}
	}

	private List<JsonNode> allBadgeClasses() {
		return this.badgeClassJson.values()
			.stream()
			.map(FakeOeb::parse)
			.filter(JsonNode::isObject)
			.sorted(Comparator.comparing((JsonNode json) -> json.path("createdAt").asString(""))
				.thenComparing((json) -> json.path("entityId").asString("")))
			.toList();
	}

	private static JsonNode parse(String json) {
		try {
			return JSON.readTree(json);
		}
		catch (JacksonException ex) {
			return JSON.missingNode();
		}
	}

	private String category(String badgeClass) {
		String json = this.badgeClassJson.get(badgeClass);
		JsonNode category = (json != null)
				? parse(json).path("extensions").path("extensions:CategoryExtension").path("Category") : null;
		return (category != null && category.isString()) ? category.stringValue() : null;
	}

	private ObjectNode learningPathJson(LearningPath path) {
		ObjectNode json = JSON.createObjectNode();
		json.put("slug", path.slug());
		json.put("name", path.name());
		json.put("description", path.description());
		json.put("issuer_id", path.issuer());
		json.put("issuer_name", this.issuerNames.getOrDefault(path.issuer(), path.issuer()));
		json.put("participationBadge_id", path.microDegreeBadge());
		json.put("participationBadge_image", PUBLIC_BASE + "badges/" + path.microDegreeBadge() + "/image");
		json.put("required_badges_count", path.required());
		json.put("activated", path.activated());
		json.put("archived", path.archived());
		json.put("archived_at", path.archived() ? path.archivedAt().toString() : null);
		path.tags().forEach(json.putArray("tags")::add);
		ArrayNode badges = json.putArray("badges");
		for (int i = 0; i < path.badges().size(); i++) {
			String slug = path.badges().get(i);
			ObjectNode badge = badges.addObject().put("order", i + 1).putObject("badge");
			badge.put("slug", slug);
			String classJson = this.badgeClassJson.get(slug);
			if (classJson != null) {
				badge.put("name", parse(classJson).path("name").asString(""));
			}
			badge.put("image", PUBLIC_BASE + "badges/" + slug + "/image");
		}
		List<StoredAssertion> degrees = assertions(path.microDegreeBadge());
		json.put("participant_count",
				(int) degrees.stream().filter((a) -> !a.revoked()).map(StoredAssertion::recipient).distinct().count());
		// "awarded" is history: a revoked micro degree still counts
		json.put("has_awarded_micro_degree", !degrees.isEmpty());
		json.put("created_at", path.createdAt().toString());
		return json;
	}

	private static String sha256(byte[] bytes) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
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
		this.lookupDelay = Duration.ZERO;
		this.expiresIn.clear();
		this.learningPaths.clear();
		this.embedUrls.clear();
		this.failingNextPages.set(0);
		this.revokeThenFail.set(0);
		this.badgeClassJson.clear();
		this.badgeClassUpdatedAt.clear();
		this.badgeClasses.removeAll(this.createdBadgeClasses);
		this.createdBadgeClasses.clear();
		this.badgeClassImageDigests.clear();
		this.knownIssuers.clear();
		this.issuerNames.clear();
		this.storeBadgeClassThenFail.set(0);
		this.badgeClassWriteDelay = Duration.ZERO;
		this.server.resetAll();
		stubDefaults();
	}

	@Override
	public void close() {
		this.server.stop();
	}

	private void stubDefaults() {
		this.server.stubFor(WireMock.post(WireMock.urlPathMatching("/o/token/?")).willReturn(WireMock.ok()));
		String demoIssuer = entityId();
		this.knownIssuers.add(demoIssuer);
		this.ownStubs.clear();
		this.ownStubs.add(this.server.stubFor(WireMock.get(WireMock.urlPathEqualTo("/v2/issuers"))
			.willReturn(json(200, envelope("{\"entityType\":\"Issuer\",\"entityId\":\"" + demoIssuer
					+ "\",\"name\":\"Demo University\",\"email\":\"badges@demo.example\",\"url\":\"https://demo.example\"}")))).getId());
		// every other API path: answered by the OebBehaviour transformer where OEB's behaviour is simulated, 404 elsewhere
		this.ownStubs.add(this.server.stubFor(WireMock.any(WireMock.urlPathMatching("(/oeb/[^/]+)?/v[123]/.*"))
			.atPriority(10)
			.willReturn(json(404, v2Error("entity not found or insufficient privileges")))).getId());
		// issuing and look-up are answered by the OebBehaviour transformer, which keeps the awards
		this.ownStubs.add(this.server.stubFor(WireMock.any(WireMock.urlPathMatching("(/oeb/[^/]+)?/v2/badgeclasses/[^/]+/assertions"))
			.willReturn(WireMock.ok())).getId());
	}

	/** Whether a test stubbed this call itself: then its answer stands, not the simulated behaviour. */
	private boolean stubbedByTest(ServeEvent event) {
		return event.getStubMapping() != null && !this.ownStubs.contains(event.getStubMapping().getId());
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

	private String assertionJson(StoredAssertion assertion) {
		String publicBase = "https://api.openbadges.example/public/";
		return "{\"entityType\":\"Assertion\",\"entityId\":\"" + assertion.entityId() + "\",\"openBadgeId\":\""
				+ publicBase + "assertions/" + assertion.entityId() + "\",\"badgeclass\":\""
				+ assertion.badgeClass() + "\",\"badgeclassOpenBadgeId\":\"" + publicBase + "badges/"
				+ assertion.badgeClass() + "\",\"image\":\"" + publicBase + "assertions/" + assertion.entityId()
				+ "/image\",\"recipient\":{\"identity\":\"sha256$"
				+ Integer.toHexString(assertion.recipient().hashCode())
				+ "\",\"hashed\":true,\"type\":\"email\",\"plaintextIdentity\":\"" + assertion.recipient()
				+ "\",\"salt\":\"0b9e4c1d\"},\"issuedOn\":\"" + assertion.issuedOn() + "\",\"revoked\":"
				+ assertion.revoked() + ",\"revocationReason\":"
				+ ((assertion.revocationReason() != null) ? "\"" + assertion.revocationReason() + "\"" : "null")
				+ ",\"acceptance\":\"Unaccepted\",\"expires\":"
				+ ((assertion.expires() != null) ? "\"" + assertion.expires() + "\"" : "null") + "}";
	}

	private static String v2Error(String description) {
		return "{\"status\":{\"success\":false,\"description\":\"" + description + "\"},\"result\":[]}";
	}

	private record IssuedToken(String clientId, Set<String> scopes, Instant expiresAt) {
	}

	/**
	 * One issue call's failure: {@code status} 0 resets the connection; {@code stores}: OEB stores
	 * the award all the same; {@code answersAtOnce}: the failure comes before OEB is done.
	 */
	private record IssueFailure(int status, Integer retryAfterSeconds, boolean stores, boolean answersAtOnce) {
	}

	/** An award as OEB stores it. */
	public record StoredAssertion(String entityId, String recipient, String body, boolean revoked, Instant updatedAt,
			String badgeClass, Instant issuedOn, Instant expires, String revocationReason) {

		StoredAssertion revoke(String reason, Instant at) {
			return new StoredAssertion(this.entityId, this.recipient, this.body, true, at, this.badgeClass,
					this.issuedOn, this.expires, reason);
		}

		StoredAssertion expiring(Instant expires, Instant at) {
			return new StoredAssertion(this.entityId, this.recipient, this.body, this.revoked, at, this.badgeClass,
					this.issuedOn, expires, this.revocationReason);
		}

	}

	/** A learning path (micro degree) as OEB holds it; its badges in order. */
	private record LearningPath(String issuer, String slug, String name, String description, String microDegreeBadge,
			int required, List<String> badges, boolean activated, List<String> tags, Instant createdAt,
			Instant archivedAt) {

		boolean archived() {
			return this.archivedAt != null;
		}

		LearningPath withBadges(List<String> remaining) {
			return new LearningPath(this.issuer, this.slug, this.name, this.description, this.microDegreeBadge,
					Math.min(this.required, remaining.size()), List.copyOf(remaining), this.activated, this.tags,
					this.createdAt, this.archivedAt);
		}

		LearningPath archivedAt(Instant at) {
			return new LearningPath(this.issuer, this.slug, this.name, this.description, this.microDegreeBadge,
					this.required, this.badges, this.activated, this.tags, this.createdAt, at);
		}

	}

	/** Refusals in DRF's shape: per field, and those of no field ({@code non_field_errors}). */
	private static final class Errors {

		private final Map<String, List<String>> fields = new LinkedHashMap<>();

		private final List<String> general = new ArrayList<>();

		Errors field(String field, String message) {
			this.fields.computeIfAbsent(field, (key) -> new ArrayList<>()).add(message);
			return this;
		}

		Errors general(String message) {
			this.general.add(message);
			return this;
		}

		boolean any() {
			return !this.fields.isEmpty() || !this.general.isEmpty();
		}

		/** As v1 answers them: {@code {"field":["msg"]}}. */
		ObjectNode drf() {
			ObjectNode body = JSON.createObjectNode();
			this.fields.forEach((field, messages) -> messages.forEach(body.withArrayProperty(field)::add));
			if (!this.general.isEmpty()) {
				this.general.forEach(body.putArray("non_field_errors")::add);
			}
			return body;
		}

	}

	/** The embed URLs handed out, with the e-mail and view they show. */
	public record EmbedUrl(String url, String view, String email, String language) {
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
			String method = request.getMethod().getName();
			if (("POST".equals(method) || "PUT".equals(method)) && request.getBody() != null
					&& request.getBody().length > MAX_BODY_BYTES) {
				return WireMock.aResponse().withStatus(413).withHeader("Content-Type", "text/html")
					.withBody("<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n"
							+ "<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n"
							+ "</body>\r\n</html>\r\n")
					.build();
			}
			if (path.startsWith("/o/token")) {
				return token(request);
			}
			java.util.regex.Matcher viaGateway = java.util.regex.Pattern.compile("/oeb/([^/]+)(/.*)").matcher(path);
			if (viaGateway.matches()) {
				String expectedKey = FakeOeb.this.connectorKeys.get(viaGateway.group(1));
				if (expectedKey == null || !expectedKey.equals(request.getHeader("X-Api-Key"))) {
					return json(401, "{\"status\":401,\"error\":\"unknown_api_key\"}").build();
				}
				return stubbedByTest(event) ? event.getResponseDefinition()
						: assertions(request, viaGateway.group(2), event.getResponseDefinition());
			}
			if (path.matches("/v[123]/.*")) {
				ResponseDefinition denied = authenticate(request);
				return (denied != null) ? denied : stubbedByTest(event) ? event.getResponseDefinition()
						: assertions(request, path, event.getResponseDefinition());
			}
			return event.getResponseDefinition();
		}

		private ResponseDefinition assertions(LoggedRequest request, String path, ResponseDefinition stubbed) {
			String method = request.getMethod().getName();
			java.util.regex.Matcher feed = java.util.regex.Pattern.compile("/v2/(assertions|badgeclasses)/changed(\\?.*)?")
				.matcher(path);
			if (feed.matches() && "GET".equals(method)) {
				return changed(request, feed.group(1));
			}
			java.util.regex.Matcher revoke = java.util.regex.Pattern.compile("/v2/assertions/([A-Za-z0-9_-]+)").matcher(path);
			if (revoke.matches() && "DELETE".equals(method)) {
				return revoke(request, revoke.group(1));
			}
			java.util.regex.Matcher embed = java.util.regex.Pattern
				.compile("/v3/issuer/learners-(badges|competencies|learningpaths|profile|backpack)/").matcher(path);
			if (embed.matches() && "POST".equals(method)) {
				return embed(request, embed.group(1));
			}
			ResponseDefinition managed = manage(request, method, path.replaceFirst("\\?.*", ""));
			if (managed != null) {
				return managed;
			}
			java.util.regex.Matcher oneClass = java.util.regex.Pattern.compile("/v2/badgeclasses/([A-Za-z0-9_-]+)")
				.matcher(path);
			if (oneClass.matches() && "GET".equals(method)) {
				String known = FakeOeb.this.badgeClassJson.get(oneClass.group(1));
				return (known != null) ? json(200, envelope(known)).build()
						: json(404, v2Error("entity not found or insufficient privileges")).build();
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

		/**
		 * A change feed: objects changed after {@code since}, ordered by change time, {@code num}
		 * per page (100 unless asked), the next page named by an absolute URL with an opaque
		 * cursor, and the server time taken before the query.
		 */
		private ResponseDefinition changed(LoggedRequest request, String feed) {
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
			int num = 100;
			if (request.queryParameter("num").isPresent()) {
				num = Math.max(1, Math.min(500, Integer.parseInt(request.queryParameter("num").firstValue())));
			}
			String after = null;
			if (request.queryParameter("cursor").isPresent() && FakeOeb.this.failingNextPages.getAndUpdate(
					(left) -> Math.max(0, left - 1)) > 0) {
				return WireMock.aResponse().withStatus(502).withHeader("Content-Type", "text/html")
					.withBody("<html><body>Bad Gateway</body></html>").build();
			}
			if (request.queryParameter("cursor").isPresent()) {
				try {
					after = new String(Base64.getUrlDecoder().decode(request.queryParameter("cursor").firstValue()),
							StandardCharsets.UTF_8);
				}
				catch (IllegalArgumentException ex) {
					return json(404, "{\"detail\":\"Invalid cursor\"}").build();
				}
			}
			Instant timestamp = Instant.now();
			Instant from = since;
			List<String[]> all = new java.util.ArrayList<>();
			if ("assertions".equals(feed)) {
				FakeOeb.this.assertionsByBadgeClass.keySet()
					.stream()
					.flatMap((badgeClass) -> FakeOeb.this.assertions(badgeClass).stream())
					.filter((assertion) -> assertion.updatedAt().isAfter(from))
					.forEach((assertion) -> all.add(new String[] { position(assertion.updatedAt(), assertion.entityId()),
							FakeOeb.this.assertionJson(assertion) }));
			}
			else {
				FakeOeb.this.badgeClassJson.forEach((id, json) -> {
					Instant updated = FakeOeb.this.badgeClassUpdatedAt.getOrDefault(id, Instant.EPOCH);
					if (updated.isAfter(from)) {
						all.add(new String[] { position(updated, id), json });
					}
				});
			}
			all.sort(java.util.Comparator.comparing((String[] item) -> item[0]));
			String start = after;
			List<String[]> remaining = all.stream().filter((item) -> start == null || item[0].compareTo(start) > 0).toList();
			List<String[]> page = remaining.subList(0, Math.min(num, remaining.size()));
			boolean hasNext = remaining.size() > page.size();
			String next = "null";
			if (hasNext) {
				String cursor = Base64.getUrlEncoder()
					.withoutPadding()
					.encodeToString(page.get(page.size() - 1)[0].getBytes(StandardCharsets.UTF_8));
				next = "\"" + FakeOeb.this.baseUrl() + "/v2/" + feed + "/changed?cursor=" + cursor + "&num=" + num
						+ "&since=" + java.net.URLEncoder.encode(since.atOffset(java.time.ZoneOffset.ofHours(2)).toString(),
								StandardCharsets.UTF_8)
						+ "\"";
			}
			return json(200, "{\"status\":{\"success\":true,\"description\":\"ok\"},\"result\":["
					+ String.join(",", page.stream().map((item) -> item[1]).toList()) + "],\"pagination\":{\"hasNext\":"
					+ hasNext + ",\"nextResults\":" + next + ",\"hasPrevious\":" + (after != null)
					+ ",\"previousResults\":null},\"timestamp\":\""
					+ timestamp.atOffset(java.time.ZoneOffset.ofHours(2)) + "\"}").build();
		}

		private static String position(Instant at, String id) {
			return String.format("%020d", at.getEpochSecond()) + String.format("%09d", at.getNano()) + ":" + id;
		}

		private ResponseDefinition revoke(LoggedRequest request, String assertion) {
			String reason = field(request.getBodyAsString(), "revocation_reason");
			if (reason == null || reason.isBlank()) {
				return json(400, "{\"status\":{\"success\":false,\"description\":\"bad request\"},\"result\":[],"
						+ "\"fieldErrors\":{\"revocation_reason\":\"This field is required\"},\"validationErrors\":[]}")
					.build();
			}
			java.util.Optional<StoredAssertion> stored = FakeOeb.this.assertion(assertion);
			if (stored.isEmpty()) {
				return json(404, v2Error("entity not found or insufficient privileges")).build();
			}
			if (!FakeOeb.this.revokeInOeb(assertion, reason)) {
				return json(400, "{\"status\":{\"success\":false,\"description\":\"bad request\"},\"result\":[],"
						+ "\"fieldErrors\":{},\"validationErrors\":[\"Assertion is already revoked\"]}").build();
			}
			if (FakeOeb.this.revokeThenFail.getAndUpdate((left) -> Math.max(0, left - 1)) > 0) {
				return WireMock.aResponse().withStatus(502).withHeader("Content-Type", "text/html")
					.withBody("<html><body>Bad Gateway</body></html>").build();
			}
			return json(200, envelope(FakeOeb.this.assertionJson(FakeOeb.this.assertion(assertion).orElseThrow())))
				.build();
		}

		private ResponseDefinition embed(LoggedRequest request, String view) {
			String email = field(request.getBodyAsString(), "email");
			if (email == null || !email.contains("@")) {
				return json(400, "\"email is required\"").build();
			}
			String lang = field(request.getBodyAsString(), "lang");
			String url = FakeOeb.this.baseUrl() + "/iframes/" + java.util.UUID.randomUUID() + "/";
			FakeOeb.this.embedUrls.add(new EmbedUrl(url, view, email, lang));
			return json(200, "{\"url\":\"" + url + "\"}").build();
		}

		/** Badge-class and learning-path management; {@code null} when the call is not one. */
		private ResponseDefinition manage(LoggedRequest request, String method, String path) {
			Matcher issuerClasses = Pattern.compile("/v2/issuers/(" + ID + ")/badgeclasses/?").matcher(path);
			if (issuerClasses.matches()) {
				String issuer = issuerClasses.group(1);
				if ("POST".equals(method)) {
					return FakeOeb.this.knownIssuers.contains(issuer) ? createBadgeClass(request, issuer) : notPermitted();
				}
				if ("GET".equals(method)) {
					return FakeOeb.this.knownIssuers.contains(issuer)
							? v2List(FakeOeb.this.storedBadgeClasses(issuer)) : notPermitted();
				}
				return null;
			}
			if (path.matches("/v2/badgeclasses/?")) {
				if ("POST".equals(method)) {
					return createBadgeClass(request, null);
				}
				return "GET".equals(method) ? v2List(FakeOeb.this.allBadgeClasses()) : null;
			}
			Matcher oneClass = Pattern.compile("/v2/badgeclasses/(" + ID + ")").matcher(path);
			if (oneClass.matches() && "PUT".equals(method)) {
				return updateBadgeClass(request, oneClass.group(1));
			}
			if (oneClass.matches() && "DELETE".equals(method)) {
				return deleteBadgeClass(oneClass.group(1));
			}
			Matcher paths = Pattern.compile("/v1/issuer/issuers/(" + ID + ")/learningpath(?:/(" + ID + "))?(/archive)?/?")
				.matcher(path);
			if (!paths.matches() || (paths.group(3) != null && !"POST".equals(method))) {
				return null;
			}
			String issuer = paths.group(1);
			String slug = paths.group(2);
			if (!FakeOeb.this.knownIssuers.contains(issuer)) {
				return notFound();
			}
			if (slug == null) {
				return switch (method) {
					case "GET" -> listLearningPaths(request, issuer);
					case "POST" -> writeLearningPath(request, issuer, null);
					default -> json(405, "{\"detail\":\"Method \\\"" + method + "\\\" not allowed.\"}").build();
				};
			}
			LearningPath existing = FakeOeb.this.learningPaths.get(slug);
			if (existing == null || !existing.issuer().equals(issuer)) {
				return notFound();
			}
			if (paths.group(3) != null) {
				return archiveLearningPath(existing);
			}
			return switch (method) {
				case "GET" -> json(200, FakeOeb.this.learningPathJson(existing).toString()).build();
				case "PUT" -> writeLearningPath(request, issuer, existing);
				case "DELETE" -> deleteLearningPath(existing);
				default -> json(405, "{\"detail\":\"Method \\\"" + method + "\\\" not allowed.\"}").build();
			};
		}

		private ResponseDefinition createBadgeClass(LoggedRequest request, String pathIssuer) {
			JsonNode body = body(request);
			if (body == null) {
				return v2BadRequest(new Errors().general("JSON parse error - the body is not a JSON object"));
			}
			Errors errors = new Errors();
			String issuer = pathIssuer;
			if (issuer == null) {
				issuer = requiredText(body, "issuer", errors);
			}
			String name = requiredText(body, "name", errors);
			if (name != null && name.length() > 255) {
				errors.field("name", "Ensure this field has no more than 255 characters.");
			}
			String description = requiredText(body, "description", errors);
			String language = language(body, errors);
			String image = imageDigest(body, errors);
			if (image == null && !errors.fields.containsKey("image")) {
				errors.field("image", "This field is required.");
			}
			validateOptionalFields(body, errors);
			if (!errors.fields.containsKey("extensions") && !body.hasNonNull("extensions")) {
				errors.field("extensions", "extensions:CategoryExtension with a Category of participation, competency or "
						+ "learningpath is required.");
			}
			if (body.path("criteriaUrl").asString("").isBlank() && body.path("criteriaNarrative").asString("").isBlank()) {
				errors.general("One or both of the criteriaNarrative and criteriaUrl fields must be provided");
			}
			if (errors.any()) {
				return v2BadRequest(errors);
			}
			if (!FakeOeb.this.knownIssuers.contains(issuer)) {
				return notPermitted();
			}
			String entityId = entityId();
			ObjectNode stored = JSON.createObjectNode();
			stored.put("entityType", "BadgeClass");
			stored.put("entityId", entityId);
			stored.put("openBadgeId", PUBLIC_BASE + "badges/" + entityId);
			stored.put("createdAt", Instant.now().toString());
			stored.put("createdBy", FakeOeb.this.userEntityId);
			stored.put("issuer", issuer);
			stored.put("issuerOpenBadgeId", PUBLIC_BASE + "issuers/" + issuer);
			stored.put("name", name);
			stored.put("image", PUBLIC_BASE + "badges/" + entityId + "/image");
			stored.put("description", description);
			stored.put("language", language);
			stored.putNull("course_url");
			stored.putNull("criteriaUrl");
			stored.putNull("criteriaNarrative");
			stored.putArray("alignments");
			stored.putArray("tags");
			stored.putNull("expiration");
			stored.putObject("extensions");
			copyOptionalFields(body, stored);
			synchronized (FakeOeb.this.manageLock) {
				FakeOeb.this.createdBadgeClasses.add(entityId);
				FakeOeb.this.badgeClassImageDigests.put(entityId, image);
				storeBadgeClass(stored, body);
			}
			if (FakeOeb.this.storeBadgeClassThenFail.getAndUpdate((left) -> Math.max(0, left - 1)) > 0) {
				return badGateway().withFixedDelay(writeDelay()).build();
			}
			return json(201, envelope(stored.toString())).withFixedDelay(writeDelay()).build();
		}

		private ResponseDefinition updateBadgeClass(LoggedRequest request, String entityId) {
			if (!FakeOeb.this.badgeClasses.contains(entityId)) {
				return notPermitted();
			}
			JsonNode body = body(request);
			if (body == null) {
				return v2BadRequest(new Errors().general("JSON parse error - the body is not a JSON object"));
			}
			Errors errors = new Errors();
			String name = requiredText(body, "name", errors);
			if (name != null && name.length() > 255) {
				errors.field("name", "Ensure this field has no more than 255 characters.");
			}
			String description = requiredText(body, "description", errors);
			String language = language(body, errors);
			String image = imageDigest(body, errors);
			validateOptionalFields(body, errors);
			if (errors.any()) {
				return v2BadRequest(errors);
			}
			ObjectNode stored;
			synchronized (FakeOeb.this.manageLock) {
				if (!FakeOeb.this.badgeClasses.contains(entityId)) {
					return notPermitted();
				}
				JsonNode current = parse(FakeOeb.this.badgeClassJson.getOrDefault(entityId, "{}"));
				stored = current.isObject() ? (ObjectNode) current : JSON.createObjectNode();
				if (!stored.has("entityId")) {
					stored.put("entityType", "BadgeClass");
					stored.put("entityId", entityId);
				}
				stored.put("name", name);
				stored.put("description", description);
				stored.put("language", language);
				copyOptionalFields(body, stored);
				if (image != null) {
					FakeOeb.this.badgeClassImageDigests.put(entityId, image);
				}
				storeBadgeClass(stored, body);
			}
			return json(200, envelope(stored.toString())).withFixedDelay(writeDelay()).build();
		}

		/** Stores a class as served; expiry follows {@code expiration} where the call set it. */
		private void storeBadgeClass(ObjectNode stored, JsonNode body) {
			String entityId = stored.path("entityId").stringValue("");
			FakeOeb.this.badgeClasses.add(entityId);
			FakeOeb.this.badgeClassJson.put(entityId, stored.toString());
			FakeOeb.this.badgeClassUpdatedAt.put(entityId, Instant.now());
			if (body.has("expiration")) {
				JsonNode days = stored.path("expiration");
				if (days.isIntegralNumber()) {
					FakeOeb.this.expiresIn.put(entityId, Duration.ofDays(days.longValue()));
				}
				else {
					FakeOeb.this.expiresIn.remove(entityId);
				}
			}
		}

		private ResponseDefinition deleteBadgeClass(String entityId) {
			synchronized (FakeOeb.this.manageLock) {
				if (!FakeOeb.this.badgeClasses.contains(entityId)) {
					return notPermitted();
				}
				Instant now = Instant.now();
				if (FakeOeb.this.assertions(entityId)
					.stream()
					.anyMatch((a) -> !a.revoked() && (a.expires() == null || a.expires().isAfter(now)))) {
					return json(400, v2Error("BadgeClass may only be deleted if all BadgeInstances have been revoked."))
						.withFixedDelay(writeDelay())
						.build();
				}
				FakeOeb.this.badgeClasses.remove(entityId);
				FakeOeb.this.createdBadgeClasses.remove(entityId);
				FakeOeb.this.badgeClassJson.remove(entityId);
				FakeOeb.this.badgeClassUpdatedAt.remove(entityId);
				FakeOeb.this.badgeClassImageDigests.remove(entityId);
				FakeOeb.this.expiresIn.remove(entityId);
				for (LearningPath path : FakeOeb.this.paths()) {
					if (path.microDegreeBadge().equals(entityId)) {
						FakeOeb.this.learningPaths.remove(path.slug());
					}
					else if (path.badges().contains(entityId)) {
						List<String> remaining = path.badges().stream().filter((badge) -> !badge.equals(entityId)).toList();
						// newer OEB: a path left with two badges or fewer is deleted with the badge class
						if (remaining.size() <= 2) {
							FakeOeb.this.learningPaths.remove(path.slug());
						}
						else {
							FakeOeb.this.learningPaths.put(path.slug(), path.withBadges(remaining));
						}
					}
				}
			}
			return WireMock.aResponse().withStatus(204).withFixedDelay(writeDelay()).build();
		}

		private ResponseDefinition listLearningPaths(LoggedRequest request, String issuer) {
			String archived = request.queryParameter("archived").isPresent()
					? request.queryParameter("archived").firstValue() : "false";
			ArrayNode list = JSON.createArrayNode();
			for (LearningPath path : FakeOeb.this.paths()) {
				boolean wanted = switch (archived) {
					case "all" -> true;
					case "true" -> path.archived();
					default -> !path.archived();
				};
				if (path.issuer().equals(issuer) && wanted) {
					list.add(FakeOeb.this.learningPathJson(path));
				}
			}
			return json(200, list.toString()).build();
		}

		/** Creates a path ({@code existing} null) or replaces one, with OEB's refusals. */
		private ResponseDefinition writeLearningPath(LoggedRequest request, String issuer, LearningPath existing) {
			JsonNode body = body(request);
			if (body == null) {
				return json(400, "{\"detail\":\"JSON parse error - the body is not a JSON object\"}").build();
			}
			synchronized (FakeOeb.this.manageLock) {
				Errors errors = new Errors();
				String name = requiredText(body, "name", errors);
				String description = requiredText(body, "description", errors);
				List<String> badges = learningPathBadges(body, errors);
				String microDegree = requiredText(body, "participationBadge_id", errors);
				if (microDegree != null && !FakeOeb.this.badgeClasses.contains(microDegree)) {
					errors.field("participationBadge_id", "Badge with slug \"" + microDegree + "\" does not exist.");
				}
				else if (microDegree != null && !"learningpath".equals(FakeOeb.this.category(microDegree))) {
					errors.field("participationBadge_id", "The participation badge must be of the category learningpath.");
				}
				JsonNode required = body.get("required_badges_count");
				if (required == null || required.isNull()) {
					errors.field("required_badges_count", "This field is required.");
				}
				else if (!required.isIntegralNumber()) {
					errors.field("required_badges_count", "A valid integer is required.");
				}
				else if (required.intValue() < 1) {
					errors.field("required_badges_count", "Ensure this value is greater than or equal to 1.");
				}
				else if (badges != null && required.intValue() > badges.size()) {
					errors.field("required_badges_count",
							"Ensure this value is less than or equal to the number of badges (" + badges.size() + ").");
				}
				JsonNode activated = body.path("activated");
				if (!activated.isMissingNode() && !activated.isBoolean()) {
					errors.field("activated", "Must be a valid boolean.");
				}
				List<String> tags = stringList(body, "tags", errors);
				if (errors.any()) {
					return json(400, errors.drf().toString()).build();
				}
				LearningPath path = new LearningPath(issuer, (existing != null) ? existing.slug() : entityId(), name,
						description, microDegree, required.intValue(), badges, activated.asBoolean(true), tags,
						(existing != null) ? existing.createdAt() : Instant.now(),
						(existing != null) ? existing.archivedAt() : null);
				FakeOeb.this.learningPaths.put(path.slug(), path);
				return json((existing != null) ? 200 : 201, FakeOeb.this.learningPathJson(path).toString()).build();
			}
		}

		/** The slugs of {@code badges:[{badge:{slug},order}]} by order, or null when refused. */
		private List<String> learningPathBadges(JsonNode body, Errors errors) {
			JsonNode items = body.get("badges");
			if (items == null || !items.isArray() || items.isEmpty()) {
				errors.field("badges", "This field is required.");
				return null;
			}
			List<Map.Entry<Integer, String>> ordered = new ArrayList<>();
			for (JsonNode item : items) {
				String slug = item.path("badge").path("slug").stringValue(null);
				if (slug == null) {
					errors.field("badges", "Each badge needs badge.slug.");
				}
				else if (!FakeOeb.this.badgeClasses.contains(slug)) {
					errors.field("badges", "Badge with slug \"" + slug + "\" does not exist.");
				}
				else {
					ordered.add(Map.entry(item.path("order").asInt(ordered.size() + 1), slug));
				}
			}
			if (errors.fields.containsKey("badges")) {
				return null;
			}
			ordered.sort(Map.Entry.comparingByKey());
			return ordered.stream().map(Map.Entry::getValue).toList();
		}

		private ResponseDefinition deleteLearningPath(LearningPath path) {
			synchronized (FakeOeb.this.manageLock) {
				if (!FakeOeb.this.assertions(path.microDegreeBadge()).isEmpty()) {
					return json(409, "{\"code\":\"learningpath_has_awards\",\"error\":\"This learning path cannot be "
							+ "deleted because micro degrees have already been awarded. Archive it instead.\"}").build();
				}
				FakeOeb.this.learningPaths.remove(path.slug());
			}
			return WireMock.aResponse().withStatus(204).build();
		}

		private ResponseDefinition archiveLearningPath(LearningPath path) {
			LearningPath archived;
			synchronized (FakeOeb.this.manageLock) {
				LearningPath current = FakeOeb.this.learningPaths.getOrDefault(path.slug(), path);
				archived = current.archived() ? current : current.archivedAt(Instant.now());
				FakeOeb.this.learningPaths.put(path.slug(), archived);
			}
			return json(200, FakeOeb.this.learningPathJson(archived).toString()).build();
		}

		private int writeDelay() {
			return (int) FakeOeb.this.badgeClassWriteDelay.toMillis();
		}

		private static JsonNode body(LoggedRequest request) {
			JsonNode body = parse(request.getBodyAsString());
			return body.isObject() ? body : null;
		}

		private static ResponseDefinition v2List(List<JsonNode> classes) {
			return json(200, envelope(classes.stream().map(JsonNode::toString).toArray(String[]::new))).build();
		}

		private static ResponseDefinition v2BadRequest(Errors errors) {
			ObjectNode body = JSON.createObjectNode();
			body.putObject("status").put("success", false).put("description", "bad request");
			body.putArray("result");
			ObjectNode fields = body.putObject("fieldErrors");
			errors.fields.forEach((field, messages) -> messages.forEach(fields.withArrayProperty(field)::add));
			errors.general.forEach(body.putArray("validationErrors")::add);
			return json(400, body.toString()).build();
		}

		private static ResponseDefinition notPermitted() {
			return json(404, v2Error(NOT_PERMITTED)).build();
		}

		private static ResponseDefinition notFound() {
			return json(404, "{\"detail\":\"Not found.\"}").build();
		}

		private static ResponseDefinitionBuilder badGateway() {
			return WireMock.aResponse().withStatus(502).withHeader("Content-Type", "text/html")
				.withBody("<html><body>Bad Gateway</body></html>");
		}

		/** A DRF {@code CharField}: present, not null, not blank. */
		private static String requiredText(JsonNode body, String field, Errors errors) {
			JsonNode value = body.get(field);
			if (value == null) {
				errors.field(field, "This field is required.");
				return null;
			}
			if (value.isNull()) {
				errors.field(field, "This field may not be null.");
				return null;
			}
			if (!value.isValueNode()) {
				errors.field(field, "Not a valid string.");
				return null;
			}
			String text = value.asString();
			if (text.isBlank()) {
				errors.field(field, "This field may not be blank.");
				return null;
			}
			return text;
		}

		private static String language(JsonNode body, Errors errors) {
			String language = requiredText(body, "language", errors);
			if (language != null && !language.matches("[a-z]{2}")) {
				errors.field("language", "\"" + language + "\" is not a valid choice.");
				return null;
			}
			return language;
		}

		/**
		 * The SHA-256 of an image sent as a PNG or SVG data URI; null when none was sent (OEB
		 * ignores URLs), refused when the data URI is not such an image.
		 */
		private static String imageDigest(JsonNode body, Errors errors) {
			String image = body.path("image").stringValue("");
			if (!image.startsWith("data:")) {
				return null;
			}
			String png = "data:image/png;base64,";
			String svg = "data:image/svg+xml;base64,";
			byte[] bytes = null;
			try {
				if (image.startsWith(png)) {
					bytes = Base64.getMimeDecoder().decode(image.substring(png.length()));
					bytes = (bytes.length > 8 && (bytes[0] & 0xff) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N'
							&& bytes[3] == 'G') ? bytes : null;
				}
				else if (image.startsWith(svg)) {
					bytes = Base64.getMimeDecoder().decode(image.substring(svg.length()));
					bytes = new String(bytes, StandardCharsets.UTF_8).contains("<svg") ? bytes : null;
				}
			}
			catch (IllegalArgumentException ex) {
				bytes = null;
			}
			if (bytes == null) {
				errors.field("image", "Upload a valid image. The file you uploaded was either not an image or a "
						+ "corrupted image.");
				return null;
			}
			return sha256(bytes);
		}

		private static void validateOptionalFields(JsonNode body, Errors errors) {
			for (String field : List.of("criteriaUrl", "course_url")) {
				String url = body.path(field).asString("");
				if (!url.isEmpty() && !url.matches("https?://[^\\s/$.?#][^\\s]*")) {
					errors.field(field, "Enter a valid URL.");
				}
			}
			JsonNode expiration = body.path("expiration");
			if (!expiration.isMissingNode() && !expiration.isNull()) {
				Long days = expiration.isIntegralNumber() ? Long.valueOf(expiration.longValue())
						: (expiration.isString() && expiration.stringValue().matches("-?\\d{1,18}"))
								? Long.valueOf(expiration.stringValue()) : null;
				if (days == null) {
					errors.field("expiration", "A valid integer is required.");
				}
				else if (days < 1) {
					errors.field("expiration", "Ensure this value is greater than or equal to 1.");
				}
				else if (days > 36500) {
					errors.field("expiration", "Ensure this value is less than or equal to 36500.");
				}
			}
			stringList(body, "tags", errors);
			JsonNode alignments = body.path("alignments");
			if (!alignments.isMissingNode() && !alignments.isNull() && !alignments.isArray()) {
				errors.field("alignments", "Expected a list of items but got type \"" + alignments.getNodeType() + "\".");
			}
			JsonNode extensions = body.path("extensions");
			if (!extensions.isMissingNode() && !extensions.isNull()) {
				String category = extensions.path("extensions:CategoryExtension").path("Category").stringValue(null);
				if (!extensions.isObject()) {
					errors.field("extensions", "Expected a dictionary of items but got type \"" + extensions.getNodeType()
							+ "\".");
				}
				else if (category == null || !CATEGORIES.contains(category)) {
					errors.field("extensions", "extensions:CategoryExtension with a Category of participation, "
							+ "competency or learningpath is required.");
				}
			}
		}

		/** Copies the optional fields a body sends; the image only as the public URL OEB serves. */
		private static void copyOptionalFields(JsonNode body, ObjectNode stored) {
			for (String field : List.of("course_url", "criteriaUrl", "criteriaNarrative", "alignments", "tags",
					"extensions")) {
				if (body.has(field)) {
					stored.set(field, body.get(field).deepCopy());
				}
			}
			JsonNode expiration = body.path("expiration");
			if (expiration.isString()) {
				stored.put("expiration", Integer.parseInt(expiration.stringValue()));
			}
			else if (!expiration.isMissingNode()) {
				stored.set("expiration", expiration.deepCopy());
			}
		}

		private static List<String> stringList(JsonNode body, String field, Errors errors) {
			JsonNode value = body.path(field);
			if (value.isMissingNode() || value.isNull()) {
				return List.of();
			}
			if (!value.isArray()) {
				errors.field(field, "Expected a list of items but got type \"" + value.getNodeType() + "\".");
				return List.of();
			}
			List<String> items = new ArrayList<>();
			value.forEach((item) -> items.add(item.asString("")));
			return List.copyOf(items);
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
				.map(FakeOeb.this::assertionJson)
				.toList();
			return json(200, envelope(found.toArray(String[]::new)))
				.withFixedDelay((int) FakeOeb.this.lookupDelay.toMillis())
				.build();
		}

		private ResponseDefinition issue(LoggedRequest request, String badgeClass) {
			IssueFailure failure = FakeOeb.this.issueFailures.poll();
			if (failure != null && !failure.stores()) {
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
					badgeClass, now.plus(delay), FakeOeb.this.expiresIn.containsKey(badgeClass)
							? now.plus(delay).plus(FakeOeb.this.expiresIn.get(badgeClass)) : null, null);
			if (delay.isZero()) {
				store(assertion);
				awardMicroDegrees(assertion);
			}
			else {
				STORING.schedule(() -> {
					store(assertion);
					awardMicroDegrees(assertion);
				}, delay.toMillis(), TimeUnit.MILLISECONDS);
			}
			if (failure != null) {
				int answerDelay = failure.answersAtOnce() ? 0 : (int) delay.toMillis();
				if (failure.status() == 0) {
					return WireMock.aResponse()
						.withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER)
						.withFixedDelay(answerDelay)
						.build();
				}
				return WireMock.aResponse().withStatus(failure.status()).withHeader("Content-Type", "text/html")
					.withBody("<html><body><h1>" + failure.status() + "</h1></body></html>")
					.withFixedDelay(answerDelay)
					.build();
			}
			return json(201, envelope(FakeOeb.this.assertionJson(assertion))).withFixedDelay((int) delay.toMillis()).build();
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

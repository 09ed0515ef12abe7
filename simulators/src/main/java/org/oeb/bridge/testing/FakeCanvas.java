package org.oeb.bridge.testing;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A WireMock Canvas LMS that answers the REST calls of a Canvas connector the way Canvas does
 * (see {@code shared/reference/canvas.md}): bearer tokens (personal or from a refresh-token grant
 * that issues no new refresh token), 401 with {@code WWW-Authenticate: Bearer realm="canvas-lms"}
 * only for token problems, {@code Link} header pagination (ordinal pages, or {@code first} /
 * {@code bookmark:} pages for submissions by {@code graded_at}), {@code per_page} clamped to 1..100,
 * {@code X-Request-Cost} and {@code X-Rate-Limit-Remaining} on token-authenticated answers, the
 * plain-text 403 (or 429) of the request throttle, the non-uniform 400 bodies of the endpoints,
 * and RS256-signed Live Events verifiable against a local JWKS.
 */
public final class FakeCanvas implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final String API = "/api/v1/";

	private static final String TOKEN_PATH = "/login/oauth2/token";

	private static final String JWKS_PATH = "/live-events/jwks";

	private static final String JSON_TYPE = "application/json; charset=utf-8";

	private static final String REQUEST_COST = "0.0264";

	private static final String CREATED_AT = "2024-01-10T09:30:12Z";

	private static final long GLOBAL_ID_OFFSET = 21070000000000000L;

	private static final String NOT_FOUND = "{\"errors\":[{\"message\":\"The specified resource does not exist.\"}]}";

	private static final String INTERNAL_ERROR = "{\"errors\":[{\"message\":\"An error occurred.\",\"error_code\":"
			+ "\"internal_server_error\"}],\"error_report_id\":81233407}";

	private static final String UNAUTHORIZED = "{\"status\":\"unauthorized\",\"errors\":[{\"message\":"
			+ "\"user not authorized to perform that action\"}]}";

	private static final String BULK_NOT_MODULE_BASED = "{\"error\":{\"message\":\"No progress available because this "
			+ "course is not module based (meaning, it does not have modules and module completion requirements).\"}}";

	private static final String USER_NOT_MODULE_BASED = "{\"error\":{\"message\":\"no progress available because this "
			+ "course is not module based (has modules and module completion requirements) or the user is not enrolled "
			+ "as a student in this course\"}}";

	/** {@code Api::ISO8601_REGEX}: date, time, optional fraction, optional zone. */
	private static final Pattern ISO8601 = Pattern.compile("^(-?[0-9]{4})-(1[0-2]|0[1-9])-(3[01]|0[1-9]|[12][0-9])"
			+ "T(2[0-3]|[01][0-9]):([0-5][0-9]):(60|[0-5][0-9])(\\.[0-9]+)?(Z|[+-](?:2[0-3]|[01][0-9])(?::?[0-5][0-9])?)?$");

	private static final Pattern COURSE_PATH = Pattern.compile("/api/v1/courses/([^/]+)(/.*)?");

	private static final Pattern USER_PROGRESS_PATH = Pattern.compile("/users/([^/]+)/progress");

	private static final DateTimeFormatter EVENT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
		.withZone(ZoneOffset.UTC);

	private final WireMockServer server;

	private final Set<String> personalTokens = ConcurrentHashMap.newKeySet();

	private final Map<String, OAuthClient> oauthClients = new ConcurrentHashMap<>();

	private final Map<String, IssuedToken> issuedTokens = new ConcurrentHashMap<>();

	private final Set<String> deniedCourses = ConcurrentHashMap.newKeySet();

	private volatile boolean emailsHidden;

	private final Map<String, Course> courses = new ConcurrentHashMap<>();

	private final Map<String, Map<String, Member>> members = new ConcurrentHashMap<>();

	private final Map<String, Scores> scores = new ConcurrentHashMap<>();

	private final Map<String, Submission> submissions = new ConcurrentHashMap<>();

	private final Map<String, Progress> progress = new ConcurrentHashMap<>();

	private final Map<String, Map<Long, Module>> modules = new ConcurrentHashMap<>();

	private final Map<String, ModuleProgress> moduleProgress = new ConcurrentHashMap<>();

	private final AtomicLong enrollmentIds = new AtomicLong(9000);

	private final AtomicLong submissionIds = new AtomicLong(99100);

	private volatile double rateLimitRemaining = 700.0;

	private final AtomicInteger throttledCalls = new AtomicInteger();

	private volatile boolean throttleAs429;

	private final ConcurrentLinkedQueue<CallFault> callFaults = new ConcurrentLinkedQueue<>();

	private final List<PageFault> pageFaults = new CopyOnWriteArrayList<>();

	private final List<PageRepeat> pageRepeats = new CopyOnWriteArrayList<>();

	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicInteger maxInFlight = new AtomicInteger();

	private final List<SigningKey> signingKeys = new CopyOnWriteArrayList<>();

	private volatile SigningKey unpublishedKey;

	private FakeCanvas() {
		this.server = new WireMockServer(
				WireMockConfiguration.options().dynamicPort().containerThreads(32).extensions(new Behaviour()));
	}

	/** Starts a Canvas on a free port, with one Live Events signing key. */
	public static FakeCanvas start() {
		FakeCanvas canvas = new FakeCanvas();
		canvas.server.start();
		canvas.server.stubFor(WireMock.any(WireMock.anyUrl())
			.willReturn(WireMock.aResponse().withStatus(404).withHeader("Content-Type", JSON_TYPE).withBody(NOT_FOUND)));
		return canvas;
	}

	/** The base URL, e.g. {@code http://localhost:1234} (no trailing slash). */
	public String url() {
		return this.server.baseUrl();
	}

	/** The WireMock server, for verifying what was received. */
	public WireMockServer wireMock() {
		return this.server;
	}

	@Override
	public void close() {
		this.server.stop();
	}

	// auth

	/** A valid bearer token that never expires (a manually generated access token). */
	public FakeCanvas accessToken(String token) {
		this.personalTokens.add(token);
		return this;
	}

	/**
	 * A developer key with a refresh token: {@code POST /login/oauth2/token} with
	 * {@code grant_type=refresh_token} issues access tokens valid for {@code accessTokenLifetime}.
	 */
	public FakeCanvas oauthClient(String clientId, String clientSecret, String refreshToken,
			Duration accessTokenLifetime) {
		this.oauthClients.put(clientId, new OAuthClient(clientSecret, refreshToken, accessTokenLifetime));
		return this;
	}

	/** Every OAuth access token issued so far answers 401 "Invalid access token." from now on. */
	public FakeCanvas revokeAccessTokens() {
		this.issuedTokens.replaceAll((token, issued) -> issued.revoke());
		return this;
	}

	/** Requests received by the token endpoint (also refused ones). */
	public int tokenRequestCount() {
		return this.server.findAll(WireMock.anyRequestedFor(WireMock.urlPathEqualTo(TOKEN_PATH))).size();
	}

	/** Calls for this course answer 403 {@code status: unauthorized} (no {@code WWW-Authenticate}). */
	public FakeCanvas denyPermission(String course) {
		this.deniedCourses.add(course);
		return this;
	}

	/** Users omit {@code email} (no read_email_addresses, or {@code include[]} ignored for a scoped key). */
	public FakeCanvas hideEmails(boolean hidden) {
		this.emailsHidden = hidden;
		return this;
	}

	// data

	/** A course; {@code moduleBased=false} makes progress endpoints answer Canvas's "not module based" 400. */
	public FakeCanvas course(String id, String name, boolean moduleBased) {
		this.courses.put(id, new Course(id, Long.parseLong(id), name, moduleBased));
		this.members.computeIfAbsent(id, (key) -> new ConcurrentHashMap<>());
		return this;
	}

	/** A user with an active StudentEnrollment in the course. */
	public FakeCanvas student(String course, String userId, String name, String email) {
		return enrol(course, userId, name, email, "StudentEnrollment");
	}

	/** A user with an active TeacherEnrollment in the course (not listed for {@code enrollment_type[]=student}). */
	public FakeCanvas teacher(String course, String userId, String name, String email) {
		return enrol(course, userId, name, email, "TeacherEnrollment");
	}

	private FakeCanvas enrol(String course, String userId, String name, String email, String type) {
		Map<String, Member> roster = this.members.computeIfAbsent(course, (key) -> new ConcurrentHashMap<>());
		Member previous = roster.get(userId);
		long enrollmentId = (previous != null) ? previous.enrollmentId() : this.enrollmentIds.incrementAndGet();
		roster.put(userId, new Member(userId, Long.parseLong(userId), name, email, type, enrollmentId));
		return this;
	}

	/** The computed scores of a student enrollment ({@code overrideScore} null = no override). */
	public FakeCanvas scores(String course, String userId, Double currentScore, Double finalScore, Double overrideScore,
			Double unpostedFinalScore) {
		this.scores.put(course + "/" + userId, new Scores(currentScore, finalScore, overrideScore, unpostedFinalScore));
		return this;
	}

	/** A graded submission; grading the same assignment again replaces it (same submission id). */
	public FakeCanvas graded(String course, String userId, long assignmentId, double score, Instant gradedAt,
			boolean posted) {
		this.submissions.compute(course + "/" + userId + "/" + assignmentId, (key, previous) -> new Submission(
				(previous != null) ? previous.id() : this.submissionIds.incrementAndGet(), course, Long.parseLong(userId),
				assignmentId, score, gradedAt, posted));
		return this;
	}

	/** Course progress of a student; {@code completedAt} stays null until all requirements are met. */
	public FakeCanvas progress(String course, String userId, int requirementCount, int completedCount,
			Instant completedAt) {
		this.progress.put(course + "/" + userId, new Progress(requirementCount, completedCount, completedAt));
		return this;
	}

	/** A module of the course and its state for one student: locked, unlocked, started or completed. */
	public FakeCanvas moduleState(String course, String userId, long moduleId, String name, String state,
			Instant completedAt) {
		Map<Long, Module> list = this.modules.computeIfAbsent(course, (key) -> new ConcurrentHashMap<>());
		synchronized (list) {
			Module existing = list.get(moduleId);
			list.put(moduleId, new Module(moduleId, name, (existing != null) ? existing.position() : list.size() + 1));
		}
		this.moduleProgress.put(course + "/" + userId + "/" + moduleId, new ModuleProgress(state, completedAt));
		return this;
	}

	// behaviour / faults

	/** {@code X-Rate-Limit-Remaining} on every token-authenticated answer (default 700.0). */
	public FakeCanvas rateLimitRemaining(double remaining) {
		this.rateLimitRemaining = remaining;
		return this;
	}

	/** The next {@code calls} API calls are throttled: 403 text/plain, or 429 when {@code as429}. */
	public FakeCanvas throttleNext(int calls, boolean as429) {
		this.throttleAs429 = as429;
		this.throttledCalls.set(calls);
		return this;
	}

	/** The next {@code calls} API calls whose path contains the text answer {@code status} with Canvas's error body. */
	public FakeCanvas failNext(String pathContains, int calls, int status) {
		this.callFaults.add(new CallFault(pathContains, new AtomicInteger(calls), status));
		return this;
	}

	/** The page with this 1-based index of collections whose path contains the text always fails with {@code status}. */
	public FakeCanvas failPage(String pathContains, int page, int status) {
		this.pageFaults.add(new PageFault(pathContains, page, status));
		return this;
	}

	/** Every page fault, page repeat and pending call fault is gone: Canvas answers normally again. */
	public FakeCanvas clearFaults() {
		this.callFaults.clear();
		this.pageFaults.clear();
		this.pageRepeats.clear();
		return this;
	}

	/** The {@code rel="next"} link of that page points back to the page itself. */
	public FakeCanvas repeatPage(String pathContains, int page) {
		this.pageRepeats.add(new PageRepeat(pathContains, page));
		return this;
	}

	/** API calls received ({@code /api/v1/...}) in arrival order, optionally only those whose path contains the text. */
	public List<LoggedRequest> calls(String pathContains) {
		return this.server.findAll(WireMock.anyRequestedFor(WireMock.urlPathMatching("/api/v1/.*")))
			.stream()
			.filter((request) -> pathContains == null || path(request.getUrl()).contains(pathContains))
			.toList();
	}

	/** Forgets the requests received (API calls, token and JWKS requests). */
	public void resetCalls() {
		this.server.resetRequests();
	}

	/** The highest number of API calls in flight at once so far (each API call takes at least ~5 ms). */
	public int maxConcurrentCalls() {
		return this.maxInFlight.get();
	}

	// Live Events

	/** Where the public keys of the Live Events signatures are served. */
	public String jwksUrl() {
		return url() + JWKS_PATH;
	}

	/** JWKS requests received. */
	public int jwksRequestCount() {
		return this.server.findAll(WireMock.getRequestedFor(WireMock.urlPathEqualTo(JWKS_PATH))).size();
	}

	/** A new current signing key with a new kid; the JWKS lists the previous and the new key. */
	public FakeCanvas rotateSigningKey() {
		currentKey();
		this.signingKeys.add(newKey());
		return this;
	}

	/** Compact RS256 JWS of the event, signed by the current key; claims get {@code iat} and {@code exp} (now + 5 min). */
	public String signedEvent(String eventJson) {
		Instant now = Instant.now();
		return sign(currentKey(), claims(eventJson, now, now.plus(Duration.ofMinutes(5))));
	}

	/** Like {@link #signedEvent} but signed by a key that is never published in the JWKS. */
	public String signedEventWithUnknownKey(String eventJson) {
		Instant now = Instant.now();
		return sign(unpublishedKey(), claims(eventJson, now, now.plus(Duration.ofMinutes(5))));
	}

	/** An {@code alg: none} JWS of the event: header and claims, empty signature. */
	public String unsignedEvent(String eventJson) {
		Instant now = Instant.now();
		ObjectNode header = JSON.createObjectNode();
		header.put("alg", "none");
		return base64url(JSON.writeValueAsBytes(header)) + "."
				+ base64url(JSON.writeValueAsBytes(claims(eventJson, now, now.plus(Duration.ofMinutes(5))))) + ".";
	}

	/** A properly signed event whose {@code exp} lies one hour in the past. */
	public String expiredEvent(String eventJson) {
		Instant expired = Instant.now().minus(Duration.ofHours(1));
		return sign(currentKey(), claims(eventJson, expired.minus(Duration.ofMinutes(5)), expired));
	}

	/**
	 * A Canvas-format {@code course_completed} event: job-originated metadata, local string ids, a
	 * placeholder course name and user name/email (Student {@code userId}, student{@code userId}@example.edu).
	 */
	public static String courseCompletedEvent(String rootAccountUuid, String courseId, String userId,
			Instant completedAt) {
		ObjectNode event = JSON.createObjectNode();
		ObjectNode metadata = event.putObject("metadata");
		metadata.put("event_name", "course_completed");
		metadata.put("event_time", EVENT_TIME.format(Instant.now()));
		metadata.put("job_id", "1020020528469291");
		metadata.put("job_tag", "ContextModuleProgression#evaluate!");
		metadata.put("producer", "canvas");
		metadata.put("root_account_id", String.valueOf(GLOBAL_ID_OFFSET + 1));
		metadata.put("root_account_lti_guid", rootAccountUuid + ".canvas.example.edu");
		metadata.put("root_account_uuid", rootAccountUuid);
		ObjectNode body = event.putObject("body");
		ObjectNode course = body.putObject("course");
		course.put("account_id", "1");
		course.put("id", courseId);
		course.put("name", "Course " + courseId);
		course.putNull("sis_source_id");
		ObjectNode progress = body.putObject("progress");
		if (completedAt == null) {
			progress.putNull("completed_at");
		}
		else {
			progress.put("completed_at", EVENT_TIME.format(completedAt));
		}
		progress.putNull("next_requirement_url");
		progress.put("requirement_completed_count", 6);
		progress.put("requirement_count", 6);
		ObjectNode user = body.putObject("user");
		user.put("email", "student" + userId + "@example.edu");
		user.put("id", userId);
		user.put("name", "Student " + userId);
		return JSON.writeValueAsString(event);
	}

	/**
	 * A Canvas-format {@code grade_change} event (request-originated metadata of a teacher grading, context the
	 * course) with global string ids ({@code 21070000000000000 + local}); assignment 355, submission 11086 and
	 * grader 987 (local) are fixed.
	 */
	public static String gradeChangeEvent(String rootAccountUuid, String courseLocalId, String userLocalId) {
		String student = global(userLocalId);
		ObjectNode event = JSON.createObjectNode();
		ObjectNode metadata = event.putObject("metadata");
		metadata.put("client_ip", "93.184.216.34");
		metadata.put("context_account_id", global("1"));
		metadata.put("context_id", global(courseLocalId));
		metadata.put("context_role", "TeacherEnrollment");
		metadata.putNull("context_sis_source_id");
		metadata.put("context_type", "Course");
		metadata.put("event_name", "grade_change");
		metadata.put("event_time", EVENT_TIME.format(Instant.now()));
		metadata.put("hostname", "canvas.example.edu");
		metadata.put("http_method", "PUT");
		metadata.put("producer", "canvas");
		metadata.putNull("referrer");
		metadata.put("request_id", UUID.randomUUID().toString());
		metadata.put("root_account_id", global("1"));
		metadata.put("root_account_lti_guid", rootAccountUuid + ".canvas.example.edu");
		metadata.put("root_account_uuid", rootAccountUuid);
		metadata.put("session_id", HexFormat.of().formatHex(randomBytes(16)));
		metadata.put("time_zone", "Europe/Berlin");
		metadata.put("url", "https://canvas.example.edu/api/v1/courses/" + courseLocalId
				+ "/assignments/355/submissions/" + userLocalId);
		metadata.put("user_account_id", global("1"));
		metadata.put("user_agent", "Mozilla/5.0");
		metadata.put("user_id", global("987"));
		metadata.put("user_login", "teacher@example.edu");
		metadata.putNull("user_sis_id");
		ObjectNode body = event.putObject("body");
		body.put("assignment_id", global("355"));
		body.put("assignment_name", "Quiz 1");
		body.put("grade", "8");
		body.put("old_grade", "5");
		body.put("score", 8.0);
		body.put("old_score", 5.0);
		body.put("points_possible", 10.0);
		body.put("old_points_possible", 10.0);
		body.put("grader_id", global("987"));
		body.put("grading_complete", true);
		body.put("muted", false);
		body.put("student_id", student);
		body.putNull("student_sis_id");
		body.put("submission_id", global("11086"));
		body.put("user_id", student);
		return JSON.writeValueAsString(event);
	}

	private static String global(String localId) {
		return String.valueOf(GLOBAL_ID_OFFSET + Long.parseLong(localId));
	}

	private synchronized SigningKey currentKey() {
		if (this.signingKeys.isEmpty()) {
			this.signingKeys.add(newKey());
		}
		return this.signingKeys.get(this.signingKeys.size() - 1);
	}

	private synchronized SigningKey unpublishedKey() {
		if (this.unpublishedKey == null) {
			this.unpublishedKey = newKey();
		}
		return this.unpublishedKey;
	}

	private static SigningKey newKey() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048, RANDOM);
			return new SigningKey("canvas-" + HexFormat.of().formatHex(randomBytes(8)), generator.generateKeyPair());
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static ObjectNode claims(String eventJson, Instant issuedAt, Instant expires) {
		JsonNode event = JSON.readTree(eventJson);
		if (!event.isObject()) {
			throw new IllegalArgumentException("An event must be a JSON object");
		}
		ObjectNode claims = (ObjectNode) event;
		claims.put("iat", issuedAt.getEpochSecond());
		claims.put("exp", expires.getEpochSecond());
		return claims;
	}

	private static String sign(SigningKey key, ObjectNode claims) {
		ObjectNode header = JSON.createObjectNode();
		header.put("alg", "RS256");
		header.put("kid", key.kid());
		header.put("typ", "JWT");
		String input = base64url(JSON.writeValueAsBytes(header)) + "." + base64url(JSON.writeValueAsBytes(claims));
		try {
			Signature signature = Signature.getInstance("SHA256withRSA");
			signature.initSign(key.pair().getPrivate());
			signature.update(input.getBytes(StandardCharsets.US_ASCII));
			return input + "." + base64url(signature.sign());
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private ObjectNode jwks() {
		ObjectNode jwks = JSON.createObjectNode();
		ArrayNode keys = jwks.putArray("keys");
		currentKey();
		List<SigningKey> all = List.copyOf(this.signingKeys);
		for (SigningKey key : all.subList(Math.max(0, all.size() - 2), all.size())) {
			RSAPublicKey publicKey = (RSAPublicKey) key.pair().getPublic();
			ObjectNode jwk = keys.addObject();
			jwk.put("kty", "RSA");
			jwk.put("kid", key.kid());
			jwk.put("alg", "RS256");
			jwk.put("use", "sig");
			jwk.put("n", base64url(unsigned(publicKey.getModulus())));
			jwk.put("e", base64url(unsigned(publicKey.getPublicExponent())));
		}
		return jwks;
	}

	private static byte[] unsigned(BigInteger value) {
		byte[] bytes = value.toByteArray();
		return (bytes.length > 1 && bytes[0] == 0) ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
	}

	private static String base64url(byte[] bytes) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	private static byte[] randomBytes(int count) {
		byte[] bytes = new byte[count];
		RANDOM.nextBytes(bytes);
		return bytes;
	}

	private static String path(String url) {
		int query = url.indexOf('?');
		return (query < 0) ? url : url.substring(0, query);
	}

	private static String decode(String text) {
		try {
			return URLDecoder.decode(text, StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			return text;
		}
	}

	private static String encode(String text) {
		return URLEncoder.encode(text, StandardCharsets.UTF_8);
	}

	/** REST timestamps: seconds, UTC, as Canvas's API JSON has them. */
	private static String time(Instant instant) {
		return instant.truncatedTo(ChronoUnit.SECONDS).toString();
	}

	private static void putTime(ObjectNode node, String name, Instant instant) {
		if (instant == null) {
			node.putNull(name);
		}
		else {
			node.put(name, time(instant));
		}
	}

	record Course(String id, long numericId, String name, boolean moduleBased) {
	}

	record Member(String userId, long id, String name, String email, String type, long enrollmentId) {

		boolean student() {
			return "StudentEnrollment".equals(this.type);
		}

		String sortableName() {
			int space = this.name.trim().lastIndexOf(' ');
			return (space < 0) ? this.name : this.name.substring(space + 1) + ", " + this.name.substring(0, space);
		}

		String loginId() {
			return (this.email != null && this.email.contains("@")) ? this.email.substring(0, this.email.indexOf('@'))
					: "user" + this.userId;
		}

	}

	record Scores(Double current, Double finalScore, Double override, Double unpostedFinal) {
	}

	record Submission(long id, String course, long userId, long assignmentId, double score, Instant gradedAt,
			boolean posted) {
	}

	record Progress(int requirementCount, int completedCount, Instant completedAt) {
	}

	record Module(long id, String name, int position) {
	}

	record ModuleProgress(String state, Instant completedAt) {
	}

	record OAuthClient(String secret, String refreshToken, Duration lifetime) {
	}

	record IssuedToken(Instant expiresAt, boolean revoked) {

		IssuedToken revoke() {
			return new IssuedToken(this.expiresAt, true);
		}

	}

	record SigningKey(String kid, KeyPair pair) {
	}

	record CallFault(String pathContains, AtomicInteger remaining, int status) {
	}

	record PageFault(String pathContains, int page, int status) {
	}

	record PageRepeat(String pathContains, int page) {
	}

	/** Query parameters as Rails parses them: {@code name[]} collects values, a plain name keeps the last. */
	record Query(Map<String, List<String>> values) {

		static Query parse(String url) {
			Map<String, List<String>> values = new LinkedHashMap<>();
			int start = url.indexOf('?');
			if (start >= 0) {
				for (String pair : url.substring(start + 1).split("&")) {
					if (pair.isEmpty()) {
						continue;
					}
					int eq = pair.indexOf('=');
					String name = decode((eq < 0) ? pair : pair.substring(0, eq));
					String value = (eq < 0) ? "" : decode(pair.substring(eq + 1));
					values.computeIfAbsent(name, (key) -> new ArrayList<>()).add(value);
				}
			}
			return new Query(values);
		}

		String last(String name) {
			List<String> list = this.values.get(name);
			return (list == null || list.isEmpty()) ? null : list.get(list.size() - 1);
		}

		List<String> all(String name) {
			return this.values.getOrDefault(name, List.of());
		}

		boolean has(String name) {
			return this.values.containsKey(name);
		}

		/** Rails {@code to_query} without page, per_page and credentials: one entry per name, entries sorted. */
		String echo() {
			List<String> entries = new ArrayList<>();
			this.values.forEach((name, list) -> {
				if (Set.of("page", "per_page", "access_token", "api_key").contains(name)) {
					return;
				}
				if (name.endsWith("[]")) {
					entries.add(String.join("&", list.stream().map((value) -> encode(name) + "=" + encode(value)).toList()));
				}
				else {
					entries.add(encode(name) + "=" + encode(list.get(list.size() - 1)));
				}
			});
			entries.sort(Comparator.naturalOrder());
			return String.join("&", entries);
		}

	}

	/** One API call being answered. */
	record Call(String path, Query query) {

		int perPage() {
			return (int) Math.max(1, Math.min(100, number(this.query.last("per_page"), 10)));
		}

		int ordinalPage() {
			return (int) Math.max(1, Math.min(Integer.MAX_VALUE, number(this.query.last("page"), 1)));
		}

		private static long number(String value, long absent) {
			if (value == null) {
				return absent;
			}
			Matcher digits = Pattern.compile("^\\s*([+-]?[0-9]+)").matcher(value);
			if (!digits.find()) {
				return 0;
			}
			try {
				return Long.parseLong(digits.group(1));
			}
			catch (NumberFormatException ex) {
				return digits.group(1).startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE;
			}
		}

	}

	private final class Behaviour implements ResponseDefinitionTransformerV2 {

		@Override
		public String getName() {
			return "canvas";
		}

		@Override
		public ResponseDefinition transform(ServeEvent event) {
			LoggedRequest request = event.getRequest();
			String path = path(request.getUrl());
			if (path.equals(TOKEN_PATH)) {
				return token(request).build();
			}
			if (path.equals(JWKS_PATH) && "GET".equals(request.getMethod().getName())) {
				return json(200, JSON.writeValueAsString(jwks())).build();
			}
			if (!path.startsWith(API)) {
				return event.getResponseDefinition();
			}
			int now = FakeCanvas.this.inFlight.incrementAndGet();
			FakeCanvas.this.maxInFlight.accumulateAndGet(now, Math::max);
			try {
				Thread.sleep(5);
				return api(request, path).build();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return json(500, INTERNAL_ERROR).build();
			}
			finally {
				FakeCanvas.this.inFlight.decrementAndGet();
			}
		}

		private ResponseDefinitionBuilder api(LoggedRequest request, String path) {
			if (FakeCanvas.this.throttledCalls.getAndUpdate((left) -> Math.max(0, left - 1)) > 0) {
				boolean as429 = FakeCanvas.this.throttleAs429;
				return WireMock.aResponse()
					.withStatus(as429 ? 429 : 403)
					.withHeader("Content-Type", "text/plain; charset=utf-8")
					.withHeader("X-Rate-Limit-Remaining", "0.0")
					.withBody(as429 ? "429 Too Many Requests (Rate Limit Exceeded)" : "403 Forbidden (Rate Limit Exceeded)\n");
			}
			Query query = Query.parse(request.getUrl());
			ResponseDefinitionBuilder refused = authenticate(request, query);
			if (refused != null) {
				return refused;
			}
			ResponseDefinitionBuilder answer = faultOrAnswer(new Call(path, query), request);
			return answer.withHeader("X-Request-Cost", REQUEST_COST)
				.withHeader("X-Rate-Limit-Remaining", Double.toString(FakeCanvas.this.rateLimitRemaining));
		}

		private ResponseDefinitionBuilder faultOrAnswer(Call call, LoggedRequest request) {
			for (CallFault fault : FakeCanvas.this.callFaults) {
				if (call.path().contains(fault.pathContains())
						&& fault.remaining().getAndUpdate((left) -> Math.max(0, left - 1)) > 0) {
					return json(fault.status(), INTERNAL_ERROR);
				}
			}
			if (!"GET".equals(request.getMethod().getName())) {
				return json(404, NOT_FOUND);
			}
			if (call.path().equals("/api/v1/users/self")) {
				return json(200, "{\"id\":1,\"name\":\"Connector\",\"created_at\":\"" + CREATED_AT
						+ "\",\"sortable_name\":\"Connector\",\"short_name\":\"Connector\",\"login_id\":\"connector\"}");
			}
			Matcher matcher = COURSE_PATH.matcher(call.path());
			if (!matcher.matches()) {
				return json(404, NOT_FOUND);
			}
			String courseId = decode(matcher.group(1));
			Course course = FakeCanvas.this.courses.get(courseId);
			if (course == null) {
				return json(404, NOT_FOUND);
			}
			if (FakeCanvas.this.deniedCourses.contains(courseId)) {
				return json(403, UNAUTHORIZED);
			}
			String rest = (matcher.group(2) != null) ? matcher.group(2) : "";
			Matcher userProgress = USER_PROGRESS_PATH.matcher(rest);
			if (userProgress.matches()) {
				return userProgress(course, decode(userProgress.group(1)));
			}
			return switch (rest) {
				case "", "/" -> json(200, JSON.writeValueAsString(courseJson(course)));
				case "/users" -> users(call, course);
				case "/enrollments" -> enrollments(call, course);
				case "/students/submissions" -> submissions(call, course);
				case "/bulk_user_progress" -> bulkProgress(call, course);
				case "/modules" -> modules(call, course);
				default -> json(404, NOT_FOUND);
			};
		}

		/** {@code null} when the bearer token (or {@code access_token} parameter) is valid. */
		private ResponseDefinitionBuilder authenticate(LoggedRequest request, Query query) {
			String token = null;
			String header = request.getHeader("Authorization");
			if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
				token = header.substring(7).trim();
			}
			else if (query.last("access_token") != null) {
				token = query.last("access_token");
			}
			if (token == null || token.isEmpty()) {
				return unauthenticated(
						"{\"status\":\"unauthenticated\",\"errors\":[{\"message\":\"user authorization required\"}]}");
			}
			if (FakeCanvas.this.personalTokens.contains(token)) {
				return null;
			}
			IssuedToken issued = FakeCanvas.this.issuedTokens.get(token);
			if (issued == null || issued.revoked()) {
				return unauthenticated("{\"errors\":[{\"message\":\"Invalid access token.\"}]}");
			}
			if (!issued.expiresAt().isAfter(Instant.now())) {
				return unauthenticated("{\"errors\":[{\"message\":\"Expired access token.\",\"expired_at\":\""
						+ time(issued.expiresAt()) + "\"}]}");
			}
			return null;
		}

		private ResponseDefinitionBuilder unauthenticated(String body) {
			return json(401, body).withHeader("WWW-Authenticate", "Bearer realm=\"canvas-lms\"");
		}

		/** {@code grant_type=refresh_token}; client credentials in the form or as HTTP Basic. */
		private ResponseDefinitionBuilder token(LoggedRequest request) {
			if (!"POST".equals(request.getMethod().getName())) {
				return json(404, NOT_FOUND);
			}
			Map<String, String> form = new LinkedHashMap<>();
			Query.parse(request.getUrl()).values().forEach((name, list) -> form.put(name, list.get(list.size() - 1)));
			String contentType = request.getHeader("Content-Type");
			if (contentType != null && contentType.startsWith("application/x-www-form-urlencoded")) {
				Query.parse("?" + request.getBodyAsString()).values()
					.forEach((name, list) -> form.put(name, list.get(list.size() - 1)));
			}
			String authorization = request.getHeader("Authorization");
			if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
				try {
					String pair = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
							StandardCharsets.UTF_8);
					int colon = pair.indexOf(':');
					if (colon > 0) {
						form.putIfAbsent("client_id", pair.substring(0, colon));
						form.putIfAbsent("client_secret", pair.substring(colon + 1));
					}
				}
				catch (IllegalArgumentException ex) {
					// not Basic credentials; the grant fails below
				}
			}
			if (!"refresh_token".equals(form.get("grant_type"))) {
				return json(400, "{\"error\":\"unsupported_grant_type\",\"error_description\":"
						+ "\"The grant_type provided is not supported\"}");
			}
			OAuthClient client = (form.get("client_id") != null) ? FakeCanvas.this.oauthClients.get(form.get("client_id"))
					: null;
			if (client == null || !client.secret().equals(form.get("client_secret"))
					|| !client.refreshToken().equals(form.get("refresh_token"))) {
				return json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"refresh_token not found\"}");
			}
			String accessToken = "1~" + base64url(randomBytes(36));
			FakeCanvas.this.issuedTokens.put(accessToken, new IssuedToken(Instant.now().plus(client.lifetime()), false));
			return json(200, "{\"access_token\":\"" + accessToken + "\",\"token_type\":\"Bearer\",\"user\":{\"id\":1,"
					+ "\"name\":\"Connector\"},\"expires_in\":" + client.lifetime().toSeconds() + "}");
		}

		// endpoints

		private ResponseDefinitionBuilder users(Call call, Course course) {
			Set<String> types = new HashSet<>();
			List<String> requested = new ArrayList<>(call.query().all("enrollment_type[]"));
			if (call.query().last("enrollment_type") != null) {
				requested.add(call.query().last("enrollment_type"));
			}
			for (String type : requested) {
				types.add(enrollmentType(type));
			}
			boolean withEnrollments = call.query().all("include[]").contains("enrollments");
			List<ObjectNode> users = roster(course).stream()
				.filter((member) -> types.isEmpty() || types.contains(member.type()))
				.map((member) -> {
					ObjectNode user = userJson(member, !FakeCanvas.this.emailsHidden);
					if (withEnrollments) {
						user.putArray("enrollments").add(enrollmentJson(course, member, false, false));
					}
					return user;
				})
				.toList();
			return ordinal(call, users, false);
		}

		private ResponseDefinitionBuilder enrollments(Call call, Course course) {
			List<String> types = new ArrayList<>(call.query().all("type[]"));
			if (call.query().last("type") != null) {
				types.add(call.query().last("type"));
			}
			List<String> states = call.query().all("state[]");
			String userId = call.query().last("user_id");
			boolean withEmail = !FakeCanvas.this.emailsHidden && call.query().all("include[]").contains("email");
			List<ObjectNode> enrollments = roster(course).stream()
				.filter((member) -> types.isEmpty() || types.contains(member.type()))
				.filter((member) -> states.isEmpty() || states.contains("active"))
				.filter((member) -> userId == null || member.userId().equals(userId))
				.map((member) -> enrollmentJson(course, member, true, withEmail))
				.toList();
			return ordinal(call, enrollments, false);
		}

		private ResponseDefinitionBuilder submissions(Call call, Course course) {
			Instant gradedSince = null;
			Instant submittedSince = null;
			if (call.query().has("graded_since")) {
				gradedSince = iso8601(call.query().last("graded_since"));
				if (gradedSince == null) {
					return json(400, "{\"errors\":{\"graded_since\":\"Invalid datetime for graded_since\"}}");
				}
			}
			if (call.query().has("submitted_since")) {
				submittedSince = iso8601(call.query().last("submitted_since"));
				if (submittedSince == null) {
					return json(400, "{\"errors\":{\"submitted_since\":\"Invalid datetime for submitted_since\"}}");
				}
			}
			List<String> studentIds = call.query().all("student_ids[]");
			if (!studentIds.contains("all") && studentIds.size() > 100) {
				return json(400, "{\"error\":\"too many students\"}");
			}
			List<String> assignmentIds = call.query().all("assignment_ids[]");
			String workflowState = call.query().last("workflow_state");
			boolean byGradedAt = "graded_at".equals(call.query().last("order"));
			Instant since = gradedSince;
			Instant submittedAfter = submittedSince;
			Comparator<Submission> order = byGradedAt
					? Comparator.comparing(Submission::gradedAt).thenComparingLong(Submission::id)
					: Comparator.comparingLong(Submission::id);
			// without student_ids[] Canvas answers the calling user's own submissions: the connector has none
			List<Submission> all = FakeCanvas.this.submissions.values().stream()
				.filter((submission) -> submission.course().equals(course.id()))
				.filter((submission) -> studentIds.contains("all")
						|| studentIds.contains(String.valueOf(submission.userId())))
				.filter((submission) -> assignmentIds.isEmpty()
						|| assignmentIds.contains(String.valueOf(submission.assignmentId())))
				.filter((submission) -> workflowState == null || "graded".equals(workflowState))
				.filter((submission) -> since == null || submission.gradedAt().isAfter(since))
				.filter((submission) -> submittedAfter == null || submittedAt(submission).isAfter(submittedAfter))
				.sorted(order)
				.toList();
			String token = call.query().last("page");
			String current = (token != null) ? token : "first";
			int start = 0;
			if (token != null && token.startsWith("bookmark:")) {
				Submission mark = bookmark(token.substring("bookmark:".length()), byGradedAt);
				if (mark != null) {
					while (start < all.size() && order.compare(all.get(start), mark) <= 0) {
						start++;
					}
				}
			}
			int perPage = call.perPage();
			int index = start / perPage + 1;
			ResponseDefinitionBuilder failed = pageFault(call, index);
			if (failed != null) {
				return failed;
			}
			List<Submission> shown = all.subList(start, Math.min(all.size(), start + perPage));
			List<String> links = new ArrayList<>();
			links.add(link(call, current, "current"));
			if (repeats(call, index)) {
				links.add(link(call, current, "next"));
			}
			else if (start + perPage < all.size()) {
				Submission last = shown.get(shown.size() - 1);
				ArrayNode key = JSON.createArrayNode();
				if (byGradedAt) {
					key.add(last.gradedAt().toString());
				}
				key.add(last.id());
				links.add(link(call, "bookmark:" + base64url(JSON.writeValueAsBytes(key)), "next"));
			}
			links.add(link(call, "first", "first"));
			ArrayNode body = JSON.createArrayNode();
			shown.forEach((submission) -> body.add(submissionJson(course, submission)));
			return json(200, JSON.writeValueAsString(body)).withHeader("Link", String.join(",", links));
		}

		/** A submission standing for a decoded bookmark, or null when the bookmark is not valid (first page then). */
		private Submission bookmark(String encoded, boolean byGradedAt) {
			try {
				JsonNode key = JSON.readTree(Base64.getUrlDecoder().decode(encoded));
				if (byGradedAt && key.isArray() && key.size() == 2 && key.get(0).isString()
						&& key.get(1).isIntegralNumber()) {
					return new Submission(key.get(1).asLong(), "", 0, 0, 0, Instant.parse(key.get(0).asString()), false);
				}
				if (!byGradedAt && key.isArray() && key.size() == 1 && key.get(0).isIntegralNumber()) {
					return new Submission(key.get(0).asLong(), "", 0, 0, 0, Instant.EPOCH, false);
				}
				return null;
			}
			catch (RuntimeException ex) {
				return null;
			}
		}

		private ResponseDefinitionBuilder bulkProgress(Call call, Course course) {
			if (!course.moduleBased()) {
				return json(400, BULK_NOT_MODULE_BASED);
			}
			List<ObjectNode> rows = roster(course).stream()
				.filter(Member::student)
				.map((member) -> {
					ObjectNode row = JSON.createObjectNode();
					row.put("id", member.id());
					row.put("anonymous_id", Long.toString(member.id(), 36));
					row.put("display_name", member.name());
					row.put("avatar_image_url", url() + "/images/messages/avatar-50.png");
					row.put("html_url", url() + "/courses/" + course.id() + "/users/" + member.id());
					row.putNull("pronouns");
					row.set("progress", progressJson(course, member));
					return row;
				})
				.toList();
			return ordinal(call, rows, true);
		}

		private ResponseDefinitionBuilder userProgress(Course course, String userId) {
			Member member = FakeCanvas.this.members.getOrDefault(course.id(), Map.of()).get(userId);
			if (!course.moduleBased() || member == null || !member.student()) {
				return json(400, USER_NOT_MODULE_BASED);
			}
			return json(200, JSON.writeValueAsString(progressJson(course, member)));
		}

		private ResponseDefinitionBuilder modules(Call call, Course course) {
			if (!course.moduleBased()) {
				return ordinal(call, List.of(), true);
			}
			String studentId = call.query().last("student_id");
			boolean withItems = call.query().all("include[]").contains("items");
			List<ObjectNode> list = FakeCanvas.this.modules.getOrDefault(course.id(), Map.of()).values().stream()
				.sorted(Comparator.comparingInt(Module::position))
				.map((module) -> moduleJson(course, module, studentId, withItems))
				.toList();
			return ordinal(call, list, true);
		}

		// JSON

		private ObjectNode courseJson(Course course) {
			ObjectNode node = JSON.createObjectNode();
			node.put("id", course.numericId());
			node.put("name", course.name());
			node.put("course_code", "C" + course.id());
			node.put("account_id", 1);
			node.put("root_account_id", 1);
			node.put("enrollment_term_id", 1);
			node.put("workflow_state", "available");
			node.putNull("start_at");
			node.putNull("end_at");
			node.put("created_at", CREATED_AT);
			node.putNull("sis_course_id");
			node.put("default_view", course.moduleBased() ? "modules" : "assignments");
			node.put("time_zone", "Europe/Berlin");
			return node;
		}

		private ObjectNode userJson(Member member, boolean withEmail) {
			ObjectNode user = JSON.createObjectNode();
			user.put("id", member.id());
			user.put("name", member.name());
			user.put("created_at", CREATED_AT);
			user.put("sortable_name", member.sortableName());
			user.put("short_name", member.name());
			user.putNull("sis_user_id");
			user.putNull("integration_id");
			user.put("login_id", member.loginId());
			if (withEmail) {
				if (member.email() == null) {
					user.putNull("email");
				}
				else {
					user.put("email", member.email());
				}
			}
			return user;
		}

		private ObjectNode enrollmentJson(Course course, Member member, boolean withUser, boolean withEmail) {
			ObjectNode enrollment = JSON.createObjectNode();
			enrollment.put("id", member.enrollmentId());
			enrollment.put("user_id", member.id());
			enrollment.put("course_id", course.numericId());
			enrollment.put("type", member.type());
			enrollment.put("role", member.type());
			enrollment.put("role_id", member.student() ? 3 : 4);
			enrollment.put("course_section_id", course.numericId() + 100000);
			enrollment.put("root_account_id", 1);
			enrollment.putNull("associated_user_id");
			enrollment.put("limit_privileges_to_course_section", false);
			enrollment.put("enrollment_state", "active");
			enrollment.put("created_at", CREATED_AT);
			enrollment.put("updated_at", CREATED_AT);
			enrollment.putNull("start_at");
			enrollment.putNull("end_at");
			enrollment.putNull("last_activity_at");
			enrollment.putNull("last_attended_at");
			enrollment.put("total_activity_time", 0);
			enrollment.putNull("sis_account_id");
			enrollment.putNull("sis_course_id");
			enrollment.putNull("course_integration_id");
			enrollment.putNull("sis_section_id");
			enrollment.putNull("section_integration_id");
			enrollment.putNull("sis_user_id");
			enrollment.put("html_url", url() + "/courses/" + course.id() + "/users/" + member.id());
			if (member.student()) {
				Scores given = FakeCanvas.this.scores.getOrDefault(course.id() + "/" + member.userId(),
						new Scores(null, null, null, null));
				ObjectNode grades = enrollment.putObject("grades");
				grades.put("html_url", url() + "/courses/" + course.id() + "/grades/" + member.id());
				grades.putNull("current_grade");
				grades.put("current_score", given.current());
				grades.putNull("final_grade");
				grades.put("final_score", given.finalScore());
				grades.put("unposted_current_score", given.current());
				grades.putNull("unposted_current_grade");
				grades.put("unposted_final_score", given.unpostedFinal());
				grades.putNull("unposted_final_grade");
				if (given.override() != null) {
					grades.put("override_score", given.override());
				}
			}
			if (withUser) {
				enrollment.set("user", userJson(member, withEmail));
			}
			return enrollment;
		}

		private ObjectNode submissionJson(Course course, Submission submission) {
			ObjectNode node = JSON.createObjectNode();
			String grade = BigDecimal.valueOf(submission.score()).stripTrailingZeros().toPlainString();
			node.put("id", submission.id());
			node.put("user_id", submission.userId());
			node.put("assignment_id", submission.assignmentId());
			node.putNull("url");
			node.putNull("body");
			node.put("score", submission.score());
			node.put("grade", grade);
			node.put("entered_score", submission.score());
			node.put("entered_grade", grade);
			node.put("excused", false);
			node.put("attempt", 1);
			node.put("submission_type", "online_upload");
			putTime(node, "submitted_at", submittedAt(submission));
			putTime(node, "graded_at", submission.gradedAt());
			node.put("grader_id", 77);
			node.put("grade_matches_current_submission", true);
			node.put("workflow_state", "graded");
			putTime(node, "posted_at", submission.posted() ? submission.gradedAt() : null);
			node.putNull("late_policy_status");
			node.putNull("points_deducted");
			node.putNull("grading_period_id");
			node.putNull("cached_due_date");
			node.putNull("extra_attempts");
			node.put("redo_request", false);
			node.putNull("sticker");
			node.putNull("custom_grade_status_id");
			node.put("late", false);
			node.put("missing", false);
			node.put("seconds_late", 0);
			node.put("preview_url", url() + "/courses/" + course.id() + "/assignments/" + submission.assignmentId()
					+ "/submissions/" + submission.userId() + "?preview=1&version=1");
			return node;
		}

		private Instant submittedAt(Submission submission) {
			return submission.gradedAt().minus(Duration.ofHours(1));
		}

		private ObjectNode progressJson(Course course, Member member) {
			Progress given = FakeCanvas.this.progress.get(course.id() + "/" + member.userId());
			if (given == null) {
				int requirements = FakeCanvas.this.progress.entrySet().stream()
					.filter((entry) -> entry.getKey().startsWith(course.id() + "/"))
					.mapToInt((entry) -> entry.getValue().requirementCount())
					.max()
					.orElse(1);
				given = new Progress(requirements, 0, null);
			}
			ObjectNode node = JSON.createObjectNode();
			node.put("requirement_count", given.requirementCount());
			node.put("requirement_completed_count", given.completedCount());
			node.putNull("next_requirement_url");
			putTime(node, "completed_at", given.completedAt());
			return node;
		}

		private ObjectNode moduleJson(Course course, Module module, String studentId, boolean withItems) {
			ObjectNode node = JSON.createObjectNode();
			node.put("id", module.id());
			node.put("name", module.name());
			node.put("position", module.position());
			node.put("workflow_state", "active");
			node.put("published", true);
			node.putNull("unlock_at");
			node.put("require_sequential_progress", false);
			node.put("requirement_type", "all");
			node.putArray("prerequisite_module_ids");
			node.put("publish_final_grade", false);
			node.put("items_count", 1);
			node.put("items_url", url() + "/api/v1/courses/" + course.id() + "/modules/" + module.id() + "/items");
			ModuleProgress state = null;
			if (studentId != null) {
				state = FakeCanvas.this.moduleProgress.getOrDefault(course.id() + "/" + studentId + "/" + module.id(),
						new ModuleProgress("unlocked", null));
				node.put("state", state.state());
				putTime(node, "completed_at", state.completedAt());
			}
			if (withItems) {
				long itemId = module.id() * 10 + 1;
				ObjectNode item = node.putArray("items").addObject();
				item.put("id", itemId);
				item.put("module_id", module.id());
				item.put("position", 1);
				item.put("title", module.name() + " overview");
				item.put("indent", 0);
				item.put("type", "Page");
				item.put("page_url", "module-" + module.id() + "-overview");
				item.put("html_url", url() + "/courses/" + course.id() + "/modules/items/" + itemId);
				item.put("url", url() + "/api/v1/courses/" + course.id() + "/pages/module-" + module.id() + "-overview");
				ObjectNode requirement = item.putObject("completion_requirement");
				requirement.put("type", "must_view");
				if (state != null) {
					requirement.put("completed", "completed".equals(state.state()));
				}
				item.put("published", true);
			}
			return node;
		}

		// pagination

		private ResponseDefinitionBuilder ordinal(Call call, List<ObjectNode> all, boolean withLast) {
			int perPage = call.perPage();
			int page = call.ordinalPage();
			ResponseDefinitionBuilder failed = pageFault(call, page);
			if (failed != null) {
				return failed;
			}
			long from = (long) (page - 1) * perPage;
			List<ObjectNode> shown = (from >= all.size()) ? List.of()
					: all.subList((int) from, (int) Math.min(all.size(), from + perPage));
			List<String> links = new ArrayList<>();
			links.add(link(call, String.valueOf(page), "current"));
			if (repeats(call, page)) {
				links.add(link(call, String.valueOf(page), "next"));
			}
			else if (from + perPage < all.size()) {
				links.add(link(call, String.valueOf(page + 1), "next"));
			}
			if (page > 1) {
				links.add(link(call, String.valueOf(page - 1), "prev"));
			}
			links.add(link(call, "1", "first"));
			if (withLast) {
				links.add(link(call, String.valueOf(Math.max(1, (all.size() + perPage - 1) / perPage)), "last"));
			}
			ArrayNode body = JSON.createArrayNode();
			shown.forEach(body::add);
			return json(200, JSON.writeValueAsString(body)).withHeader("Link", String.join(",", links));
		}

		private String link(Call call, String page, String rel) {
			String echoed = call.query().echo();
			return "<" + url() + call.path() + "?" + (echoed.isEmpty() ? "" : echoed + "&") + "page=" + page
					+ "&per_page=" + call.perPage() + ">; rel=\"" + rel + "\"";
		}

		private ResponseDefinitionBuilder pageFault(Call call, int page) {
			for (PageFault fault : FakeCanvas.this.pageFaults) {
				if (fault.page() == page && call.path().contains(fault.pathContains())) {
					return json(fault.status(), INTERNAL_ERROR);
				}
			}
			return null;
		}

		private boolean repeats(Call call, int page) {
			return FakeCanvas.this.pageRepeats.stream()
				.anyMatch((repeat) -> repeat.page() == page && call.path().contains(repeat.pathContains()));
		}

		// helpers

		/** Students and other members of the course by sortable name, then id (Canvas's roster order). */
		private List<Member> roster(Course course) {
			return FakeCanvas.this.members.getOrDefault(course.id(), Map.of()).values().stream()
				.sorted(Comparator.comparing((Member member) -> member.sortableName().toLowerCase(Locale.ROOT))
					.thenComparingLong(Member::id))
				.toList();
		}

		private String enrollmentType(String type) {
			return switch (type) {
				case "student" -> "StudentEnrollment";
				case "teacher" -> "TeacherEnrollment";
				case "ta" -> "TaEnrollment";
				case "observer" -> "ObserverEnrollment";
				case "designer" -> "DesignerEnrollment";
				default -> type;
			};
		}

		/** A time matching {@code Api::ISO8601_REGEX} (no zone = UTC), else null. */
		private Instant iso8601(String value) {
			if (value == null) {
				return null;
			}
			Matcher matcher = ISO8601.matcher(value);
			if (!matcher.matches()) {
				return null;
			}
			String zone = matcher.group(8);
			if (zone == null) {
				zone = "Z";
			}
			else if (!zone.equals("Z")) {
				String digits = zone.substring(1).replace(":", "");
				zone = zone.charAt(0) + digits.substring(0, 2) + ":" + ((digits.length() > 2) ? digits.substring(2) : "00");
			}
			String fraction = (matcher.group(7) != null) ? matcher.group(7) : "";
			try {
				return OffsetDateTime.parse(matcher.group(1) + "-" + matcher.group(2) + "-" + matcher.group(3) + "T"
						+ matcher.group(4) + ":" + matcher.group(5) + ":" + matcher.group(6) + fraction + zone).toInstant();
			}
			catch (RuntimeException ex) {
				return null;
			}
		}

		private ResponseDefinitionBuilder json(int status, String body) {
			return WireMock.aResponse().withStatus(status).withHeader("Content-Type", JSON_TYPE).withBody(body);
		}

	}

}

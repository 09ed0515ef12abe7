package org.oeb.bridge.common.lti;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.oeb.bridge.testing.FakeLtiPlatform;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tool end to end against simulated platforms: login initiation, the launch and every
 * refusal of {@code shared/reference/lti13.md} §5, over HTTP to the running tool.
 */
@SpringBootTest(classes = LtiTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@Import(RecordingLearnerPage.class)
@ExtendWith(OutputCaptureExtension.class)
class LtiLaunchTests {

	/** The public URL behind a reverse proxy that strips {@code /moodle}. */
	private static final String TOOL_URL = "https://bridge.example.test/moodle";

	private static final String LAUNCH_URL = TOOL_URL + "/lti/launch";

	private static final String KEY_PREFIX = "test-lti-" + UUID.randomUUID();

	private static final FakeLtiPlatform moodle = FakeLtiPlatform.moodle(LAUNCH_URL);

	private static final FakeLtiPlatform canvas = FakeLtiPlatform.canvas(LAUNCH_URL).clientId("10000000000042");

	/** Each of these has a JWKS cache of its own, so that no test's fetches count against another's. */
	private static final FakeLtiPlatform rotating = FakeLtiPlatform.moodle(LAUNCH_URL);

	private static final FakeLtiPlatform forgetful = FakeLtiPlatform.moodle(LAUNCH_URL);

	private static final FakeLtiPlatform unavailable = FakeLtiPlatform.moodle(LAUNCH_URL).jwksUnavailable();

	private static final String TWIN_ISSUER = "https://twin.example.org";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder()
		.followRedirects(HttpClient.Redirect.NEVER)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	@LocalServerPort
	private int port;

	@Autowired
	private RecordingLearnerPage page;

	@Autowired
	private LaunchStates states;

	@Autowired
	private StringRedisTemplate redis;

	@Autowired
	private MeterRegistry meters;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("bridge.lti.tool-url", () -> TOOL_URL);
		registry.add("bridge.lti.redis-key-prefix", () -> KEY_PREFIX);
		register(registry, "moodle", "uni-a", moodle);
		register(registry, "canvas", "uni-b", canvas);
		registry.add("bridge.lti.registrations.canvas.user-id-claim", () -> "custom:canvas_user_id");
		registry.add("bridge.lti.registrations.canvas.frame-ancestors",
				() -> "https://uni-b.instructure.com,https://*.instructure.com");
		register(registry, "rotating", "uni-c", rotating);
		register(registry, "forgetful", "uni-c", forgetful);
		register(registry, "unavailable", "uni-c", unavailable);
		for (String twin : List.of("twin-a", "twin-b")) {
			String key = "bridge.lti.registrations." + twin + ".";
			registry.add(key + "institution", () -> twin);
			registry.add(key + "issuer", () -> TWIN_ISSUER);
			registry.add(key + "client-id", () -> twin);
			registry.add(key + "auth-url", () -> TWIN_ISSUER + "/auth");
			registry.add(key + "jwks-url", () -> TWIN_ISSUER + "/jwks");
			registry.add(key + "deployment-ids", () -> "1");
		}
	}

	private static void register(DynamicPropertyRegistry registry, String name, String institution,
			FakeLtiPlatform platform) {
		String key = "bridge.lti.registrations." + name + ".";
		registry.add(key + "institution", () -> institution);
		registry.add(key + "issuer", platform::issuer);
		registry.add(key + "client-id", platform::clientId);
		registry.add(key + "auth-url", platform::authUrl);
		registry.add(key + "jwks-url", platform::jwksUrl);
		registry.add(key + "deployment-ids", () -> platform.deploymentId() + ",another-deployment");
	}

	@AfterAll
	static void stopPlatforms() {
		for (FakeLtiPlatform platform : List.of(moodle, canvas, rotating, forgetful, unavailable)) {
			platform.close();
		}
	}

	@Test
	void launchesTheLearnerPageAfterALoginInitiationAndAVerifiedIdToken(CapturedOutput output) throws Exception {
		double acceptedBefore = launches("moodle", "accepted");
		HttpResponse<String> login = get("/lti/login", loginParameters(moodle));
		assertThat(login.statusCode()).isEqualTo(302);
		assertThat(login.headers().firstValue("Cache-Control")).hasValue("no-store");
		String location = login.headers().firstValue("Location").orElseThrow();
		assertThat(location).startsWith(moodle.authUrl() + "?");
		Map<String, String> authentication = query(location);
		assertThat(authentication).containsEntry("scope", "openid")
			.containsEntry("response_type", "id_token")
			.containsEntry("response_mode", "form_post")
			.containsEntry("prompt", "none")
			.containsEntry("client_id", moodle.clientId())
			.containsEntry("redirect_uri", TOOL_URL + "/lti/launch")
			.containsEntry("login_hint", "42")
			.containsEntry("lti_message_hint", "{\"cmid\":7,\"launchid\":\"ltilaunch1_1234\"}");
		String state = authentication.get("state");
		String nonce = authentication.get("nonce");
		assertThat(state).matches("[A-Za-z0-9_-]{43}");
		assertThat(nonce).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(state);

		String idToken = moodle.launch(nonce).sign();
		HttpResponse<String> launch = post("/lti/launch", Map.of("id_token", idToken, "state", state));

		assertThat(launch.statusCode()).isEqualTo(200);
		assertThat(launch.headers().firstValue("Content-Type")).hasValue("text/html;charset=UTF-8");
		assertThat(launch.headers().firstValue("Cache-Control")).hasValue("no-store");
		assertThat(launch.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
		assertThat(launch.headers().firstValue("Content-Security-Policy"))
			.hasValue("frame-ancestors " + moodle.issuer());
		assertThat(launch.headers().firstValue("X-Frame-Options")).isEmpty();
		assertThat(launch.body()).contains("<h1>My badges</h1>", "Ada Lovelace", "No badge wallet is configured");
		assertThat(this.page.last()).isEqualTo(new VerifiedLaunch("moodle", "uni-a", moodle.issuer(), "3", "42",
				"ada.lovelace@example.edu", "Ada Lovelace", "en",
				List.of("http://purl.imsglobal.org/vocab/lis/v2/membership#Learner",
						"http://purl.imsglobal.org/vocab/lis/v2/institution/person#Student"),
				"2"));
		assertThat(launches("moodle", "accepted")).isEqualTo(acceptedBefore + 1);
		assertThat(output).contains("LTI launch accepted: registration=moodle, institution=uni-a, lmsUserId=42")
			.doesNotContain(idToken)
			.doesNotContain(state)
			.doesNotContain(nonce)
			.doesNotContainIgnoringCase("ada.lovelace@example.edu");
	}

	@Test
	void acceptsALoginInitiationPostedAsAForm() throws Exception {
		HttpResponse<String> login = post("/lti/login", loginParameters(moodle));

		assertThat(login.statusCode()).isEqualTo(302);
		assertThat(query(login.headers().firstValue("Location").orElseThrow())).containsKeys("state", "nonce");
	}

	@Test
	void keepsTheStateForTheStateLifetimeOnly() throws Exception {
		String state = login(moodle).get("state");

		Long ttl = this.redis.getExpire(KEY_PREFIX + ":state:" + state);

		assertThat(ttl).isBetween(1L, 300L);
	}

	@Test
	void escapesWhatThePlatformSendsOnTheDefaultPage() throws Exception {
		HttpResponse<String> launch = launch(moodle,
				(nonce) -> moodle.launch(nonce).claim("name", "<script>alert(1)</script>").locale("en\"><script>"));

		assertThat(launch.statusCode()).isEqualTo(200);
		assertThat(launch.body()).doesNotContain("<script>").contains("&lt;script&gt;alert(1)&lt;/script&gt;");
	}

	@Test
	void refusesALaunchSignedByAnotherKey() throws Exception {
		assertRefused(launch(moodle, (nonce) -> moodle.launch(nonce).signedWithAnotherKey()), 401, "bad_signature");
	}

	@Test
	void refusesAKidThePlatformNeverPublishedEvenAfterOneRefetch() throws Exception {
		assertThat(launch(forgetful, (nonce) -> forgetful.launch(nonce)).statusCode()).isEqualTo(200);
		assertThat(forgetful.jwksRequestCount()).isEqualTo(1);

		assertRefused(launch(forgetful, (nonce) -> forgetful.launch(nonce).signedWithUnknownKid()), 401,
				"unknown_key");
		assertThat(forgetful.jwksRequestCount()).isEqualTo(2);
		assertRefused(launch(forgetful, (nonce) -> forgetful.launch(nonce).signedWithUnknownKid()), 401,
				"unknown_key");
		assertThat(forgetful.jwksRequestCount()).as("no second refetch within a minute").isEqualTo(2);
	}

	@Test
	void acceptsTheNewKeyAfterThePlatformRotatedIt() throws Exception {
		assertThat(launch(rotating, (nonce) -> rotating.launch(nonce)).statusCode()).isEqualTo(200);
		assertThat(rotating.jwksRequestCount()).isEqualTo(1);

		rotating.rotateKey();

		assertThat(launch(rotating, (nonce) -> rotating.launch(nonce)).statusCode()).isEqualTo(200);
		assertThat(rotating.jwksRequestCount()).isEqualTo(2);
		assertThat(launch(rotating, (nonce) -> rotating.launch(nonce).signedWithFirstKey()).statusCode())
			.as("the old key is still published during the rotation")
			.isEqualTo(200);
		assertThat(rotating.jwksRequestCount()).isEqualTo(2);
	}

	@Test
	void answers503WhenThePlatformKeysCannotBeFetched() throws Exception {
		assertRefused(launch(unavailable, (nonce) -> unavailable.launch(nonce)), 503, "keys_unavailable");
	}

	@Test
	void refusesAnUnsignedToken() throws Exception {
		assertRefused(launch(moodle, (nonce) -> moodle.launch(nonce).unsigned()), 401, "unsigned");
	}

	@Test
	void refusesHs256KeyedWithThePlatformsPublicKey() throws Exception {
		assertRefused(launch(moodle, (nonce) -> moodle.launch(nonce).hs256WithThePublicKey()), 401,
				"wrong_algorithm");
	}

	@Test
	void refusesAnotherIssuer() throws Exception {
		assertRefused(launch(moodle, (nonce) -> moodle.launch(nonce).issuer(moodle.issuer() + "/")), 401,
				"wrong_issuer");
	}

	@Test
	void refusesAnAudienceWithoutOurClientId() throws Exception {
		assertRefused(launch(moodle, (nonce) -> moodle.launch(nonce).audience("someone-else")), 401,
				"wrong_audience");
		assertRefused(launch(moodle, (nonce) -> moodle.launch(nonce).audience("someone-else", "and-another")), 401,
				"wrong_audience");
	}

	@Test
	void refusesSeveralAudiencesWithoutOurClientIdAsAuthorizedParty() throws Exception {
		assertRefused(launch(moodle, (nonce) -> moodle.launch(nonce).audience(moodle.clientId(), "someone-else")),
				401, "wrong_azp");
		assertRefused(launch(moodle,
				(nonce) -> moodle.launch(nonce).audience(moodle.clientId(), "someone-else").authorizedParty("other")),
				401, "wrong_azp");
		assertThat(launch(moodle,
				(nonce) -> moodle.launch(nonce)
					.audience(moodle.clientId(), "someone-else")
					.authorizedParty(moodle.clientId()))
			.statusCode()).isEqualTo(200);
	}

	@Test
	void refusesAnExpiredToken() throws Exception {
		Instant past = Instant.now().minus(Duration.ofMinutes(10));
		assertRefused(launch(moodle,
				(nonce) -> moodle.launch(nonce).issuedAt(past).expiresAt(past.plus(Duration.ofSeconds(60)))), 401,
				"expired");
	}

	@Test
	void refusesATokenIssuedInTheFuture() throws Exception {
		Instant future = Instant.now().plus(Duration.ofMinutes(10));
		assertRefused(launch(moodle,
				(nonce) -> moodle.launch(nonce).issuedAt(future).expiresAt(future.plus(Duration.ofSeconds(60)))), 401,
				"issued_in_future");
	}

	@Test
	void refusesTheSameTokenPostedTwice() throws Exception {
		Map<String, String> login = login(moodle);
		Map<String, String> form = Map.of("id_token", moodle.launch(login.get("nonce")).sign(), "state",
				login.get("state"));
		assertThat(post("/lti/launch", form).statusCode()).isEqualTo(200);

		assertRefused(post("/lti/launch", form), 401, "unknown_state");
	}

	@Test
	void refusesANonceUsedBeforeEvenUnderAFreshState() throws Exception {
		Map<String, String> login = login(moodle);
		String idToken = moodle.launch(login.get("nonce")).sign();
		assertThat(post("/lti/launch", Map.of("id_token", idToken, "state", login.get("state"))).statusCode())
			.isEqualTo(200);
		// as if a state had leaked into the store a second time with the same nonce
		LaunchStates.Pending fresh = this.states.begin("moodle");
		this.states.remember(new LaunchStates.Pending(fresh.state(), login.get("nonce"), "moodle"));

		assertRefused(post("/lti/launch", Map.of("id_token", idToken, "state", fresh.state())), 401,
				"nonce_replayed");
	}

	@Test
	void refusesANonceOtherThanTheOneSentAtLogin() throws Exception {
		assertRefused(launch(moodle, (nonce) -> moodle.launch(nonce).nonce("another-nonce")), 401,
				"nonce_mismatch");
		assertRefused(launch(moodle, (nonce) -> moodle.launch(nonce).without("nonce")), 401, "nonce_mismatch");
	}

	@Test
	void refusesAMissingOrUnknownState() throws Exception {
		String idToken = moodle.launch(login(moodle).get("nonce")).sign();

		assertRefused(post("/lti/launch", Map.of("id_token", idToken)), 400, "missing_state");
		assertRefused(post("/lti/launch", Map.of("id_token", idToken, "state", "A".repeat(43))), 401,
				"unknown_state");
		assertRefused(post("/lti/launch", Map.of("id_token", idToken, "state", "*:not-a-state")), 401,
				"unknown_state");
	}

	@Test
	void refusesAnExpiredState() throws Exception {
		Map<String, String> login = login(moodle);
		String idToken = moodle.launch(login.get("nonce")).sign();
		this.redis.expire(KEY_PREFIX + ":state:" + login.get("state"), Duration.ofMillis(1));
		Thread.sleep(20);

		assertRefused(post("/lti/launch", Map.of("id_token", idToken, "state", login.get("state"))), 401,
				"unknown_state");
	}

	@Test
	void refusesAStateThatBelongsToAnotherLogin() throws Exception {
		Map<String, String> first = login(moodle);
		Map<String, String> second = login(moodle);

		assertRefused(post("/lti/launch",
				Map.of("id_token", moodle.launch(first.get("nonce")).sign(), "state", second.get("state"))), 401,
				"nonce_mismatch");
	}

	@Test
	void refusesAnUnknownDeploymentAtLoginAndAtLaunch() throws Exception {
		Map<String, String> login = loginParameters(moodle);
		login.put("lti_deployment_id", "99");
		assertRefused(get("/lti/login", login), 400, "unknown_deployment");

		assertRefused(launch(moodle, (nonce) -> moodle.launch(nonce).deploymentId("99")), 401, "unknown_deployment");
		assertThat(launch(moodle, (nonce) -> moodle.launch(nonce).deploymentId("another-deployment")).statusCode())
			.isEqualTo(200);
	}

	@Test
	void refusesAnotherLtiVersion() throws Exception {
		assertRefused(launch(moodle, (nonce) -> moodle.launch(nonce).claim("version", "1.1")), 401, "wrong_version");
	}

	@Test
	void refusesALaunchWithoutMessageTypeRolesOrResourceLinkId() throws Exception {
		assertRefused(launch(moodle, (nonce) -> moodle.launch(nonce).without("message_type")), 401,
				"wrong_message_type");
		assertRefused(launch(moodle, (nonce) -> moodle.launch(nonce).claim("message_type", "LtiDeepLinkingRequest")),
				401, "wrong_message_type");
		assertRefused(launch(moodle, (nonce) -> moodle.launch(nonce).without("roles")), 401, "missing_roles");
		assertRefused(launch(moodle, (nonce) -> moodle.launch(nonce).claim("roles", "Learner")), 401,
				"missing_roles");
		assertRefused(launch(moodle, (nonce) -> moodle.launch(nonce).without("resource_link.id")), 401,
				"missing_resource_link");
	}

	@Test
	void acceptsALaunchWithEmptyRoles() throws Exception {
		assertThat(launch(moodle, (nonce) -> moodle.launch(nonce).claim("roles", List.of())).statusCode())
			.isEqualTo(200);
		assertThat(this.page.last().roles()).isEmpty();
	}

	@Test
	void refusesAForeignTargetLinkUriAtLogin() throws Exception {
		for (String foreign : List.of("https://evil.example/lti/launch", "https://bridge.example.test/other",
				"https://bridge.example.test/moodle-evil/lti/launch",
				"https://bridge.example.test.evil.example/moodle/lti/launch",
				"https://bridge.example.test@evil.example/moodle/lti/launch",
				"https://bridge.example.test/moodle/../admin", "http://bridge.example.test/moodle/lti/launch",
				"https://bridge.example.test:8443/moodle/lti/launch", "/moodle/lti/launch")) {
			Map<String, String> login = loginParameters(moodle);
			login.put("target_link_uri", foreign);
			assertRefused(get("/lti/login", login), 400, "foreign_target_link_uri");
		}
		Map<String, String> without = loginParameters(moodle);
		without.remove("target_link_uri");
		assertRefused(get("/lti/login", without), 400, "foreign_target_link_uri");
	}

	@Test
	void refusesAForeignTargetLinkUriInTheToken() throws Exception {
		assertRefused(launch(moodle, (nonce) -> moodle.launch(nonce).targetLinkUri("https://evil.example/launch")),
				401, "foreign_target_link_uri");
		assertRefused(launch(moodle, (nonce) -> moodle.launch(nonce).without("target_link_uri")), 401,
				"foreign_target_link_uri");
	}

	@Test
	void refusesSomethingThatIsNoJwt() throws Exception {
		Map<String, String> login = login(moodle);

		assertRefused(post("/lti/launch", Map.of("id_token", "not.a.jwt", "state", login.get("state"))), 400,
				"not_a_jwt");
		assertRefused(post("/lti/launch", Map.of("state", login(moodle).get("state"))), 400, "missing_id_token");
	}

	@Test
	void refusesAnOversizedIdTokenWithoutParsingIt() throws Exception {
		String oversized = moodle.launch(login(moodle).get("nonce")).claim("padding", "x".repeat(50_000)).sign();

		assertRefused(post("/lti/launch", Map.of("id_token", oversized, "state", login(moodle).get("state"))), 400,
				"id_token_too_large");
		assertRefused(post("/lti/launch", Map.of("id_token", "x".repeat(300_000), "state", "s")), 413,
				"request_too_large");
	}

	@Test
	void takesTheCanvasUserIdFromItsCustomParameter() throws Exception {
		HttpResponse<String> launch = launch(canvas, (nonce) -> canvas.launch(nonce));

		assertThat(launch.statusCode()).isEqualTo(200);
		assertThat(launch.headers().firstValue("Content-Security-Policy"))
			.hasValue("frame-ancestors https://uni-b.instructure.com https://*.instructure.com");
		assertThat(this.page.last().lmsUserId()).isEqualTo("1042");
		assertThat(this.page.last().institution()).isEqualTo("uni-b");
		assertThat(this.page.last().platformIssuer()).isEqualTo("https://canvas.instructure.com");
		assertRefused(launch(canvas, (nonce) -> canvas.launch(nonce).custom("canvas_user_id", "$Canvas.user.id")),
				401, "missing_user_id");
	}

	@Test
	void needsTheClientIdWhenSeveralRegistrationsShareTheIssuer() throws Exception {
		Map<String, String> login = new LinkedHashMap<>(Map.of("iss", TWIN_ISSUER, "login_hint", "7",
				"target_link_uri", LAUNCH_URL));
		assertRefused(get("/lti/login", login), 400, "client_id_required");

		login.put("client_id", "twin-b");
		HttpResponse<String> answer = get("/lti/login", login);
		assertThat(answer.statusCode()).isEqualTo(302);
		assertThat(answer.headers().firstValue("Location").orElseThrow()).startsWith(TWIN_ISSUER + "/auth?");
		assertThat(query(answer.headers().firstValue("Location").orElseThrow())).containsEntry("client_id", "twin-b");

		login.put("client_id", "twin-c");
		assertRefused(get("/lti/login", login), 400, "unknown_client_id");
	}

	@Test
	void refusesALoginFromAnUnknownIssuerOrWithoutLoginHint() throws Exception {
		Map<String, String> login = loginParameters(moodle);
		login.put("iss", "https://moodle.evil.example");
		assertRefused(get("/lti/login", login), 400, "unknown_issuer");

		Map<String, String> withoutHint = loginParameters(moodle);
		withoutHint.remove("login_hint");
		assertRefused(get("/lti/login", withoutHint), 400, "missing_login_hint");
	}

	@Test
	void countsRefusedLaunchesByReason() throws Exception {
		double before = launches("moodle", "wrong_version");

		launch(moodle, (nonce) -> moodle.launch(nonce).claim("version", "1.2.0"));

		assertThat(launches("moodle", "wrong_version")).isEqualTo(before + 1);
	}

	@Test
	void servesOnlyThePublicPartOfTheToolKey() throws Exception {
		HttpResponse<String> jwks = get("/lti/jwks", Map.of());

		assertThat(jwks.statusCode()).isEqualTo(200);
		JsonNode key = JSON.readTree(jwks.body()).get("keys").get(0);
		assertThat(key.get("kty").asString()).isEqualTo("RSA");
		assertThat(key.get("alg").asString()).isEqualTo("RS256");
		assertThat(key.get("use").asString()).isEqualTo("sig");
		assertThat(key.has("kid")).isTrue();
		assertThat(key.has("n")).isTrue();
		assertThat(key.has("e")).isTrue();
		assertThat(key.has("d")).isFalse();
		assertThat(key.has("p")).isFalse();
		assertThat(key.has("q")).isFalse();
	}

	@Test
	void leavesTheOtherPathsToTheOperatorChain() throws Exception {
		HttpResponse<String> health = get("/actuator/health", Map.of());

		assertThat(health.headers().firstValue("X-Frame-Options")).hasValue("DENY");
		assertThat(get("/lti/jwks", Map.of()).headers().firstValue("X-Frame-Options")).isEmpty();
	}

	private HttpResponse<String> launch(FakeLtiPlatform platform,
			java.util.function.Function<String, FakeLtiPlatform.Launch> token) throws Exception {
		Map<String, String> login = login(platform);
		return post("/lti/launch", Map.of("id_token", token.apply(login.get("nonce")).sign(), "state",
				login.get("state")));
	}

	/** The parameters of the authentication request the tool redirected to. */
	private Map<String, String> login(FakeLtiPlatform platform) throws Exception {
		HttpResponse<String> login = get("/lti/login", loginParameters(platform));
		assertThat(login.statusCode()).as(login.body()).isEqualTo(302);
		return query(login.headers().firstValue("Location").orElseThrow());
	}

	private static Map<String, String> loginParameters(FakeLtiPlatform platform) {
		Map<String, String> parameters = new LinkedHashMap<>();
		parameters.put("iss", platform.issuer());
		parameters.put("login_hint", "42");
		parameters.put("target_link_uri", LAUNCH_URL);
		parameters.put("lti_message_hint", "{\"cmid\":7,\"launchid\":\"ltilaunch1_1234\"}");
		parameters.put("client_id", platform.clientId());
		parameters.put("lti_deployment_id", platform.deploymentId());
		return parameters;
	}

	private static void assertRefused(HttpResponse<String> response, int status, String code) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.body()).contains("<code>" + code + "</code>").doesNotContain("Ada");
		assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
		assertThat(response.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
				(policy) -> assertThat(policy).startsWith("default-src 'none'; frame-ancestors "));
	}

	private double launches(String registration, String outcome) {
		var counter = this.meters.find(LtiEndpoints.LAUNCHES_METRIC)
			.tag("registration", registration)
			.tag("outcome", outcome)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	private HttpResponse<String> get(String path, Map<String, String> parameters)
			throws IOException, InterruptedException {
		String query = parameters.isEmpty() ? "" : "?" + form(parameters);
		return this.http.send(HttpRequest.newBuilder(uri(path + query)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> post(String path, Map<String, String> parameters)
			throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form(parameters)))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String pathAndQuery) {
		return URI.create("http://localhost:" + this.port + pathAndQuery);
	}

	private static String form(Map<String, String> parameters) {
		return parameters.entrySet()
			.stream()
			.map((entry) -> URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8) + "="
					+ URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
	}

	private static Map<String, String> query(String location) {
		Map<String, String> parameters = new LinkedHashMap<>();
		for (String pair : URI.create(location).getRawQuery().split("&")) {
			int equals = pair.indexOf('=');
			parameters.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
					URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
		}
		return parameters;
	}

}

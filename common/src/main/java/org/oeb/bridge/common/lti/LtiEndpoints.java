package org.oeb.bridge.common.lti;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.MeterRegistry;
import org.oeb.bridge.common.lti.LtiProperties.Registration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;
import org.springframework.web.util.UriComponentsBuilder;

import static org.springframework.web.util.HtmlUtils.htmlEscape;

/**
 * The tool's three endpoints: OIDC login initiation ({@code /lti/login}), the launch it leads
 * to ({@code /lti/launch}) and the tool's public key set ({@code /lti/jwks}).
 */
class LtiEndpoints {

	private static final Logger logger = LoggerFactory.getLogger(LtiEndpoints.class);

	static final String LAUNCHES_METRIC = "bridge.lti.launches";

	private static final MediaType HTML = MediaType.parseMediaType("text/html;charset=UTF-8");

	/** The id_token plus the state and the few fields a platform adds, with room to spare. */
	private static final long MAX_LAUNCH_BODY = LaunchVerifier.MAX_ID_TOKEN_LENGTH + 16 * 1024;

	private static final String UNKNOWN = "unknown";

	private final LtiProperties lti;

	private final LaunchStates states;

	private final LaunchVerifier verifier;

	private final LaunchedLearnerPage page;

	private final ToolKeys toolKeys;

	private final MeterRegistry meters;

	LtiEndpoints(LtiProperties lti, LaunchStates states, LaunchVerifier verifier, LaunchedLearnerPage page,
			ToolKeys toolKeys, MeterRegistry meters) {
		this.lti = lti;
		this.states = states;
		this.verifier = verifier;
		this.page = page;
		this.toolKeys = toolKeys;
		this.meters = meters;
	}

	RouterFunction<ServerResponse> routes() {
		return RouterFunctions.route()
			.GET("/lti/login", this::login)
			.POST("/lti/login", this::login)
			.POST("/lti/launch", this::launch)
			.GET("/lti/jwks", this::jwks)
			.build();
	}

	ServerResponse login(ServerRequest request) {
		String registrationName = null;
		try {
			Map.Entry<String, Registration> found = registrationFor(request);
			registrationName = found.getKey();
			Registration registration = found.getValue();
			String loginHint = required(request, "login_hint");
			if (!this.lti.isToolUrl(param(request, "target_link_uri"))) {
				throw LaunchRefused.malformed("foreign_target_link_uri",
						"target_link_uri is missing or not under this tool's tool-url");
			}
			String deploymentId = param(request, "lti_deployment_id");
			if (deploymentId == null) {
				deploymentId = param(request, "deployment_id");
			}
			if (deploymentId != null && !registration.deploymentIds().contains(deploymentId)) {
				throw LaunchRefused.malformed("unknown_deployment",
						"lti_deployment_id is not among the registration's deployment-ids");
			}
			LaunchStates.Pending pending = this.states.begin(registrationName);
			return ServerResponse.status(HttpStatus.FOUND)
				.location(authenticationRequest(registration, loginHint, param(request, "lti_message_hint"), pending))
				.cacheControl(CacheControl.noStore())
				.header("Referrer-Policy", "no-referrer")
				.build();
		}
		catch (LaunchRefused refused) {
			logger.info("LTI login initiation refused: registration={}, reason={}", orUnknown(registrationName),
					refused.code());
			return refusal(refused, (registrationName != null) ? this.lti.registrations().get(registrationName) : null);
		}
		catch (DataAccessException ex) {
			logger.warn("LTI login initiation failed: the state store (Redis) is unavailable: {}", ex.getMessage());
			return refusal(new LaunchRefused(503, "state_store_unavailable", "try again in a moment"), null);
		}
	}

	ServerResponse launch(ServerRequest request) {
		if (request.servletRequest().getContentLengthLong() > MAX_LAUNCH_BODY) {
			// refused before the container reads and parses the form
			return refusedLaunch(UNKNOWN, null, new LaunchRefused(413, "request_too_large",
					"the launch request is larger than an id_token can be"));
		}
		String registrationName = UNKNOWN;
		try {
			String idToken = required(request, "id_token");
			LaunchStates.Pending pending = this.states.consume(required(request, "state"));
			if (pending == null) {
				throw LaunchRefused.unauthorized("unknown_state",
						"the state is unknown, expired or already used; start the launch again from the LMS");
			}
			registrationName = pending.registration();
			VerifiedLaunch launch = this.verifier.verify(registrationName, idToken, pending.nonce());
			count(registrationName, "accepted");
			logger.info("LTI launch accepted: registration={}, institution={}, lmsUserId={}", launch.registration(),
					launch.institution(), launch.lmsUserId());
			return ServerResponse.ok()
				.contentType(HTML)
				.cacheControl(CacheControl.noStore())
				.header("Referrer-Policy", "no-referrer")
				.header("Content-Security-Policy",
						frameAncestors(this.lti.registrations().get(registrationName).frameAncestors()))
				.body(this.page.render(launch));
		}
		catch (LaunchRefused refused) {
			return refusedLaunch(registrationName, this.lti.registrations().get(registrationName), refused);
		}
		catch (DataAccessException ex) {
			logger.warn("LTI launch failed: the state store (Redis) is unavailable: {}", ex.getMessage());
			return refusedLaunch(registrationName, this.lti.registrations().get(registrationName),
					new LaunchRefused(503, "state_store_unavailable", "try again in a moment"));
		}
	}

	ServerResponse jwks(ServerRequest request) {
		return ServerResponse.ok()
			.contentType(MediaType.APPLICATION_JSON)
			.cacheControl(CacheControl.maxAge(Duration.ofMinutes(5)))
			.body(this.toolKeys.publicKeySet());
	}

	private ServerResponse refusedLaunch(String registrationName, Registration registration, LaunchRefused refused) {
		count(registrationName, refused.code());
		logger.info("LTI launch refused: registration={}, reason={}", registrationName, refused.code());
		return refusal(refused, registration);
	}

	private Map.Entry<String, Registration> registrationFor(ServerRequest request) {
		String issuer = required(request, "iss");
		Map<String, Registration> ofIssuer = this.lti.registrationsOf(issuer);
		if (ofIssuer.isEmpty()) {
			throw LaunchRefused.malformed("unknown_issuer", "no registration has this issuer (iss)");
		}
		String clientId = param(request, "client_id");
		if (clientId == null) {
			if (ofIssuer.size() > 1) {
				throw LaunchRefused.malformed("client_id_required", "several registrations share this issuer; "
						+ "the platform must send client_id to say which one is meant");
			}
			return ofIssuer.entrySet().iterator().next();
		}
		return ofIssuer.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().clientId().equals(clientId))
			.findFirst()
			.orElseThrow(() -> LaunchRefused.malformed("unknown_client_id",
					"no registration of this issuer has this client_id"));
	}

	private URI authenticationRequest(Registration registration, String loginHint, String messageHint,
			LaunchStates.Pending pending) {
		UriComponentsBuilder uri = UriComponentsBuilder.fromUri(registration.authUrl());
		query(uri, "scope", "openid");
		query(uri, "response_type", "id_token");
		query(uri, "response_mode", "form_post");
		query(uri, "prompt", "none");
		query(uri, "client_id", registration.clientId());
		query(uri, "redirect_uri", this.lti.launchUrl());
		query(uri, "login_hint", loginHint);
		if (messageHint != null) {
			query(uri, "lti_message_hint", messageHint);
		}
		query(uri, "state", pending.state());
		query(uri, "nonce", pending.nonce());
		return uri.build(true).toUri();
	}

	/** Form-encoded, as PHP and Rails decode a query ({@code +} is a space there). */
	private static void query(UriComponentsBuilder uri, String name, String value) {
		uri.queryParam(name, URLEncoder.encode(value, StandardCharsets.UTF_8));
	}

	private ServerResponse refusal(LaunchRefused refused, Registration registration) {
		String html = """
				<!DOCTYPE html>
				<html lang="en">
				<head>
				<meta charset="utf-8">
				<title>My badges</title>
				</head>
				<body>
				<h1>My badges could not be opened</h1>
				<p>The launch was refused: <code>%s</code>. %s</p>
				</body>
				</html>
				""".formatted(htmlEscape(refused.code()), htmlEscape(refused.getMessage()));
		return ServerResponse.status(refused.status())
			.contentType(HTML)
			.cacheControl(CacheControl.noStore())
			.header("Referrer-Policy", "no-referrer")
			.header("Content-Security-Policy", "default-src 'none'; "
					+ frameAncestors((registration != null) ? registration.frameAncestors() : allFrameAncestors()))
			.body(html);
	}

	private List<String> allFrameAncestors() {
		Set<String> all = new LinkedHashSet<>();
		this.lti.registrations().values().forEach((registration) -> all.addAll(registration.frameAncestors()));
		return List.copyOf(all);
	}

	private static String frameAncestors(List<String> origins) {
		return "frame-ancestors " + String.join(" ", origins);
	}

	private void count(String registrationName, String outcome) {
		this.meters.counter(LAUNCHES_METRIC, "registration", registrationName, "outcome", outcome).increment();
	}

	private static String required(ServerRequest request, String name) {
		String value = param(request, name);
		if (value == null) {
			throw LaunchRefused.malformed("missing_" + name, name + " is missing");
		}
		return value;
	}

	private static String param(ServerRequest request, String name) {
		String value = request.param(name).orElse(null);
		return (value == null || value.isBlank()) ? null : value;
	}

	private static String orUnknown(String registrationName) {
		return (registrationName != null) ? registrationName : UNKNOWN;
	}

}

package org.oeb.bridge.moodle.webhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.MeterRegistry;
import org.oeb.bridge.common.connector.HintQueue;
import org.oeb.bridge.common.connector.LmsIds;
import org.oeb.bridge.moodle.site.MoodleProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Receives hints from the two common Moodle webhook plugins:
 * <ul>
 * <li>{@code local_webhooks}: the event as JSON, the shared secret in the body's
 * {@code token} field (the plugin has no header or signature);</li>
 * <li>{@code tool_trigger}: an "HTTP post" step sending the event fields as JSON or form
 * parameters, with {@code Authorization: Bearer <secret>}.</li>
 * </ul>
 * Secrets are compared in constant time. Only course completion, activity completion and
 * grading events are used; they trigger a re-read of that learner and course.
 */
@RestController
class WebhookController {

	private static final Logger logger = LoggerFactory.getLogger(WebhookController.class);

	private static final Set<String> USED_EVENTS = Set.of("\\core\\event\\course_completed",
			"\\core\\event\\course_module_completion_updated", "\\core\\event\\user_graded");

	private final MoodleProperties properties;

	private final HintQueue hints;

	private final MeterRegistry meters;

	private final JsonMapper json = JsonMapper.builder().build();

	WebhookController(MoodleProperties properties, HintQueue hints, MeterRegistry meters) {
		this.properties = properties;
		this.hints = hints;
		this.meters = meters;
	}

	@PostMapping(path = "/webhooks/moodle/{institution}/local-webhooks")
	ResponseEntity<Map<String, String>> localWebhooks(@PathVariable String institution,
			@RequestBody(required = false) String body) {
		JsonNode event = parseEvent(body);
		if (event == null) {
			return reject(institution, 400, "the body is not JSON");
		}
		if (!event.isObject()) {
			return reject(institution, 400, "the body must be a JSON object (a Moodle event)");
		}
		if (!secretMatches(institution, event.path("token").isString() ? event.path("token").asString() : null)) {
			return reject(institution, 401, "missing or wrong token");
		}
		return accept(institution, event);
	}

	@PostMapping(path = "/webhooks/moodle/{institution}/tool-trigger", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, String>> toolTriggerJson(@PathVariable String institution,
			@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
			@RequestBody(required = false) String body) {
		if (!secretMatches(institution, bearer(authorization))) {
			return reject(institution, 401, "missing or wrong bearer secret");
		}
		JsonNode event = parseEvent(body);
		if (event == null) {
			return reject(institution, 400, "the body is not JSON");
		}
		if (!event.isObject()) {
			return reject(institution, 400, "the body must be a JSON object with the event fields");
		}
		return accept(institution, event);
	}

	@PostMapping(path = "/webhooks/moodle/{institution}/tool-trigger",
			consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
	ResponseEntity<Map<String, String>> toolTriggerForm(@PathVariable String institution,
			@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
			@RequestParam MultiValueMap<String, String> form) {
		if (!secretMatches(institution, bearer(authorization))) {
			return reject(institution, 401, "missing or wrong bearer secret");
		}
		ObjectNode event = this.json.createObjectNode();
		form.forEach((name, values) -> event.put(name, values.isEmpty() ? "" : values.get(0)));
		return accept(institution, event);
	}

	private ResponseEntity<Map<String, String>> accept(String institution, JsonNode event) {
		String name = event.path("eventname").asString("");
		if (name.isEmpty()) {
			return reject(institution, 400, "eventname is missing");
		}
		if (!USED_EVENTS.contains(name)) {
			return ResponseEntity.ok(Map.of("status", "ignored", "reason", "event " + name + " does not affect badges"));
		}
		String course = LmsIds.positive(event.path("courseid"));
		String user = LmsIds.positive(event.path("relateduserid"));
		if (user == null) {
			user = LmsIds.positive(event.path("other").path("relateduserid"));
		}
		if (course == null) {
			return reject(institution, 400, "courseid is missing or not a positive number");
		}
		if (user == null) {
			return reject(institution, 400, "relateduserid (the learner) is missing or not a positive number");
		}
		if (!this.hints.submit(institution, course, user, name.substring(name.lastIndexOf('\\') + 1))) {
			reject(institution, 429, "too many hints waiting; the next poll reads this learner anyway");
			return ResponseEntity.status(429)
				.header(HttpHeaders.RETRY_AFTER, "30")
				.body(Map.of("error", "hint_queue_full"));
		}
		// 200, not 202: tool_trigger's HTTP post step fails and re-runs on anything but its expected
		// response, 200 by default
		return ResponseEntity.ok(Map.of("status", "accepted"));
	}

	private JsonNode parseEvent(String body) {
		try {
			return this.json.readTree((body != null) ? body : "");
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	private boolean secretMatches(String institution, String presented) {
		MoodleProperties.Site site = this.properties.institutions().get(institution);
		if (site == null || site.webhookSecret() == null || site.webhookSecret().isEmpty() || presented == null) {
			return false;
		}
		return MessageDigest.isEqual(site.webhookSecret().getBytes(StandardCharsets.UTF_8),
				presented.getBytes(StandardCharsets.UTF_8));
	}

	private ResponseEntity<Map<String, String>> reject(String institution, int status, String reason) {
		this.meters.counter("bridge.moodle.hints.rejected", "institution",
				this.properties.institutions().containsKey(institution) ? institution : "unknown", "status",
				Integer.toString(status)).increment();
		logger.warn("Rejected Moodle webhook for institution '{}': {} ({})", institution, status, reason);
		return ResponseEntity.status(status).body(Map.of("error", reason));
	}

	private static String bearer(String authorization) {
		if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return null;
		}
		return authorization.substring(7).trim();
	}

}

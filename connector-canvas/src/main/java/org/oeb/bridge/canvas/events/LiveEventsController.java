package org.oeb.bridge.canvas.events;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.MeterRegistry;
import org.oeb.bridge.canvas.site.CanvasProperties;
import org.oeb.bridge.common.connector.ConnectorProperties;
import org.oeb.bridge.common.connector.HintQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Receives Canvas Live Events (Canvas format, "Sign Payload" on) for one institution. The
 * signature is verified, the event bound to the institution by its root account's uuid, and
 * only the events that can change a badge are taken: each triggers a re-read of that learner
 * and course. An event never awards by itself. Repeats of the same signed event are answered
 * and ignored.
 */
@RestController
class LiveEventsController {

	private static final Logger logger = LoggerFactory.getLogger(LiveEventsController.class);

	private static final Set<String> USED_EVENTS = Set.of("course_completed", "course_progress", "course_grade_change",
			"grade_change", "submission_updated", "enrollment_updated");

	/** Canvas's global ids are shard × 10¹³ + the local id. */
	private static final long SHARD_FACTOR = 10_000_000_000_000L;

	private static final Duration REMEMBER_EVENTS = Duration.ofHours(1);

	private final CanvasProperties properties;

	private final Map<String, LiveEventVerifier> verifiers = new LinkedHashMap<>();

	private final HintQueue hints;

	private final StringRedisTemplate redis;

	private final String prefix;

	private final MeterRegistry meters;

	LiveEventsController(CanvasProperties properties, HintQueue hints, StringRedisTemplate redis,
			ConnectorProperties connector, MeterRegistry meters) {
		this.properties = properties;
		this.hints = hints;
		this.redis = redis;
		this.prefix = connector.redisKeyPrefixOr("oeb-canvas");
		this.meters = meters;
		properties.institutions().forEach((institution, site) -> {
			if (site.liveEvents() != null) {
				this.verifiers.put(institution, new LiveEventVerifier(site.liveEvents()));
			}
		});
	}

	@PostMapping(path = "/webhooks/canvas/{institution}/live-events")
	ResponseEntity<Map<String, String>> receive(@PathVariable String institution,
			@RequestBody(required = false) String body) {
		LiveEventVerifier verifier = this.verifiers.get(institution);
		if (verifier == null) {
			return reject(institution, 401, "unknown_institution",
					"no Live Events subscription is configured for this institution");
		}
		Map<String, Object> event;
		try {
			event = verifier.verify((body != null) ? body : "");
		}
		catch (LiveEventVerifier.Refused refused) {
			return reject(institution, refused.status(), refused.code(), refused.getMessage());
		}
		Map<?, ?> metadata = map(event.get("metadata"));
		Map<?, ?> payload = map(event.get("body"));
		String rootAccount = text(metadata.get("root_account_uuid"));
		if (rootAccount == null || !rootAccount.equals(this.properties.institutions().get(institution).rootAccountUuid())) {
			return reject(institution, 403, "foreign_tenant",
					"the event belongs to another root account than this institution's");
		}
		String name = text(metadata.get("event_name"));
		if (name == null || !USED_EVENTS.contains(name)) {
			return ResponseEntity.ok(Map.of("status", "ignored", "reason", "event " + name + " does not affect badges"));
		}
		String course = courseOf(name, metadata, payload);
		String user = userOf(name, payload);
		if (course == null || user == null) {
			// a job-originated event carries no course: the next poll reads the same state
			return ResponseEntity.ok(Map.of("status", "ignored", "reason", "the " + name + " event names no course or no user"));
		}
		String delivery = deliveryKey(institution, body.trim());
		if (!Boolean.TRUE.equals(this.redis.opsForValue().setIfAbsent(delivery, "1", REMEMBER_EVENTS))) {
			return ResponseEntity.ok(Map.of("status", "duplicate"));
		}
		if (!this.hints.submit(institution, course, user, name)) {
			// refused, so not taken: Canvas's retry of this very event must not count as a duplicate
			this.redis.delete(delivery);
			return ResponseEntity.status(429)
				.header(HttpHeaders.RETRY_AFTER, "30")
				.body(Map.of("error", "hint_queue_full"));
		}
		return ResponseEntity.ok(Map.of("status", "accepted"));
	}

	/** Completion events carry local ids in their body; the others global ids, and the course in the metadata. */
	private static String courseOf(String name, Map<?, ?> metadata, Map<?, ?> payload) {
		if (name.startsWith("course_completed") || name.startsWith("course_progress")) {
			return local(map(payload.get("course")).get("id"));
		}
		if (payload.containsKey("course_id")) {
			return local(payload.get("course_id"));
		}
		return "Course".equals(text(metadata.get("context_type"))) ? local(metadata.get("context_id")) : null;
	}

	private static String userOf(String name, Map<?, ?> payload) {
		if (name.startsWith("course_completed") || name.startsWith("course_progress")) {
			return local(map(payload.get("user")).get("id"));
		}
		Object user = payload.containsKey("student_id") ? payload.get("student_id") : payload.get("user_id");
		return local(user);
	}

	private String deliveryKey(String institution, String token) {
		return this.prefix + ":{" + institution + "}:live-event:" + sha256(token);
	}

	/** A local Canvas id from a local or global one, as a string of digits; null for anything else. */
	static String local(Object value) {
		String text = text(value);
		if (text == null || !text.matches("[1-9][0-9]{0,18}")) {
			return null;
		}
		long id = Long.parseLong(text) % SHARD_FACTOR;
		return (id > 0) ? Long.toString(id) : null;
	}

	private static String text(Object value) {
		if (value instanceof String string) {
			return string.trim();
		}
		if (value instanceof Number number && number.longValue() == number.doubleValue()) {
			return Long.toString(number.longValue());
		}
		return null;
	}

	private static Map<?, ?> map(Object value) {
		return (value instanceof Map<?, ?> map) ? map : Map.of();
	}

	private static String sha256(String text) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private ResponseEntity<Map<String, String>> reject(String institution, int status, String code, String reason) {
		this.meters.counter("bridge.canvas.live.events.rejected", "institution",
				this.properties.institutions().containsKey(institution) ? institution : "unknown", "reason", code)
			.increment();
		logger.warn("Rejected Canvas Live Event for institution '{}': {} {} ({})", institution, status, code, reason);
		return ResponseEntity.status(status).body(Map.of("error", code, "reason", reason));
	}

}

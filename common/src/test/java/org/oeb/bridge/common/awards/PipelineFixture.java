package org.oeb.bridge.common.awards;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.oeb.bridge.common.progress.LearnerProgress;
import org.oeb.bridge.common.progress.LearnerProgress.CourseCompletion;
import org.oeb.bridge.common.progress.LearnerProgress.GradeProgress;
import org.oeb.bridge.common.progress.LearnerProgress.Learner;
import org.oeb.bridge.testing.FakeOeb;

/** Configuration and progress snapshots shared by the pipeline tests. */
public final class PipelineFixture {

	public static final String INSTITUTION = "uni-a";

	public static final String DRY_INSTITUTION = "uni-dry";

	public static final String API_KEY = "connector-key-" + UUID.randomUUID();

	public static final String COURSE_BADGE = "CourseBadge0000000000A";

	public static final String GRADE_BADGE = "GradeBadge00000000000A";

	public static final String TWO_COURSE_BADGE = "TwoCourseBadge0000000A";

	public static final String MISSING_BADGE = "MissingBadge000000000A";

	public static final String OPERATOR_PASSWORD = "operator-password";

	private PipelineFixture() {
	}

	public static void prepare(FakeOeb oeb) {
		oeb.actAsGateway(INSTITUTION, API_KEY).actAsGateway(DRY_INSTITUTION, API_KEY).badgeClass(COURSE_BADGE)
			.badgeClass(GRADE_BADGE)
			.badgeClass(TWO_COURSE_BADGE);
	}

	/** Properties of an engine against the fake OEB, with Redis keys of its own. */
	public static Map<String, String> properties(FakeOeb oeb, String redisPrefix) {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("bridge.issuance.gateway-url", oeb.baseUrl());
		properties.put("bridge.issuance.max-in-flight", "8");
		properties.put("bridge.issuance.request-timeout", "3s");
		properties.put("bridge.issuance.connect-timeout", "500ms");
		properties.put("bridge.issuance.settle-time", "4s");
		properties.put("bridge.issuance.takeover-after", "2s");
		properties.put("bridge.issuance.maintenance-interval", "100ms");
		properties.put("bridge.issuance.retry-initial", "100ms");
		properties.put("bridge.issuance.retry-max", "500ms");
		properties.put("bridge.issuance.give-up-after", "1h");
		properties.put("bridge.issuance.quota-pause", "1h");
		properties.put("bridge.awards.redis-key-prefix", redisPrefix);
		String institution = "bridge.awards.institutions." + INSTITUTION + ".";
		properties.put(institution + "gateway-api-key", API_KEY);
		properties.put(institution + "rules[0].id", "course-42");
		properties.put(institution + "rules[0].badge-class", COURSE_BADGE);
		properties.put(institution + "rules[0].when", "course-completed(course=42)");
		properties.put(institution + "rules[1].id", "grade-43");
		properties.put(institution + "rules[1].badge-class", GRADE_BADGE);
		properties.put(institution + "rules[1].when", "grade-at-least(course=43, percent=80)");
		properties.put(institution + "rules[1].notify-learner", "false");
		properties.put(institution + "rules[2].id", "missing-44");
		properties.put(institution + "rules[2].badge-class", MISSING_BADGE);
		properties.put(institution + "rules[2].when", "course-completed(course=44)");
		properties.put(institution + "rules[3].id", "two-courses");
		properties.put(institution + "rules[3].badge-class", TWO_COURSE_BADGE);
		properties.put(institution + "rules[3].when", "all-of(course-completed(course=45), course-completed(course=46))");
		String dry = "bridge.awards.institutions." + DRY_INSTITUTION + ".";
		properties.put(dry + "gateway-api-key", API_KEY);
		properties.put(dry + "dry-run", "true");
		properties.put(dry + "rules[0].id", "course-42");
		properties.put(dry + "rules[0].badge-class", COURSE_BADGE);
		properties.put(dry + "rules[0].when", "course-completed(course=42)");
		properties.put("bridge.operator.username", "support");
		properties.put("bridge.operator.password-hash", "{noop}" + OPERATOR_PASSWORD);
		properties.put("management.endpoints.web.exposure.include", "health,issuance,learners,prometheus");
		properties.put("management.endpoint.health.show-details", "always");
		return properties;
	}

	/** {@link #properties} with {@code overrides}, as command-line arguments of an engine. */
	public static List<String> arguments(FakeOeb oeb, String redisPrefix, Map<String, String> overrides) {
		Map<String, String> properties = new LinkedHashMap<>(properties(oeb, redisPrefix));
		properties.putAll(overrides);
		List<String> arguments = new ArrayList<>();
		properties.forEach((key, value) -> arguments.add("--" + key + "=" + value));
		return arguments;
	}

	/** A pending award of rule {@code course-42} for {@code user}, as a decision records it. */
	public static Award courseAward(String user) {
		return new Award("course-42", user, COURSE_BADGE, email(user), "Learner " + user, true, "moodle", "42",
				Instant.parse("2026-05-04T12:00:00Z"), Instant.now(), "[]");
	}

	public static String email(String user) {
		return user + "@uni-a.example";
	}

	/** {@code count} fresh user ids starting with {@code letter}. */
	public static List<String> users(String letter, int count) {
		List<String> users = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			users.add(letter + UUID.randomUUID().toString().substring(0, 12));
		}
		return users;
	}

	public static LearnerProgress completed(String institution, String course, String user, String email) {
		return new LearnerProgress(institution, "moodle", course, "Course " + course,
				URI.create("https://moodle.uni-a.example/course/view.php?id=" + course),
				new Learner(user, email, "Learner " + user), new CourseCompletion(true, Instant.parse("2026-05-04T12:00:00Z")),
				Map.of(), Map.of(), Instant.now());
	}

	public static LearnerProgress graded(String user, String email, double percent) {
		return new LearnerProgress(INSTITUTION, "moodle", "43", "Statistics",
				URI.create("https://moodle.uni-a.example/course/view.php?id=43"), new Learner(user, email, "Learner " + user),
				null, Map.of(), Map.of(LearnerProgress.COURSE_TOTAL,
						new GradeProgress(null, percent, 0, 100, Instant.parse("2026-05-05T12:00:00Z"), false, false)),
				Instant.now());
	}

}

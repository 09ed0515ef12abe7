package org.oeb.bridge.canvas.read;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.oeb.bridge.canvas.site.CanvasClient;
import org.oeb.bridge.canvas.site.CanvasException;
import org.oeb.bridge.canvas.site.CanvasProperties;
import org.oeb.bridge.common.connector.CourseRead;
import org.oeb.bridge.common.connector.LmsIds;
import org.oeb.bridge.common.progress.CompletionState;
import org.oeb.bridge.common.progress.LearnerProgress;
import org.oeb.bridge.common.progress.LearnerProgress.ActivityProgress;
import org.oeb.bridge.common.progress.LearnerProgress.CourseCompletion;
import org.oeb.bridge.common.progress.LearnerProgress.GradeProgress;
import org.oeb.bridge.common.rules.RuleNeeds;
import tools.jackson.databind.JsonNode;

/**
 * One Canvas course for one cycle. The roster ({@code users} with their enrollments) carries
 * every learner's scores; {@code bulk_user_progress} every learner's module progress. Change
 * signals: submissions graded since the cursor ({@code graded_since}, less an overlap, as
 * Canvas recomputes course scores after grading), and any learner whose score or progress
 * differs from what the last recorded cycle saw. Module states are read per learner, only for
 * module rules. The course's module-based check (a 400 from {@code bulk_user_progress}) turns
 * completion rules off for the course and says so in health.
 */
class CanvasCourseRead implements CourseRead {

	private final String institution;

	private final CanvasClient client;

	private final CanvasProperties.Site site;

	private final String course;

	private final RuleNeeds needs;

	private final Map<String, String> lastSeen;

	private final Consumer<Map<String, String>> keepSeen;

	private final Supplier<String> knownName;

	private final Consumer<String> keepName;

	private final Map<String, Double> scores = new HashMap<>();

	private final Map<String, JsonNode> progress = new HashMap<>();

	private final Map<String, String> seen = new HashMap<>();

	private volatile boolean moduleBased = true;

	private boolean progressRead;

	private String courseName;

	CanvasCourseRead(String institution, CanvasClient client, CanvasProperties.Site site, String course, RuleNeeds needs,
			Map<String, String> lastSeen, Consumer<Map<String, String>> keepSeen, Supplier<String> knownName,
			Consumer<String> keepName) {
		this.institution = institution;
		this.client = client;
		this.site = site;
		this.course = course;
		this.needs = needs;
		this.lastSeen = lastSeen;
		this.keepSeen = keepSeen;
		this.knownName = knownName;
		this.keepName = keepName;
	}

	@Override
	public List<RosterEntry> learners() {
		this.courseName = this.knownName.get();
		if (this.courseName == null) {
			this.courseName = this.client.get("/api/v1/courses/" + this.course).path("name").asString(null);
			this.keepName.accept(this.courseName);
		}
		List<JsonNode> users = this.client.getAll("/api/v1/courses/" + this.course
				+ "/users?enrollment_type[]=student&include[]=email&include[]=enrollments");
		Map<String, RosterEntry> learners = new java.util.LinkedHashMap<>();
		for (JsonNode user : users) {
			String id = LmsIds.positive(user.path("id"));
			if (id == null) {
				continue;
			}
			String email = user.path("email").isString() ? user.path("email").asString() : null;
			learners.put(id, new RosterEntry(id, email, user.path("name").asString(""), this.courseName));
			for (JsonNode enrollment : user.path("enrollments")) {
				if (this.course.equals(LmsIds.positive(enrollment.path("course_id")))
						&& "StudentEnrollment".equals(enrollment.path("type").asString(""))) {
					this.scores.put(id, effectiveScore(enrollment.path("grades")));
				}
			}
			this.seen.put(id, "score=" + this.scores.get(id));
		}
		return List.copyOf(learners.values());
	}

	/** An override wins; otherwise the final or current score as configured; unposted scores never count. */
	private Double effectiveScore(JsonNode grades) {
		JsonNode override = grades.path("override_score");
		if (override.isNumber()) {
			return override.asDouble();
		}
		JsonNode score = grades.path((this.site.score() == CanvasProperties.Score.CURRENT) ? "current_score" : "final_score");
		return score.isNumber() ? score.asDouble() : null;
	}

	@Override
	public Set<String> changedSince(Instant since, Set<String> open) {
		Set<String> changed = new LinkedHashSet<>();
		if (!this.needs.courseCompletionRules().isEmpty() || !this.needs.activityRules().isEmpty()) {
			readProgress();
		}
		for (String id : open) {
			String previous = this.lastSeen.get(id);
			if (previous == null || !previous.equals(this.seen.get(id))) {
				changed.add(id);
			}
			JsonNode learner = this.progress.get(id);
			if (learner != null && !this.needs.courseCompletionRules().isEmpty()
					&& !learner.path("completed_at").isNull() && learner.has("completed_at")) {
				changed.add(id);
			}
		}
		if (since != null && !this.needs.gradeRules().isEmpty()) {
			String from = since.minus(this.site.gradedOverlap()).toString();
			for (JsonNode submission : this.client.getAll("/api/v1/courses/" + this.course
					+ "/students/submissions?student_ids[]=all&graded_since=" + URLEncoder.encode(from, StandardCharsets.UTF_8)
					+ "&order=graded_at")) {
				String user = LmsIds.positive(submission.path("user_id"));
				// a grade the learner cannot see yet (posted_at null) is not awardable
				if (user != null && open.contains(user) && !submission.path("posted_at").isNull()
						&& submission.has("posted_at")) {
					changed.add(user);
				}
			}
		}
		return changed;
	}

	private synchronized void readProgress() {
		if (this.progressRead) {
			return;
		}
		this.progressRead = true;
		try {
			for (JsonNode learner : this.client.getAll("/api/v1/courses/" + this.course + "/bulk_user_progress")) {
				String id = LmsIds.positive(learner.path("id"));
				if (id != null) {
					JsonNode progress = learner.path("progress");
					this.progress.put(id, progress);
					this.seen.merge(id, "progress=" + progress.path("requirement_completed_count").asInt(-1) + "/"
							+ progress.path("completed_at").asString(""), (a, b) -> a + ";" + b);
				}
			}
		}
		catch (CanvasException ex) {
			if (ex.status() != 400) {
				throw ex;
			}
			this.moduleBased = false;
		}
	}

	@Override
	public LearnerProgress progress(RosterEntry learner, LearnerNeeds needs) {
		String id = learner.userId();
		CourseCompletion completion = null;
		if (needs.courseCompletion()) {
			completion = completion(progressOf(id));
		}
		Map<String, ActivityProgress> modules = needs.activities() ? modules(id) : Map.of();
		Map<String, GradeProgress> grades = Map.of();
		Double score = needs.grades() ? scoreOf(id) : null;
		if (score != null) {
			grades = Map.of(LearnerProgress.COURSE_TOTAL,
					new GradeProgress("Course score", score, 0, 100, null, false, false));
		}
		return new LearnerProgress(this.institution, "canvas", this.course, learner.courseName(),
				URI.create(this.client.root() + "/courses/" + this.course),
				new LearnerProgress.Learner(id, learner.email(), learner.fullName()), completion, modules, grades,
				Instant.now());
	}

	/** From the course's progress read when this cycle made one, else (a hint) the learner's own progress. */
	private JsonNode progressOf(String userId) {
		synchronized (this) {
			if (this.progressRead) {
				return this.progress.get(userId);
			}
		}
		try {
			return this.client.get("/api/v1/courses/" + this.course + "/users/" + userId + "/progress");
		}
		catch (CanvasException ex) {
			if (ex.status() != 400) {
				throw ex;
			}
			this.moduleBased = false;
			return null;
		}
	}

	/** From the roster when this read has one, else (a hint) from the learner's enrollment. */
	private Double scoreOf(String userId) {
		if (this.scores.containsKey(userId)) {
			return this.scores.get(userId);
		}
		Double score = null;
		for (JsonNode enrollment : this.client.getAll("/api/v1/courses/" + this.course
				+ "/enrollments?type[]=StudentEnrollment&user_id=" + userId)) {
			if (userId.equals(LmsIds.positive(enrollment.path("user_id")))) {
				score = effectiveScore(enrollment.path("grades"));
			}
		}
		return score;
	}

	private CourseCompletion completion(JsonNode progress) {
		if (!this.moduleBased || progress == null) {
			return null;
		}
		Instant completedAt = instant(progress.path("completed_at"));
		boolean complete = completedAt != null
				&& progress.path("requirement_completed_count").asInt(0) >= progress.path("requirement_count").asInt(1);
		return new CourseCompletion(complete, complete ? completedAt : null);
	}

	private Map<String, ActivityProgress> modules(String userId) {
		Map<String, ActivityProgress> modules = new HashMap<>();
		for (JsonNode module : this.client.getAll("/api/v1/courses/" + this.course + "/modules?student_id=" + userId)) {
			String id = LmsIds.positive(module.path("id"));
			if (id == null) {
				continue;
			}
			boolean completed = "completed".equals(module.path("state").asString(""));
			modules.put(id, new ActivityProgress(module.path("name").asString("module " + id),
					URI.create(this.client.root() + "/courses/" + this.course + "/modules/" + id),
					completed ? CompletionState.COMPLETE : CompletionState.INCOMPLETE,
					completed ? instant(module.path("completed_at")) : null));
		}
		return modules;
	}

	@Override
	public void recorded() {
		Map<String, String> kept = new HashMap<>(this.lastSeen);
		kept.putAll(this.seen);
		this.keepSeen.accept(Map.copyOf(kept));
	}

	@Override
	public String note() {
		return (!this.moduleBased && !this.needs.courseCompletionRules().isEmpty())
				? "the course has no modules with completion requirements, so Canvas reports no completion: its "
						+ "course-completed rules cannot fire until requirements are added"
				: null;
	}

	private static Instant instant(JsonNode value) {
		if (!value.isString()) {
			return null;
		}
		try {
			return Instant.parse(value.asString());
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

}

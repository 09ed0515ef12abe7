package org.oeb.bridge.moodle.read;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.oeb.bridge.common.progress.CompletionState;
import org.oeb.bridge.common.progress.LearnerProgress;
import org.oeb.bridge.common.progress.LearnerProgress.ActivityProgress;
import org.oeb.bridge.common.progress.LearnerProgress.CourseCompletion;
import org.oeb.bridge.common.progress.LearnerProgress.GradeProgress;
import org.oeb.bridge.moodle.site.MoodleClient;
import org.oeb.bridge.moodle.site.MoodleException;
import tools.jackson.databind.JsonNode;

/**
 * Reads one course's learners, grades and completion states through Moodle's Web Services,
 * in the real response shapes (ids may arrive as strings, optional keys may be missing), and
 * maps them to LMS-neutral progress.
 */
class MoodleReader {

	private static final CompletionState[] STATES = { CompletionState.INCOMPLETE, CompletionState.COMPLETE,
			CompletionState.COMPLETE_PASS, CompletionState.COMPLETE_FAIL };

	/** Learners of the course, in the given roles, with what Moodle shows of them. */
	List<EnrolledLearner> enrolledLearners(MoodleClient client, String course, List<String> roles) {
		JsonNode users = client.call("core_enrol_get_enrolled_users", Map.of("courseid", course));
		List<EnrolledLearner> learners = new ArrayList<>();
		for (JsonNode user : users) {
			boolean learner = false;
			for (JsonNode role : user.path("roles")) {
				learner |= roles.contains(role.path("shortname").asString(""));
			}
			if (!learner) {
				continue;
			}
			String courseName = null;
			for (JsonNode enrolled : user.path("enrolledcourses")) {
				if (text(enrolled.path("id")).equals(course)) {
					courseName = enrolled.path("fullname").asString(null);
				}
			}
			String email = user.has("email") ? user.path("email").asString(null) : null;
			learners.add(new EnrolledLearner(text(user.path("id")), email, user.path("fullname").asString(""),
					user.path("lastcourseaccess").asLong(0), courseName));
		}
		return learners;
	}

	/** Grades of every learner ({@code userId} 0) or of one, keyed by user id then grade item. */
	Map<String, Map<String, GradeProgress>> grades(MoodleClient client, String course, String userId) {
		JsonNode answer = client.call("gradereport_user_get_grade_items", Map.of("courseid", course, "userid", userId));
		Map<String, Map<String, GradeProgress>> grades = new HashMap<>();
		for (JsonNode user : answer.path("usergrades")) {
			Map<String, GradeProgress> items = new HashMap<>();
			for (JsonNode item : user.path("gradeitems")) {
				String key = "course".equals(item.path("itemtype").asString("")) ? LearnerProgress.COURSE_TOTAL
						: text(item.path("id"));
				JsonNode raw = item.path("graderaw");
				// without the range columns Moodle omits min/max: percent rules then cannot fire
				double min = item.path("grademin").asDouble(0);
				double max = item.has("grademax") ? item.path("grademax").asDouble(0) : min;
				items.put(key, new GradeProgress(item.path("itemname").asString(null),
						raw.isNumber() ? raw.asDouble() : null, min, max, seconds(item.path("gradedategraded")),
						item.path("gradeneedsupdate").asBoolean(false), item.path("gradeishidden").asBoolean(false)));
			}
			grades.put(text(user.path("userid")), items);
		}
		return grades;
	}

	/**
	 * Course completion of one learner. Moodle gives no course-level time; the latest
	 * criterion time is when the course was achieved. {@code null} when Moodle tracks no
	 * completion for the learner (no criteria, not enrolled).
	 */
	CourseCompletion courseCompletion(MoodleClient client, String course, String userId) {
		JsonNode answer = callForLearner(client, "core_completion_get_course_completion_status", course, userId);
		if (answer == null) {
			return null;
		}
		JsonNode status = answer.path("completionstatus");
		boolean completed = status.path("completed").asBoolean(false);
		Instant latest = null;
		for (JsonNode criterion : status.path("completions")) {
			Instant at = seconds(criterion.path("timecompleted"));
			if (at != null && (latest == null || at.isAfter(latest))) {
				latest = at;
			}
		}
		return new CourseCompletion(completed, completed ? latest : null);
	}

	Map<String, ActivityProgress> activities(MoodleClient client, String course, String userId) {
		JsonNode answer = callForLearner(client, "core_completion_get_activities_completion_status", course, userId);
		if (answer == null) {
			return Map.of();
		}
		Map<String, ActivityProgress> activities = new HashMap<>();
		for (JsonNode status : answer.path("statuses")) {
			String cmid = text(status.path("cmid"));
			String module = status.path("modname").asString("mod");
			int state = status.path("state").asInt(0);
			activities.put(cmid, new ActivityProgress(module + " #" + cmid,
					URI.create(client.wwwroot() + "/mod/" + module + "/view.php?id=" + cmid),
					(state >= 0 && state < STATES.length) ? STATES[state] : CompletionState.INCOMPLETE,
					seconds(status.path("timecompleted"))));
		}
		return activities;
	}

	/**
	 * A per-learner completion call; {@code null} when Moodle refuses it for that learner
	 * ({@code usernotenroled}, {@code nocriteriaset}, …), which skips the learner, not the cycle.
	 */
	private static JsonNode callForLearner(MoodleClient client, String function, String course, String userId) {
		try {
			return client.call(function, Map.of("courseid", course, "userid", userId));
		}
		catch (MoodleException ex) {
			if (ex.kind() == MoodleException.Kind.REFUSED) {
				return null;
			}
			throw ex;
		}
	}

	static URI courseUrl(MoodleClient client, String course) {
		return URI.create(client.wwwroot() + "/course/view.php?id=" + course);
	}

	private static Instant seconds(JsonNode value) {
		long seconds = value.isNumber() ? value.asLong() : (value.isString() ? parse(value.asString()) : 0);
		return (seconds > 0) ? Instant.ofEpochSecond(seconds) : null;
	}

	private static long parse(String text) {
		try {
			return Long.parseLong(text.trim());
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	/** Moodle ids arrive as numbers from the REST server and as strings from webhook plugins. */
	static String text(JsonNode value) {
		if (value.isIntegralNumber()) {
			return Long.toString(value.asLong());
		}
		return value.asString("");
	}

	/** A learner as the enrolment list shows them. */
	record EnrolledLearner(String userId, String email, String fullName, long lastCourseAccess, String courseName) {
	}

}

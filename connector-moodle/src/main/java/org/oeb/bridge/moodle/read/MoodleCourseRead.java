package org.oeb.bridge.moodle.read;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.oeb.bridge.common.connector.CourseRead;
import org.oeb.bridge.common.progress.LearnerProgress;
import org.oeb.bridge.common.progress.LearnerProgress.ActivityProgress;
import org.oeb.bridge.common.progress.LearnerProgress.CourseCompletion;
import org.oeb.bridge.common.progress.LearnerProgress.GradeProgress;
import org.oeb.bridge.moodle.read.MoodleReader.EnrolledLearner;
import org.oeb.bridge.moodle.site.MoodleClient;

/**
 * One Moodle course for one cycle. Change signals, all course-wide: {@code lastcourseaccess}
 * from the enrolment list, {@code gradedategraded} from one grade read of every learner (a
 * teacher's grading, which may complete the course without the learner visiting), and the
 * completion report when one is configured. The grade read also serves the grade rules.
 */
class MoodleCourseRead implements CourseRead {

	/** Moodle updates {@code lastcourseaccess} at most once a minute; read a little further back. */
	private static final Duration OVERLAP = Duration.ofSeconds(120);

	private final String institution;

	private final MoodleClient client;

	private final String course;

	private final List<String> learnerRoles;

	private final MoodleReader reader;

	private final CompletionFeed feed;

	private volatile Map<String, EnrolledLearner> enrolled = Map.of();

	private volatile Map<String, Map<String, GradeProgress>> grades;

	private volatile Map<String, Instant> reported = Map.of();

	MoodleCourseRead(String institution, MoodleClient client, String course, List<String> learnerRoles,
			MoodleReader reader, CompletionFeed feed) {
		this.institution = institution;
		this.client = client;
		this.course = course;
		this.learnerRoles = learnerRoles;
		this.reader = reader;
		this.feed = feed;
	}

	@Override
	public List<RosterEntry> learners() {
		List<EnrolledLearner> learners = this.reader.enrolledLearners(this.client, this.course, this.learnerRoles);
		Map<String, EnrolledLearner> byId = new HashMap<>();
		learners.forEach((learner) -> byId.put(learner.userId(), learner));
		this.enrolled = byId;
		return learners.stream()
			.map((learner) -> new RosterEntry(learner.userId(), learner.email(), learner.fullName(),
					learner.courseName()))
			.toList();
	}

	@Override
	public Set<String> changedSince(Instant since, Set<String> open) {
		Set<String> changed = new LinkedHashSet<>();
		if (this.feed != null) {
			this.reported = this.feed.completions().getOrDefault(this.course, Map.of());
			this.reported.keySet().stream().filter(open::contains).forEach(changed::add);
		}
		this.grades = this.reader.grades(this.client, this.course, "0");
		if (since == null) {
			return changed;
		}
		long from = since.minus(OVERLAP).getEpochSecond();
		for (String id : open) {
			EnrolledLearner learner = this.enrolled.get(id);
			if (learner != null && learner.lastCourseAccess() >= from) {
				changed.add(id);
				continue;
			}
			for (GradeProgress grade : this.grades.getOrDefault(id, Map.of()).values()) {
				if (grade.gradedAt() != null && grade.gradedAt().getEpochSecond() >= from) {
					changed.add(id);
					break;
				}
			}
		}
		return changed;
	}

	@Override
	public LearnerProgress progress(RosterEntry learner, LearnerNeeds needs) {
		String id = learner.userId();
		CourseCompletion completion = null;
		if (needs.courseCompletion()) {
			Instant reportedAt = this.reported.get(id);
			completion = (reportedAt != null) ? new CourseCompletion(true, reportedAt)
					: this.reader.courseCompletion(this.client, this.course, id);
		}
		Map<String, ActivityProgress> activities = needs.activities()
				? this.reader.activities(this.client, this.course, id) : Map.of();
		Map<String, GradeProgress> learnerGrades = Map.of();
		if (needs.grades()) {
			Map<String, Map<String, GradeProgress>> known = this.grades;
			learnerGrades = ((known != null) ? known : this.reader.grades(this.client, this.course, id))
				.getOrDefault(id, Map.of());
		}
		return new LearnerProgress(this.institution, "moodle", this.course, learner.courseName(),
				MoodleReader.courseUrl(this.client, this.course),
				new LearnerProgress.Learner(id, learner.email(), learner.fullName()), completion, activities,
				learnerGrades, Instant.now());
	}

}

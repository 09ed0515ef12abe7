package org.oeb.bridge.common.progress;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of one learner in one course, as a connector read it from the LMS.
 *
 * @param institution institution id (as configured for the connector)
 * @param lms which LMS, e.g. {@code moodle}
 * @param courseId the LMS course id
 * @param courseName the course's full name, for evidence
 * @param courseUrl the course's page in the LMS, for evidence
 * @param learner who
 * @param completion course completion, or {@code null} when the LMS tracks none
 * @param activities activity states by LMS activity id
 * @param grades grades by grade item id; {@link #COURSE_TOTAL} is the course total
 * @param observedAt when the connector read it
 */
public record LearnerProgress(String institution, String lms, String courseId, String courseName, URI courseUrl,
		Learner learner, CourseCompletion completion, Map<String, ActivityProgress> activities,
		Map<String, GradeProgress> grades, Instant observedAt) {

	/** The grade item id of the course total. */
	public static final String COURSE_TOTAL = "course";

	public LearnerProgress {
		Objects.requireNonNull(institution, "institution");
		Objects.requireNonNull(lms, "lms");
		Objects.requireNonNull(courseId, "courseId");
		Objects.requireNonNull(learner, "learner");
		activities = (activities != null) ? Map.copyOf(activities) : Map.of();
		grades = (grades != null) ? Map.copyOf(grades) : Map.of();
		observedAt = (observedAt != null) ? observedAt : Instant.now();
	}

	/**
	 * The learner.
	 *
	 * @param userId the LMS user id: the stable key of every decision
	 * @param email e-mail as the LMS shows it, or {@code null} when it is hidden from the
	 * connector
	 * @param fullName display name printed on OEB's certificate
	 */
	public record Learner(String userId, String email, String fullName) {

		public Learner {
			Objects.requireNonNull(userId, "userId");
		}

		@Override
		public String toString() {
			return "Learner[userId=" + this.userId + "]";
		}

	}

	/**
	 * Course completion.
	 *
	 * @param completed whether the LMS says the course is complete
	 * @param completedAt when, as well as the LMS can tell; {@code null} when unknown
	 */
	public record CourseCompletion(boolean completed, Instant completedAt) {
	}

	/**
	 * One activity.
	 *
	 * @param name its name, for evidence
	 * @param url its page, for evidence
	 * @param state its completion state
	 * @param completedAt the time of the last state change
	 */
	public record ActivityProgress(String name, URI url, CompletionState state, Instant completedAt) {
	}

	/**
	 * One grade.
	 *
	 * @param name item name, for evidence
	 * @param raw the raw grade, {@code null} when not graded
	 * @param min the item's minimum grade
	 * @param max the item's maximum grade
	 * @param gradedAt when it was graded
	 * @param needsUpdate the LMS says the grade is being recalculated
	 * @param hidden the grade is hidden from the learner
	 */
	public record GradeProgress(String name, Double raw, double min, double max, Instant gradedAt,
			boolean needsUpdate, boolean hidden) {

		/** Percent of the range, or {@code null} when there is no usable grade. */
		public Double percent() {
			if (this.raw == null || this.max <= this.min) {
				return null;
			}
			return (this.raw - this.min) / (this.max - this.min) * 100.0;
		}

	}

}

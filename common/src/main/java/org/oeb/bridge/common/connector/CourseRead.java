package org.oeb.bridge.common.connector;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.oeb.bridge.common.progress.LearnerProgress;

/**
 * One course of one site, read for one cycle: the roster, the LMS's cheap course-wide change
 * signals, and each learner's progress. Implementations may keep what one call returned for
 * the next (a course-wide grade read serves both the change signal and the grade rules).
 */
public interface CourseRead {

	/** The course's learners (only the roles that count as learners). */
	List<RosterEntry> learners();

	/**
	 * The learners among {@code open} whose state the LMS shows as changed since {@code since}
	 * (activity in the course, a grade given, a completion reported), read course-wide at a
	 * cost that does not grow with the learners. {@code since} is null in a course's first cycle.
	 */
	Set<String> changedSince(Instant since, Set<String> open);

	/** One learner's progress, reading only what {@code needs} asks for. */
	LearnerProgress progress(RosterEntry learner, LearnerNeeds needs);

	/**
	 * Called once the cycle's decisions and cursor are stored: what the read remembers for the
	 * next cycle (a progress snapshot) may be kept now, and not before.
	 */
	default void recorded() {
	}

	/**
	 * Something an administrator should know about the course that did not stop the cycle
	 * (completion rules that cannot fire), shown in health; {@code null} when nothing.
	 */
	default String note() {
		return null;
	}

	/** A learner as the roster shows them. */
	record RosterEntry(String userId, String email, String fullName, String courseName) {

		@Override
		public String toString() {
			return "RosterEntry[userId=" + this.userId + "]";
		}

	}

	/** Which parts of one learner's progress the open rules read. */
	record LearnerNeeds(boolean courseCompletion, boolean activities, boolean grades) {

		public boolean any() {
			return this.courseCompletion || this.activities || this.grades;
		}

	}

}

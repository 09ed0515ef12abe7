package org.oeb.bridge.common.rules;

import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.oeb.bridge.common.progress.CompletionState;
import org.oeb.bridge.common.progress.LearnerProgress;
import org.oeb.bridge.common.progress.LearnerProgress.ActivityProgress;
import org.oeb.bridge.common.progress.LearnerProgress.CourseCompletion;
import org.oeb.bridge.common.progress.LearnerProgress.GradeProgress;
import org.oeb.bridge.common.progress.LearnerProgress.Learner;

import static org.assertj.core.api.Assertions.assertThat;

/** Every condition and combination, as a table: condition text, progress, expected outcome. */
class ConditionTests {

	private static final Instant T1 = Instant.parse("2026-03-01T10:00:00Z");

	private static final Instant T2 = Instant.parse("2026-04-01T10:00:00Z");

	private static final Instant T3 = Instant.parse("2026-05-01T10:00:00Z");

	private static final Instant SEEN = Instant.parse("2026-06-01T00:00:00Z");

	static Stream<Arguments> table() {
		return Stream.of(
				// course-completed
				row("course-completed(course=42)", course("42").completed(T1), T1),
				row("course-completed(course=42)", course("42").notCompleted(), null),
				row("course-completed(course=42)", course("42"), null),
				row("course-completed(course=42)", course("43").completed(T1), null),
				row("course-completed(course=42)", course("42").completed(null), SEEN),
				// activity-completed, default states complete|complete-pass
				row("activity-completed(course=42, activity=7)", course("42").activity("7", CompletionState.COMPLETE, T1), T1),
				row("activity-completed(course=42, activity=7)", course("42").activity("7", CompletionState.COMPLETE_PASS, T1), T1),
				row("activity-completed(course=42, activity=7)", course("42").activity("7", CompletionState.COMPLETE_FAIL, T1), null),
				row("activity-completed(course=42, activity=7)", course("42").activity("7", CompletionState.INCOMPLETE, T1), null),
				row("activity-completed(course=42, activity=7, states=complete|complete-pass|complete-fail)",
						course("42").activity("7", CompletionState.COMPLETE_FAIL, T1), T1),
				row("activity-completed(course=42, activity=7, states=complete-pass)",
						course("42").activity("7", CompletionState.COMPLETE, T1), null),
				row("activity-completed(course=42, activity=8)", course("42").activity("7", CompletionState.COMPLETE, T1), null),
				// activity-passed
				row("activity-passed(course=42, activity=7)", course("42").activity("7", CompletionState.COMPLETE_PASS, T2), T2),
				row("activity-passed(course=42, activity=7)", course("42").activity("7", CompletionState.COMPLETE, T2), null),
				row("activity-passed(course=42, activity=7)", course("42").activity("7", CompletionState.COMPLETE_FAIL, T2), null),
				// grade-at-least in percent: (raw - min) / (max - min)
				row("grade-at-least(course=42, percent=80)", course("42").grade("course", 80.0, 0, 100, T1), T1),
				row("grade-at-least(course=42, percent=80)", course("42").grade("course", 79.99, 0, 100, T1), null),
				row("grade-at-least(course=42, percent=50)", course("42").grade("course", 15.0, 10, 20, T1), T1),
				row("grade-at-least(course=42, percent=51)", course("42").grade("course", 15.0, 10, 20, T1), null),
				row("grade-at-least(course=42, item=99, percent=50)", course("42").grade("99", 3.0, 0, 6, T2), T2),
				row("grade-at-least(course=42, item=99, percent=50)", course("42").grade("course", 6.0, 0, 6, T2), null),
				// grade-at-least in points
				row("grade-at-least(course=42, points=40)", course("42").grade("course", 40.0, 0, 50, T1), T1),
				row("grade-at-least(course=42, points=40.5)", course("42").grade("course", 40.0, 0, 50, T1), null),
				// a null, recalculating or hidden grade never fires
				row("grade-at-least(course=42, percent=0)", course("42").grade("course", null, 0, 100, T1), null),
				row("grade-at-least(course=42, percent=10)", course("42").gradeNeedingUpdate("course", 90.0), null),
				row("grade-at-least(course=42, percent=10)", course("42").hiddenGrade("course", 90.0), null),
				row("grade-at-least(course=42, percent=10)", course("42").grade("course", 5.0, 5, 5, T1), null),
				// all-of: achieved when the last child was
				row("all-of(course-completed(course=42), grade-at-least(course=42, percent=80))",
						course("42").completed(T1).grade("course", 90.0, 0, 100, T2), T2),
				row("all-of(course-completed(course=42), grade-at-least(course=42, percent=80))",
						course("42").completed(T1).grade("course", 70.0, 0, 100, T2), null),
				// any-of: achieved when the first child was
				row("any-of(course-completed(course=42), activity-passed(course=42, activity=7))",
						course("42").completed(T3).activity("7", CompletionState.COMPLETE_PASS, T1), T1),
				row("any-of(course-completed(course=42), activity-passed(course=42, activity=7))",
						course("42").notCompleted().activity("7", CompletionState.COMPLETE, T1), null),
				// at-least-n-of: achieved when the n-th child was
				row("at-least-n-of(n=2, activity-completed(course=42, activity=1), activity-completed(course=42, activity=2), "
						+ "activity-completed(course=42, activity=3))",
						course("42").activity("1", CompletionState.COMPLETE, T3)
							.activity("2", CompletionState.COMPLETE, T1)
							.activity("3", CompletionState.INCOMPLETE, null),
						T3),
				row("at-least-n-of(n=3, activity-completed(course=42, activity=1), activity-completed(course=42, activity=2), "
						+ "activity-completed(course=42, activity=3))",
						course("42").activity("1", CompletionState.COMPLETE, T3).activity("2", CompletionState.COMPLETE, T1),
						null),
				// nesting
				row("any-of(all-of(course-completed(course=42), grade-at-least(course=42, percent=90)), "
						+ "activity-passed(course=42, activity=7))",
						course("42").completed(T1).grade("course", 95.0, 0, 100, T2), T2));
	}

	@ParameterizedTest(name = "{0} on {1}")
	@MethodSource("table")
	void evaluatesConditionOnProgress(String condition, ProgressBuilder progress, Instant expectedAchievedAt) {
		Optional<Achievement> achievement = ConditionParser.parse(condition).evaluate(progress.courses());

		if (expectedAchievedAt == null) {
			assertThat(achievement).isEmpty();
		}
		else {
			assertThat(achievement).get().extracting(Achievement::achievedAt).isEqualTo(expectedAchievedAt);
		}
	}

	@Test
	void ruleSpanningTwoCoursesNeedsBoth() {
		Condition condition = ConditionParser.parse("all-of(course-completed(course=1), course-completed(course=2))");
		Map<String, LearnerProgress> both = new HashMap<>(course("1").completed(T1).courses());
		both.putAll(course("2").completed(T2).courses());

		assertThat(condition.evaluate(course("1").completed(T1).courses())).isEmpty();
		assertThat(condition.evaluate(both)).get().extracting(Achievement::achievedAt).isEqualTo(T2);
		assertThat(condition.courses()).containsExactlyInAnyOrder("1", "2");
	}

	@Test
	void dateWindowAppliesToWhenItWasAchievedNotWhenItWasSeen() {
		Condition condition = ConditionParser.parse("course-completed(course=42)");
		Rule window = new Rule("r", "aZ3kL0pQaZ3kL0pQaZ3kL0", condition, true, T1, T2);
		Map<String, LearnerProgress> inside = course("42").completed(T1.plusSeconds(60)).courses();
		Map<String, LearnerProgress> before = course("42").completed(T1.minusSeconds(1)).courses();
		Map<String, LearnerProgress> after = course("42").completed(T2.plusSeconds(1)).courses();

		assertThat(window.evaluate(inside)).isPresent();
		assertThat(window.evaluate(before)).isEmpty();
		assertThat(window.evaluate(after)).isEmpty();
		assertThat(new Rule("r", "aZ3kL0pQaZ3kL0pQaZ3kL0", condition, true, null, T2).evaluate(before)).isPresent();
		assertThat(new Rule("r", "aZ3kL0pQaZ3kL0pQaZ3kL0", condition, true, T1, null).evaluate(after)).isPresent();
	}

	@Test
	void evidenceNamesCourseGradeAndTimeAndLinksToTheLms() {
		Achievement achievement = ConditionParser
			.parse("all-of(course-completed(course=42), grade-at-least(course=42, percent=80))")
			.evaluate(course("42").completed(T1).grade("course", 45.0, 0, 50, T2).courses())
			.orElseThrow();

		assertThat(achievement.evidence()).hasSize(2);
		assertThat(achievement.evidence()).allSatisfy((evidence) -> assertThat(evidence.url())
			.isEqualTo(URI.create("https://lms.example/course/view.php?id=42")));
		assertThat(achievement.evidence().get(0).narrative())
			.isEqualTo("Completed the course 'Course 42' on 2026-03-01T10:00:00 UTC");
		assertThat(achievement.evidence().get(1).narrative()).contains("Grade 90.0% (45 of 50)", "the course total",
				"2026-04-01T10:00:00 UTC");
	}

	private static Arguments row(String condition, ProgressBuilder progress, Instant expected) {
		return Arguments.of(condition, progress, expected);
	}

	static ProgressBuilder course(String id) {
		return new ProgressBuilder(id);
	}

	/** Builds one learner's progress in one course for the table. */
	static final class ProgressBuilder {

		private final String course;

		private CourseCompletion completion;

		private final Map<String, ActivityProgress> activities = new HashMap<>();

		private final Map<String, GradeProgress> grades = new HashMap<>();

		private final StringBuilder description = new StringBuilder();

		ProgressBuilder(String course) {
			this.course = course;
			this.description.append("course ").append(course);
		}

		ProgressBuilder completed(Instant at) {
			this.completion = new CourseCompletion(true, at);
			this.description.append(", completed ").append(at);
			return this;
		}

		ProgressBuilder notCompleted() {
			this.completion = new CourseCompletion(false, null);
			this.description.append(", not completed");
			return this;
		}

		ProgressBuilder activity(String id, CompletionState state, Instant at) {
			this.activities.put(id, new ActivityProgress("Activity " + id,
					URI.create("https://lms.example/mod/quiz/view.php?id=" + id), state, at));
			this.description.append(", activity ").append(id).append(' ').append(state);
			return this;
		}

		ProgressBuilder grade(String item, Double raw, double min, double max, Instant at) {
			this.grades.put(item, new GradeProgress("Item " + item, raw, min, max, at, false, false));
			this.description.append(", grade ").append(item).append('=').append(raw).append(" of ").append(min)
				.append("..").append(max);
			return this;
		}

		ProgressBuilder gradeNeedingUpdate(String item, Double raw) {
			this.grades.put(item, new GradeProgress("Item " + item, raw, 0, 100, T1, true, false));
			this.description.append(", grade needing update");
			return this;
		}

		ProgressBuilder hiddenGrade(String item, Double raw) {
			this.grades.put(item, new GradeProgress("Item " + item, raw, 0, 100, T1, false, true));
			this.description.append(", hidden grade");
			return this;
		}

		Map<String, LearnerProgress> courses() {
			LearnerProgress progress = new LearnerProgress("uni-a", "moodle", this.course, "Course " + this.course,
					URI.create("https://lms.example/course/view.php?id=" + this.course),
					new Learner("u1", "learner@uni-a.example", "Lea Learner"), this.completion, this.activities,
					this.grades, SEEN);
			return Map.of(this.course, progress);
		}

		@Override
		public String toString() {
			return this.description.toString();
		}

	}

}

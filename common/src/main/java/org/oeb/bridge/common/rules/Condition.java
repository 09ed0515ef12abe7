package org.oeb.bridge.common.rules;

import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.oeb.bridge.common.progress.CompletionState;
import org.oeb.bridge.common.progress.LearnerProgress;
import org.oeb.bridge.common.progress.LearnerProgress.ActivityProgress;
import org.oeb.bridge.common.progress.LearnerProgress.GradeProgress;

/**
 * A condition on one learner's progress in one or more courses. Evaluation is a pure
 * function of that progress (keyed by course id).
 */
public sealed interface Condition {

	Optional<Achievement> evaluate(Map<String, LearnerProgress> courses);

	/** The course ids this condition reads. */
	Set<String> courses();

	/** The course is complete. */
	record CourseCompleted(String course) implements Condition {

		@Override
		public Optional<Achievement> evaluate(Map<String, LearnerProgress> courses) {
			LearnerProgress progress = courses.get(this.course);
			if (progress == null || progress.completion() == null || !progress.completion().completed()) {
				return Optional.empty();
			}
			Instant at = orObserved(progress.completion().completedAt(), progress);
			return Optional.of(Achievement.of(at, progress.courseUrl(),
					"Completed the course " + quoted(progress.courseName(), this.course) + " on " + format(at))
				.observedIf(progress.completion().completedAt() == null));
		}

		@Override
		public Set<String> courses() {
			return Set.of(this.course);
		}

	}

	/** The activity is in one of the accepted completion states. */
	record ActivityCompleted(String course, String activity, Set<CompletionState> acceptedStates)
			implements Condition {

		public ActivityCompleted {
			acceptedStates = Set.copyOf(acceptedStates);
		}

		@Override
		public Optional<Achievement> evaluate(Map<String, LearnerProgress> courses) {
			return activityIn(courses, this.course, this.activity, this.acceptedStates, "Completed");
		}

		@Override
		public Set<String> courses() {
			return Set.of(this.course);
		}

	}

	/** The activity is complete with a passing grade. */
	record ActivityPassed(String course, String activity) implements Condition {

		@Override
		public Optional<Achievement> evaluate(Map<String, LearnerProgress> courses) {
			return activityIn(courses, this.course, this.activity, Set.of(CompletionState.COMPLETE_PASS), "Passed");
		}

		@Override
		public Set<String> courses() {
			return Set.of(this.course);
		}

	}

	/** A grade (course total or one item) reaches a threshold in percent of its range or in points. */
	record GradeAtLeast(String course, String item, double threshold, Unit unit) implements Condition {

		private static final double TOLERANCE = 1e-9;

		/** How the threshold is measured. */
		public enum Unit {

			PERCENT, POINTS

		}

		@Override
		public Optional<Achievement> evaluate(Map<String, LearnerProgress> courses) {
			LearnerProgress progress = courses.get(this.course);
			GradeProgress grade = (progress != null) ? progress.grades().get(this.item) : null;
			if (grade == null || grade.raw() == null || grade.needsUpdate() || grade.hidden()) {
				return Optional.empty();
			}
			Double value = (this.unit == Unit.PERCENT) ? grade.percent() : grade.raw();
			if (value == null || value + TOLERANCE < this.threshold) {
				return Optional.empty();
			}
			Instant at = orObserved(grade.gradedAt(), progress);
			String itemName = LearnerProgress.COURSE_TOTAL.equals(this.item) ? "the course total"
					: quoted(grade.name(), this.item);
			String narrative = String.format(Locale.ROOT, "Grade %s (%s of %s) in %s of the course %s, graded on %s",
					percentText(grade), number(grade.raw()), number(grade.max()), itemName,
					quoted(progress.courseName(), this.course), format(at));
			return Optional.of(Achievement.of(at, progress.courseUrl(), narrative).observedIf(grade.gradedAt() == null));
		}

		@Override
		public Set<String> courses() {
			return Set.of(this.course);
		}

		private static String percentText(GradeProgress grade) {
			Double percent = grade.percent();
			return (percent != null) ? String.format(Locale.ROOT, "%.1f%%", percent) : "n/a";
		}

	}

	/** Every child holds; achieved when the last of them was. */
	record AllOf(List<Condition> children) implements Condition {

		public AllOf {
			children = List.copyOf(children);
		}

		@Override
		public Optional<Achievement> evaluate(Map<String, LearnerProgress> courses) {
			List<Achievement> achieved = achieved(this.children, courses);
			if (achieved.size() < this.children.size()) {
				return Optional.empty();
			}
			Achievement last = achieved.get(achieved.size() - 1);
			return Optional.of(new Achievement(last.achievedAt(), Achievement.evidenceOf(achieved), last.timeObserved()));
		}

		@Override
		public Set<String> courses() {
			return coursesOf(this.children);
		}

	}

	/** At least one child holds; achieved when the first of them was. */
	record AnyOf(List<Condition> children) implements Condition {

		public AnyOf {
			children = List.copyOf(children);
		}

		@Override
		public Optional<Achievement> evaluate(Map<String, LearnerProgress> courses) {
			return achieved(this.children, courses).stream().findFirst();
		}

		@Override
		public Set<String> courses() {
			return coursesOf(this.children);
		}

	}

	/** At least {@code n} children hold; achieved when the n-th of them was. */
	record AtLeastNOf(int n, List<Condition> children) implements Condition {

		public AtLeastNOf {
			children = List.copyOf(children);
		}

		@Override
		public Optional<Achievement> evaluate(Map<String, LearnerProgress> courses) {
			List<Achievement> achieved = achieved(this.children, courses);
			if (achieved.size() < this.n) {
				return Optional.empty();
			}
			List<Achievement> first = achieved.subList(0, this.n);
			Achievement nth = first.get(this.n - 1);
			return Optional.of(new Achievement(nth.achievedAt(), Achievement.evidenceOf(first), nth.timeObserved()));
		}

		@Override
		public Set<String> courses() {
			return coursesOf(this.children);
		}

	}

	private static Optional<Achievement> activityIn(Map<String, LearnerProgress> courses, String course,
			String activity, Set<CompletionState> accepted, String verb) {
		LearnerProgress progress = courses.get(course);
		ActivityProgress state = (progress != null) ? progress.activities().get(activity) : null;
		if (state == null || state.state() == null || !accepted.contains(state.state())) {
			return Optional.empty();
		}
		Instant at = orObserved(state.completedAt(), progress);
		URI url = (state.url() != null) ? state.url() : progress.courseUrl();
		return Optional.of(Achievement.of(at, url, verb + " the activity " + quoted(state.name(), activity)
				+ " in the course " + quoted(progress.courseName(), course) + " on " + format(at))
			.observedIf(state.completedAt() == null));
	}

	private static List<Achievement> achieved(List<Condition> children, Map<String, LearnerProgress> courses) {
		return children.stream()
			.map((child) -> child.evaluate(courses))
			.flatMap(Optional::stream)
			.sorted(Comparator.comparing(Achievement::achievedAt))
			.toList();
	}

	private static Set<String> coursesOf(List<Condition> children) {
		return children.stream().flatMap((child) -> child.courses().stream()).collect(Collectors.toUnmodifiableSet());
	}

	private static Instant orObserved(Instant time, LearnerProgress progress) {
		return (time != null) ? time : progress.observedAt();
	}

	private static String quoted(String name, String id) {
		return (name != null && !name.isBlank()) ? "'" + name + "'" : "#" + id;
	}

	private static String format(Instant time) {
		return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(time.atOffset(ZoneOffset.UTC).withNano(0)) + " UTC";
	}

	private static String number(double value) {
		return (value == Math.rint(value)) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.2f", value);
	}

}

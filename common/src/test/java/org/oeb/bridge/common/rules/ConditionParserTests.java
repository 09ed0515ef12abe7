package org.oeb.bridge.common.rules;

import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.oeb.bridge.common.progress.CompletionState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ConditionParserTests {

	@Test
	void readsNestedConditionsWithTheirArguments() {
		Condition condition = ConditionParser.parse(" at-least-n-of( n=2, course-completed(course=42),"
				+ " activity-completed(course=42, activity=7, states=complete-pass),"
				+ " grade-at-least(course=43, item=9, points=12.5) ) ");

		assertThat(condition).isEqualTo(new Condition.AtLeastNOf(2,
				java.util.List.of(new Condition.CourseCompleted("42"),
						new Condition.ActivityCompleted("42", "7", Set.of(CompletionState.COMPLETE_PASS)),
						new Condition.GradeAtLeast("43", "9", 12.5, Condition.GradeAtLeast.Unit.POINTS))));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "''|the condition is empty",
			"course-completed|expected '('",
			"course-completed(course=42|expected ')'",
			"course-complete(course=42)|unknown condition 'course-complete'",
			"course-completed(cours=42)|unknown argument 'cours'",
			"course-completed()|missing argument 'course'",
			"activity-completed(course=42)|missing argument 'activity'",
			"activity-completed(course=42, activity=7, states=done)|unknown completion state 'done'",
			"grade-at-least(course=42)|give exactly one of percent=N or points=N",
			"grade-at-least(course=42, percent=80, points=3)|give exactly one of percent=N or points=N",
			"grade-at-least(course=42, percent=120)|out of range",
			"grade-at-least(course=42, percent=eighty)|is not a number",
			"all-of()|needs at least one nested condition",
			"at-least-n-of(n=3, course-completed(course=1), course-completed(course=2))|only 2 conditions",
			"at-least-n-of(n=0, course-completed(course=1))|at least 1",
			"course-completed(course=42) extra|unexpected text after the condition",
			"course-completed(course=42, course=43)|given twice" })
	void rejectsBadConditionsNamingTheProblem(String text, String problem) {
		assertThatIllegalArgumentException().isThrownBy(() -> ConditionParser.parse(text))
			.withMessageContaining(problem);
	}

}

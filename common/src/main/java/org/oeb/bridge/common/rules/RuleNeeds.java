package org.oeb.bridge.common.rules;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a connector must read from the LMS for one course, derived from the rules that mention
 * it: which rules need course completion, activity states or grades.
 */
public record RuleNeeds(String course, Set<String> courseCompletionRules, Set<String> activityRules,
		Set<String> gradeRules) {

	public static RuleNeeds of(List<Rule> rules, String course) {
		Set<String> completion = new LinkedHashSet<>();
		Set<String> activity = new LinkedHashSet<>();
		Set<String> grade = new LinkedHashSet<>();
		for (Rule rule : rules) {
			for (Condition leaf : leaves(rule.condition())) {
				if (leaf instanceof Condition.CourseCompleted c && c.course().equals(course)) {
					completion.add(rule.id());
				}
				else if (leaf instanceof Condition.ActivityCompleted a && a.course().equals(course)) {
					activity.add(rule.id());
				}
				else if (leaf instanceof Condition.ActivityPassed p && p.course().equals(course)) {
					activity.add(rule.id());
				}
				else if (leaf instanceof Condition.GradeAtLeast g && g.course().equals(course)) {
					grade.add(rule.id());
				}
			}
		}
		return new RuleNeeds(course, completion, activity, grade);
	}

	/** Every course any rule of the institution reads. */
	public static Set<String> courses(List<Rule> rules) {
		Set<String> courses = new TreeSet<>();
		rules.forEach((rule) -> courses.addAll(rule.condition().courses()));
		return courses;
	}

	/** Whether any rule of the institution reads course completion, activity states, grades. */
	public static RuleNeeds ofAllCourses(List<Rule> rules) {
		Set<String> completion = new LinkedHashSet<>();
		Set<String> activity = new LinkedHashSet<>();
		Set<String> grade = new LinkedHashSet<>();
		for (String course : courses(rules)) {
			RuleNeeds needs = of(rules, course);
			completion.addAll(needs.courseCompletionRules());
			activity.addAll(needs.activityRules());
			grade.addAll(needs.gradeRules());
		}
		return new RuleNeeds(null, completion, activity, grade);
	}

	public Set<String> allRules() {
		Set<String> all = new LinkedHashSet<>(this.courseCompletionRules);
		all.addAll(this.activityRules);
		all.addAll(this.gradeRules);
		return all;
	}

	private static List<Condition> leaves(Condition condition) {
		List<Condition> leaves = new ArrayList<>();
		if (condition instanceof Condition.AllOf all) {
			all.children().forEach((child) -> leaves.addAll(leaves(child)));
		}
		else if (condition instanceof Condition.AnyOf any) {
			any.children().forEach((child) -> leaves.addAll(leaves(child)));
		}
		else if (condition instanceof Condition.AtLeastNOf some) {
			some.children().forEach((child) -> leaves.addAll(leaves(child)));
		}
		else {
			leaves.add(condition);
		}
		return leaves;
	}

}

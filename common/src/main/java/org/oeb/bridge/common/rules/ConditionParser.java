package org.oeb.bridge.common.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.oeb.bridge.common.progress.CompletionState;
import org.oeb.bridge.common.progress.LearnerProgress;
import org.oeb.bridge.common.rules.Condition.ActivityCompleted;
import org.oeb.bridge.common.rules.Condition.ActivityPassed;
import org.oeb.bridge.common.rules.Condition.AllOf;
import org.oeb.bridge.common.rules.Condition.AnyOf;
import org.oeb.bridge.common.rules.Condition.AtLeastNOf;
import org.oeb.bridge.common.rules.Condition.CourseCompleted;
import org.oeb.bridge.common.rules.Condition.GradeAtLeast;

/**
 * Reads the condition syntax of the rule configuration, for example
 * {@code all-of(course-completed(course=42), grade-at-least(course=42, item=course, percent=80))}.
 *
 * <pre>
 * course-completed(course=ID)
 * activity-completed(course=ID, activity=ID[, states=complete|complete-pass])
 * activity-passed(course=ID, activity=ID)
 * grade-at-least(course=ID[, item=ID|course], percent=N | points=N)
 * all-of(C, ...)   any-of(C, ...)   at-least-n-of(n=N, C, ...)
 * </pre>
 *
 * Errors name the position and the problem.
 */
public final class ConditionParser {

	private static final Set<CompletionState> DEFAULT_ACCEPTED = Set.of(CompletionState.COMPLETE,
			CompletionState.COMPLETE_PASS);

	private final String text;

	private int position;

	private ConditionParser(String text) {
		this.text = text;
	}

	public static Condition parse(String text) {
		if (text == null || text.isBlank()) {
			throw new IllegalArgumentException("the condition is empty");
		}
		ConditionParser parser = new ConditionParser(text);
		Condition condition = parser.condition();
		parser.skipSpaces();
		if (parser.position < text.length()) {
			throw parser.error("unexpected text after the condition");
		}
		return condition;
	}

	private Condition condition() {
		int start = skipSpaces();
		String name = word();
		if (name.isEmpty()) {
			throw error("expected a condition name such as course-completed(...)");
		}
		expect('(');
		Map<String, String> arguments = new LinkedHashMap<>();
		List<Condition> children = new ArrayList<>();
		skipSpaces();
		if (peek() != ')') {
			do {
				argument(arguments, children);
			}
			while (accept(','));
		}
		expect(')');
		try {
			return build(name, arguments, children);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("in " + name + "(...) at position " + (start + 1) + ": "
					+ ex.getMessage(), ex);
		}
	}

	private void argument(Map<String, String> arguments, List<Condition> children) {
		int start = skipSpaces();
		String name = word();
		skipSpaces();
		if (!name.isEmpty() && peek() == '=') {
			this.position++;
			skipSpaces();
			String value = value();
			if (value.isEmpty()) {
				throw error("expected a value for '" + name + "'");
			}
			if (arguments.put(name, value) != null) {
				throw error("'" + name + "' is given twice");
			}
			return;
		}
		this.position = start;
		children.add(condition());
	}

	private Condition build(String name, Map<String, String> arguments, List<Condition> children) {
		return switch (name) {
			case "course-completed" -> {
				leaf(arguments, children, Set.of("course"));
				yield new CourseCompleted(required(arguments, "course"));
			}
			case "activity-completed" -> {
				leaf(arguments, children, Set.of("course", "activity", "states"));
				yield new ActivityCompleted(required(arguments, "course"), required(arguments, "activity"),
						states(arguments.get("states")));
			}
			case "activity-passed" -> {
				leaf(arguments, children, Set.of("course", "activity"));
				yield new ActivityPassed(required(arguments, "course"), required(arguments, "activity"));
			}
			case "grade-at-least" -> gradeAtLeast(arguments, children);
			case "all-of" -> new AllOf(combined(name, arguments, children, Set.of()));
			case "any-of" -> new AnyOf(combined(name, arguments, children, Set.of()));
			case "at-least-n-of" -> {
				List<Condition> of = combined(name, arguments, children, Set.of("n"));
				int n = positiveInteger(required(arguments, "n"), "n");
				if (n > of.size()) {
					throw new IllegalArgumentException("n=" + n + " but only " + of.size() + " conditions are given");
				}
				yield new AtLeastNOf(n, of);
			}
			default -> throw new IllegalArgumentException("unknown condition '" + name + "' (known: course-completed, "
					+ "activity-completed, activity-passed, grade-at-least, all-of, any-of, at-least-n-of)");
		};
	}

	private Condition gradeAtLeast(Map<String, String> arguments, List<Condition> children) {
		leaf(arguments, children, Set.of("course", "item", "percent", "points"));
		String course = required(arguments, "course");
		String item = arguments.getOrDefault("item", LearnerProgress.COURSE_TOTAL);
		boolean percent = arguments.containsKey("percent");
		if (percent == arguments.containsKey("points")) {
			throw new IllegalArgumentException("give exactly one of percent=N or points=N");
		}
		String key = percent ? "percent" : "points";
		double threshold = number(arguments.get(key), key);
		if (threshold < 0 || (percent && threshold > 100)) {
			throw new IllegalArgumentException(key + "=" + arguments.get(key) + " is out of range"
					+ (percent ? " (0 to 100)" : " (0 or more)"));
		}
		return new GradeAtLeast(course, item, threshold,
				percent ? GradeAtLeast.Unit.PERCENT : GradeAtLeast.Unit.POINTS);
	}

	private static void leaf(Map<String, String> arguments, List<Condition> children, Set<String> allowed) {
		if (!children.isEmpty()) {
			throw new IllegalArgumentException("takes no nested conditions");
		}
		for (String name : arguments.keySet()) {
			if (!allowed.contains(name)) {
				throw new IllegalArgumentException("unknown argument '" + name + "' (allowed: "
						+ String.join(", ", allowed.stream().sorted().toList()) + ")");
			}
		}
	}

	private static List<Condition> combined(String name, Map<String, String> arguments, List<Condition> children,
			Set<String> allowed) {
		for (String argument : arguments.keySet()) {
			if (!allowed.contains(argument)) {
				throw new IllegalArgumentException("unknown argument '" + argument + "'");
			}
		}
		if (children.isEmpty()) {
			throw new IllegalArgumentException(name + " needs at least one nested condition");
		}
		return children;
	}

	private static String required(Map<String, String> arguments, String name) {
		String value = arguments.get(name);
		if (value == null) {
			throw new IllegalArgumentException("missing argument '" + name + "'");
		}
		return value;
	}

	private static Set<CompletionState> states(String value) {
		if (value == null) {
			return DEFAULT_ACCEPTED;
		}
		Set<CompletionState> states = new LinkedHashSet<>();
		for (String name : value.split("\\|")) {
			states.add(CompletionState.fromConfigName(name.trim()));
		}
		return states;
	}

	private static int positiveInteger(String value, String name) {
		try {
			int number = Integer.parseInt(value);
			if (number >= 1) {
				return number;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new IllegalArgumentException(name + "=" + value + " must be a whole number of at least 1");
	}

	private static double number(String value, String name) {
		try {
			return Double.parseDouble(value);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(name + "=" + value + " is not a number");
		}
	}

	private String word() {
		int start = this.position;
		while (this.position < this.text.length()
				&& (Character.isLetterOrDigit(peek()) || peek() == '-' || peek() == '_')) {
			this.position++;
		}
		return this.text.substring(start, this.position);
	}

	private String value() {
		int start = this.position;
		while (this.position < this.text.length() && ",()= \t\n".indexOf(peek()) < 0) {
			this.position++;
		}
		return this.text.substring(start, this.position);
	}

	private int skipSpaces() {
		while (this.position < this.text.length() && Character.isWhitespace(peek())) {
			this.position++;
		}
		return this.position;
	}

	private char peek() {
		return (this.position < this.text.length()) ? this.text.charAt(this.position) : '\0';
	}

	private boolean accept(char expected) {
		skipSpaces();
		if (peek() == expected) {
			this.position++;
			return true;
		}
		return false;
	}

	private void expect(char expected) {
		if (!accept(expected)) {
			throw error("expected '" + expected + "'");
		}
	}

	private IllegalArgumentException error(String message) {
		return new IllegalArgumentException(message + " at position " + (this.position + 1));
	}

}

package org.oeb.bridge.common.awards;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.oeb.bridge.common.AwardsTestApplication;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Invalid rule configuration stops start-up with a message naming the rule and the problem. */
class AwardsConfigurationTests {

	private static final String RULE = "bridge.awards.institutions.uni-a.rules[0].";

	@Test
	void badConditionNamesTheRuleAndTheProblem() {
		assertStartupFails(Map.of(RULE + "when", "grade-at-least(course=42, percent=180)"),
				"bridge.awards.institutions.uni-a.rules[0] (rule 'course-42')", "percent=180 is out of range");
	}

	@Test
	void badgeClassThatIsNoOebEntityIdIsRejected() {
		assertStartupFails(Map.of(RULE + "badge-class", "https://api.openbadges.education/public/badges/x"),
				"rules[0] (rule 'course-42')", "22-character OEB entityId");
	}

	@Test
	void ruleIdUsedTwiceIsRejected() {
		assertStartupFails(Map.of("bridge.awards.institutions.uni-a.rules[1].id", "course-42"),
				"rules[1] (rule 'course-42')", "used twice");
	}

	@Test
	void unknownRulePropertyIsRejected() {
		assertStartupFails(Map.of(RULE + "notify", "false"), RULE + "notify");
	}

	@Test
	void settleTimeNotLongerThanARequestIsRejected() {
		assertStartupFails(Map.of("bridge.issuance.settle-time", "60s", "bridge.issuance.request-timeout", "60s"),
				"bridge.issuance.settle-time", "must be longer than bridge.issuance.request-timeout");
	}

	@Test
	void shutdownPhaseShorterThanAnIssueCallIsRejected() {
		assertStartupFails(Map.of("spring.lifecycle.timeout-per-shutdown-phase", "30s"),
				"spring.lifecycle.timeout-per-shutdown-phase (PT30S) must be at least bridge.issuance.request-timeout");
	}

	@Test
	void removedPropertiesOfTheOldWorkersAreRejectedByName() {
		assertStartupFails(Map.of("bridge.issuance.claim-timeout", "5m"), "claim-timeout");
		assertStartupFails(Map.of("bridge.issuance.workers", "4"), "workers");
	}

	private static void assertStartupFails(Map<String, String> overrides, String... expected) {
		List<String> args = new ArrayList<>();
		Map<String, String> properties = new java.util.LinkedHashMap<>();
		properties.put("bridge.issuance.gateway-url", "http://localhost:1");
		properties.put("bridge.awards.institutions.uni-a.gateway-api-key", "key");
		properties.put(RULE + "id", "course-42");
		properties.put(RULE + "badge-class", "CourseBadge0000000000A");
		properties.put(RULE + "when", "course-completed(course=42)");
		properties.putAll(overrides);
		properties.forEach((key, value) -> args.add("--" + key + "=" + value));
		assertThatThrownBy(() -> new SpringApplicationBuilder(AwardsTestApplication.class).web(WebApplicationType.NONE)
			.run(args.toArray(String[]::new))
			.close()).satisfies((failure) -> {
				StringBuilder messages = new StringBuilder();
				for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
					messages.append(cause.getMessage()).append('\n');
				}
				assertThat(messages.toString()).contains(expected);
			});
	}

}

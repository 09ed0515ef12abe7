package org.oeb.bridge.common.awards;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.oeb.bridge.common.StartupFailures;



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
		Map<String, String> properties = new java.util.LinkedHashMap<>();
		properties.put("bridge.issuance.gateway-url", "http://localhost:1");
		properties.put("bridge.awards.institutions.uni-a.gateway-api-key", "key");
		properties.put(RULE + "id", "course-42");
		properties.put(RULE + "badge-class", "CourseBadge0000000000A");
		properties.put(RULE + "when", "course-completed(course=42)");
		properties.putAll(overrides);
		StartupFailures.assertStartupFails(properties, expected);
	}

}

package org.oeb.bridge.common.lti;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when at least one {@code bridge.lti.registrations.<name>.*} property is set, in
 * whatever form (YAML, properties, environment variables); {@code @ConditionalOnProperty}
 * cannot see a map.
 */
class OnLtiRegistrations extends SpringBootCondition {

	private static final ConfigurationPropertyName REGISTRATIONS = ConfigurationPropertyName
		.of("bridge.lti.registrations");

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(context.getEnvironment())) {
			if (source.containsDescendantOf(REGISTRATIONS) == ConfigurationPropertyState.PRESENT) {
				return ConditionOutcome.match("bridge.lti.registrations is configured");
			}
		}
		return ConditionOutcome.noMatch("no bridge.lti.registrations");
	}

}

package org.oeb.bridge.moodle;

import io.micrometer.core.instrument.MeterRegistry;
import org.oeb.bridge.common.connector.ConnectorHealthIndicator;
import org.oeb.bridge.common.connector.ConnectorSites;
import org.oeb.bridge.moodle.read.MoodleCourseSource;
import org.oeb.bridge.moodle.site.MoodleProperties;
import org.oeb.bridge.moodle.site.MoodleSites;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Moodle sites, read by the connector kit (scheduling, leases, hints, health and the award
 * engine come from {@code common}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MoodleProperties.class)
class MoodleConnectorConfiguration {

	@Bean
	MoodleSites moodleSites(MoodleProperties moodle, MeterRegistry meters) {
		return new MoodleSites(moodle, meters);
	}

	@Bean
	MoodleCourseSource moodleCourseSource(MoodleSites sites) {
		return new MoodleCourseSource(sites);
	}

	@Bean
	ConnectorHealthIndicator moodleHealthIndicator(ConnectorSites sites) {
		return new ConnectorHealthIndicator(sites);
	}

}

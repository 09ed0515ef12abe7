package org.oeb.bridge.moodle;

import io.micrometer.core.instrument.MeterRegistry;
import org.oeb.bridge.common.awards.AwardEngine;
import org.oeb.bridge.common.awards.AwardLedger;
import org.oeb.bridge.common.awards.AwardsProperties;
import org.oeb.bridge.moodle.poll.CoursePoller;
import org.oeb.bridge.moodle.poll.PollScheduler;
import org.oeb.bridge.moodle.site.MoodleHealthIndicator;
import org.oeb.bridge.moodle.site.MoodleProperties;
import org.oeb.bridge.moodle.site.MoodleSites;
import org.oeb.bridge.moodle.webhook.HintQueue;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

/** Wires the Moodle sites, the poller and the hint queue to the award pipeline. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MoodleProperties.class)
class MoodleConnectorConfiguration {

	@Bean
	MoodleSites moodleSites(MoodleProperties moodle, AwardsProperties awards, AwardEngine engine,
			MeterRegistry meters) {
		moodle.institutions().keySet().forEach((institution) -> {
			if (!awards.institutions().containsKey(institution)) {
				throw new IllegalStateException("bridge.moodle.institutions." + institution
						+ " has no rules: add bridge.awards.institutions." + institution);
			}
		});
		return new MoodleSites(moodle, engine, meters);
	}

	@Bean
	MoodleHealthIndicator moodleHealthIndicator(MoodleSites sites) {
		return new MoodleHealthIndicator(sites);
	}

	@Bean
	CoursePoller coursePoller(MoodleSites sites, AwardEngine engine, AwardLedger ledger, StringRedisTemplate redis,
			MoodleProperties moodle, MeterRegistry meters) {
		return new CoursePoller(sites, engine, ledger, redis, moodle, meters);
	}

	@Bean
	PollScheduler pollScheduler(MoodleSites sites, CoursePoller poller, AwardEngine engine) {
		return new PollScheduler(sites, poller, engine);
	}

	@Bean
	HintQueue hintQueue(CoursePoller poller, MeterRegistry meters, MoodleProperties properties) {
		return new HintQueue(poller::reread, meters, properties.maxQueuedHints());
	}

}

package org.oeb.bridge.common.connector;

import io.micrometer.core.instrument.MeterRegistry;
import org.oeb.bridge.common.AwardsAutoConfiguration;
import org.oeb.bridge.common.awards.AwardEngine;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The connector kit, switched on by a {@link CourseSource} bean: site statuses, the poller and
 * its schedule and the hint queue. The connector names the health component after its LMS:
 * {@code @Bean HealthIndicator moodleHealthIndicator(ConnectorSites sites)} returning
 * {@code new ConnectorHealthIndicator(sites)}.
 */
@AutoConfiguration(after = AwardsAutoConfiguration.class)
@ConditionalOnBean({ CourseSource.class, AwardEngine.class })
@EnableConfigurationProperties(ConnectorProperties.class)
public class ConnectorKitAutoConfiguration {

	@Bean
	ConnectorSites connectorSites(CourseSource source, AwardEngine engine, MeterRegistry meters) {
		source.institutions().forEach((institution) -> {
			if (engine.rules(institution).isEmpty()) {
				throw new IllegalStateException("The " + source.lms() + " site of institution '" + institution
						+ "' has no rules: add bridge.awards.institutions." + institution);
			}
		});
		ConnectorSites sites = new ConnectorSites(source, engine);
		source.institutions()
			.forEach((institution) -> io.micrometer.core.instrument.Gauge
				.builder("bridge.connector.site.status", sites, (all) -> all.status(institution).state().ordinal())
				.description("The LMS site's state: 0 not checked yet, 1 OK, 2 misconfigured (needs an administrator), "
						+ "3 unavailable")
				.tag("lms", source.lms())
				.tag("institution", institution)
				.register(meters));
		return sites;
	}

	@Bean(destroyMethod = "stop")
	CoursePoller coursePoller(ConnectorSites sites, AwardEngine engine, StringRedisTemplate redis,
			ConnectorProperties connector, MeterRegistry meters) {
		return new CoursePoller(sites, engine, redis, connector.redisKeyPrefixOr("oeb-" + sites.source().lms()), meters);
	}

	@Bean
	org.oeb.bridge.common.privacy.LearnerData changeDetectionLearnerData(CoursePoller poller) {
		return org.oeb.bridge.common.privacy.LearnerData.of("changeDetection", poller::learnerState,
				poller::forgetLearner);
	}

	@Bean
	PollScheduler pollScheduler(ConnectorSites sites, CoursePoller poller, AwardEngine engine) {
		return new PollScheduler(sites, poller, engine);
	}

	/** Before everything else, on every path: no spelling of a path slips past it. */
	@Bean
	FilterRegistrationBean<BodyLimitFilter> bodyLimitFilter(ConnectorProperties connector) {
		FilterRegistrationBean<BodyLimitFilter> registration = new FilterRegistrationBean<>(
				new BodyLimitFilter(connector.maxBodySize().toBytes()));
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

	@Bean
	BodyLimitAdvice bodyLimitAdvice() {
		return new BodyLimitAdvice();
	}

	@Bean
	HintQueue hintQueue(CourseSource source, CoursePoller poller, MeterRegistry meters, ConnectorProperties connector) {
		return new HintQueue(source.lms(), poller::reread, meters, connector.maxQueuedHints());
	}

}

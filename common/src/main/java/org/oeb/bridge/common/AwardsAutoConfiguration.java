package org.oeb.bridge.common;

import org.oeb.bridge.common.privacy.LearnerData;
import org.oeb.bridge.common.privacy.LearnerDataEndpoint;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import org.oeb.bridge.common.awards.AwardEngine;
import org.oeb.bridge.common.awards.AwardLedger;
import org.oeb.bridge.common.awards.AwardsProperties;
import org.oeb.bridge.common.awards.CatalogBadges;
import org.oeb.bridge.common.issuance.GatewayClient;
import org.oeb.bridge.common.issuance.IssuanceProperties;
import org.oeb.bridge.common.issuance.IssuanceWorkers;
import org.oeb.bridge.common.operations.IssuanceEndpoint;
import org.oeb.bridge.common.operations.IssuanceHealthIndicator;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.openfeign.EnableFeignClients;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The award pipeline, switched on in a connector by configuring
 * {@code bridge.issuance.gateway-url}.
 */
@AutoConfiguration(afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnProperty(prefix = "bridge.issuance", name = "gateway-url")
@EnableConfigurationProperties({ AwardsProperties.class, IssuanceProperties.class })
@EnableFeignClients(clients = GatewayClient.class)
public class AwardsAutoConfiguration {

	@Bean
	AwardLedger awardLedger(StringRedisTemplate redis, AwardsProperties awards) {
		return new AwardLedger(redis, awards.redisKeyPrefix());
	}

	@Bean
	AwardEngine awardEngine(AwardsProperties awards, AwardLedger ledger, StringRedisTemplate redis,
			MeterRegistry meters, org.springframework.beans.factory.ObjectProvider<CatalogBadges> catalog) {
		// looked up per call: the catalog's own beans need the engine's properties, not the other way round
		return new AwardEngine(awards, ledger, redis, meters, (institution, key) -> catalog
			.getIfAvailable(() -> CatalogBadges.NONE)
			.badgeClass(institution, key));
	}

	@Bean
	IssuanceWorkers issuanceWorkers(AwardsProperties awards, IssuanceProperties issuance, AwardLedger ledger,
			GatewayClient gateway, StringRedisTemplate redis, MeterRegistry meters, Environment environment) {
		requireShutdownLongEnough(issuance, environment);
		return new IssuanceWorkers(awards, issuance, ledger, gateway, redis, meters);
	}

	/**
	 * A rollout must never cut an issue call: the shutdown phase in which the workers finish
	 * their calls has to last at least one call.
	 */
	private static void requireShutdownLongEnough(IssuanceProperties issuance, Environment environment) {
		Duration phase = environment.getProperty("spring.lifecycle.timeout-per-shutdown-phase", Duration.class,
				Duration.ofSeconds(30));
		Duration call = issuance.requestTimeout().plus(issuance.connectTimeout());
		if (phase.compareTo(call) < 0) {
			throw new IllegalStateException("spring.lifecycle.timeout-per-shutdown-phase (" + phase
					+ ") must be at least bridge.issuance.request-timeout + connect-timeout (" + call
					+ "), or a graceful stop would cut issue calls in flight");
		}
	}

	@Bean
	IssuanceEndpoint issuanceEndpoint(AwardsProperties awards, AwardLedger ledger, AwardEngine engine) {
		return new IssuanceEndpoint(awards, ledger, engine);
	}

	@Bean
	LearnerData ledgerLearnerData(AwardLedger ledger) {
		return LearnerData.of("ledger", ledger::exportLearner, ledger::eraseLearner);
	}

	@Bean
	LearnerDataEndpoint learnerDataEndpoint(AwardsProperties awards, java.util.List<LearnerData> holders) {
		return new LearnerDataEndpoint(awards, holders);
	}

	@Bean
	IssuanceHealthIndicator issuanceHealthIndicator(AwardsProperties awards, AwardLedger ledger,
			IssuanceWorkers workers) {
		return new IssuanceHealthIndicator(awards, ledger, workers::unreadable);
	}

}

package org.oeb.bridge.common;

import io.micrometer.core.instrument.MeterRegistry;
import org.oeb.bridge.common.awards.AwardEngine;
import org.oeb.bridge.common.awards.AwardLedger;
import org.oeb.bridge.common.awards.AwardsProperties;
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
			MeterRegistry meters) {
		return new AwardEngine(awards, ledger, redis, meters);
	}

	@Bean
	IssuanceWorkers issuanceWorkers(AwardsProperties awards, IssuanceProperties issuance, AwardLedger ledger,
			GatewayClient gateway, StringRedisTemplate redis, MeterRegistry meters) {
		return new IssuanceWorkers(awards, issuance, ledger, gateway, redis, meters);
	}

	@Bean
	IssuanceEndpoint issuanceEndpoint(AwardsProperties awards, AwardLedger ledger, AwardEngine engine) {
		return new IssuanceEndpoint(awards, ledger, engine);
	}

	@Bean
	IssuanceHealthIndicator issuanceHealthIndicator(AwardsProperties awards, AwardLedger ledger) {
		return new IssuanceHealthIndicator(awards, ledger);
	}

}

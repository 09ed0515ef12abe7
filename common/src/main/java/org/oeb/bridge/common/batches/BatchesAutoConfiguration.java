package org.oeb.bridge.common.batches;

import io.micrometer.core.instrument.MeterRegistry;
import org.oeb.bridge.common.AwardsAutoConfiguration;
import org.oeb.bridge.common.awards.AwardLedger;
import org.oeb.bridge.common.awards.AwardsProperties;
import org.oeb.bridge.common.privacy.LearnerData;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.core.StringRedisTemplate;

/** Manual and bulk issuing, wherever the award pipeline runs. */
@AutoConfiguration(after = AwardsAutoConfiguration.class)
@ConditionalOnProperty(prefix = "bridge.issuance", name = "gateway-url")
@EnableConfigurationProperties(BatchesProperties.class)
public class BatchesAutoConfiguration {

	@Bean
	Batches batches(AwardLedger ledger, StringRedisTemplate redis, BatchesProperties properties) {
		return new Batches(ledger, redis, properties.maxRecipients());
	}

	@Bean
	BatchesEndpoint batchesEndpoint(AwardsProperties awards, BatchesProperties properties, Batches batches,
			MeterRegistry meters) {
		return new BatchesEndpoint(awards, properties, batches, meters);
	}

	@Bean
	LearnerData batchLearnerData(Batches batches) {
		return LearnerData.of("batches", batches::exportLearner, batches::eraseLearner);
	}

}

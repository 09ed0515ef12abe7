package org.oeb.bridge.common.catalog;

import java.time.Clock;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.oeb.bridge.common.AwardsAutoConfiguration;
import org.oeb.bridge.common.awards.AwardsProperties;
import org.oeb.bridge.common.awards.CatalogBadges;
import org.oeb.bridge.common.issuance.GatewayClient;
import org.oeb.bridge.common.leases.RedisLeases;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ResourceLoader;
import org.springframework.data.redis.core.StringRedisTemplate;

/** The badge catalog of every institution the connector serves, with the award pipeline. */
@AutoConfiguration(after = AwardsAutoConfiguration.class)
@ConditionalOnProperty(prefix = "bridge.issuance", name = "gateway-url")
@EnableConfigurationProperties(CatalogProperties.class)
public class CatalogAutoConfiguration {

	@Bean
	CatalogSync catalogSync(CatalogProperties catalog, AwardsProperties awards, GatewayClient gateway,
			StringRedisTemplate redis, RedisLeases catalogLeases, MeterRegistry meters, ResourceLoader resources) {
		requireRulesAndCatalogAgree(catalog, awards);
		Map<String, DesiredCatalog> desired = DesiredCatalog.compile(catalog, resources);
		return new CatalogSync(catalog, desired, awards, gateway, new CatalogState(redis,
				(catalog.redisKeyPrefix() != null && !catalog.redisKeyPrefix().isBlank()) ? catalog.redisKeyPrefix()
						: awards.redisKeyPrefix()),
				catalogLeases, meters, Clock.systemUTC());
	}

	@Bean(destroyMethod = "stop")
	RedisLeases catalogLeases(StringRedisTemplate redis) {
		return new RedisLeases(redis);
	}

	@Bean
	CatalogBadges catalogBadges(CatalogSync sync) {
		return sync::badgeClass;
	}

	@Bean
	CatalogEndpoint catalogEndpoint(CatalogSync sync) {
		return new CatalogEndpoint(sync);
	}

	/** Fails start-up, naming the entry, where rules and catalog do not fit together. */
	static void requireRulesAndCatalogAgree(CatalogProperties catalog, AwardsProperties awards) {
		catalog.institutions().keySet().forEach((institution) -> {
			if (!awards.institutions().containsKey(institution)) {
				throw new IllegalArgumentException("bridge.catalog.institutions." + institution + ": the connector "
						+ "serves no such institution (bridge.awards.institutions." + institution
						+ ".gateway-api-key), so it cannot reach its OEB issuer");
			}
		});
		awards.institutions().forEach((institution, rules) -> {
			CatalogProperties.InstitutionCatalog own = catalog.institutions().get(institution);
			for (int i = 0; i < rules.rules().size(); i++) {
				String badge = rules.rules().get(i).badge();
				if (badge != null && (own == null || !own.badges().containsKey(badge))) {
					throw new IllegalArgumentException("bridge.awards.institutions." + institution + ".rules[" + i
							+ "] (rule '" + rules.rules().get(i).id() + "'): badge '" + badge
							+ "' is not a key of the institution's badge catalog (bridge.catalog.institutions."
							+ institution + ".badges)");
				}
				if (badge != null && own.badges().get(badge).category() == CatalogProperties.Category.MICRO_DEGREE) {
					throw new IllegalArgumentException("bridge.awards.institutions." + institution + ".rules[" + i
							+ "] (rule '" + rules.rules().get(i).id() + "'): badge '" + badge
							+ "' is a micro degree, which OEB awards itself when a learning path is complete");
				}
			}
		});
	}

}

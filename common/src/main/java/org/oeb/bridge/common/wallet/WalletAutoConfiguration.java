package org.oeb.bridge.common.wallet;

import java.util.List;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.oeb.bridge.common.AwardsAutoConfiguration;
import org.oeb.bridge.common.awards.AwardEngine;
import org.oeb.bridge.common.awards.AwardLedger;
import org.oeb.bridge.common.awards.AwardsProperties;
import org.oeb.bridge.common.issuance.GatewayClient;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Wallet sync and the wallet API, wherever the award pipeline runs; off with
 * {@code bridge.wallet.enabled=false}.
 */
@AutoConfiguration(after = AwardsAutoConfiguration.class)
@ConditionalOnBean(AwardEngine.class)
@ConditionalOnProperty(prefix = "bridge.wallet", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(WalletProperties.class)
public class WalletAutoConfiguration {

	private static final List<String> OUTSIDE_ISSUANCE = List.of("revoked", "expired", "foreign");

	WalletAutoConfiguration(WalletProperties wallet, AwardsProperties awards) {
		wallet.clients().keySet().forEach((institution) -> {
			if (!awards.institutions().containsKey(institution)) {
				throw new IllegalArgumentException("bridge.wallet.clients." + institution
						+ ": no such institution in bridge.awards.institutions");
			}
		});
	}

	@Bean
	OebReads walletOebReads(GatewayClient gateway) {
		return new OebReads(gateway);
	}

	@Bean
	BadgeClasses walletBadgeClasses(StringRedisTemplate redis, AwardLedger ledger, OebReads oeb) {
		return new BadgeClasses(redis, ledger, oeb);
	}

	@Bean
	ChangeFeedSync changeFeedSync(WalletProperties wallet, AwardsProperties awards, AwardEngine engine,
			AwardLedger ledger, StringRedisTemplate redis, OebReads oeb, BadgeClasses badgeClasses,
			MeterRegistry meters) {
		awards.institutions().keySet().forEach((institution) -> OUTSIDE_ISSUANCE.forEach((kind) -> Gauge
			.builder("bridge.wallet.awards", () -> ledger.count(institution, kind))
			.description("Awards of the institution that left issuance: revoked, expired, or issued outside the bridge")
			.tag("institution", institution)
			.tag("kind", kind)
			.register(meters)));
		return new ChangeFeedSync(wallet, awards, engine, ledger, redis, oeb, badgeClasses, meters);
	}

	@Bean
	public Wallets wallets(WalletProperties wallet, AwardsProperties awards, AwardEngine engine, AwardLedger ledger,
			StringRedisTemplate redis, BadgeClasses badgeClasses, OebReads oeb) {
		return new Wallets(wallet, awards, engine, ledger, redis, badgeClasses, oeb);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	static class WalletApi {

		@Bean
		WalletController walletController(Wallets wallets, WalletProperties wallet) {
			return new WalletController(wallets, new WalletApiKeys(wallet));
		}

		/** The LTI tool's page: the learner's wallet and OEB's page of their badges. */
		@Bean
		org.oeb.bridge.common.lti.LaunchedLearnerPage walletLaunchPage(Wallets wallets) {
			return new WalletLaunchPage(wallets);
		}

	}

}

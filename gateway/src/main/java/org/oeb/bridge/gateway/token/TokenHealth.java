package org.oeb.bridge.gateway.token;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import org.oeb.bridge.gateway.tenancy.TenancyProperties;
import reactor.core.publisher.Mono;

import org.springframework.boot.health.contributor.CompositeReactiveHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Health component {@code institutions}: per institution, whether an OEB token is at hand or
 * can be obtained. Shows reasons and back-off times, never a credential or token.
 */
@Configuration(proxyBeanMethods = false)
class TokenHealth {

	private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(10);

	@Bean
	CompositeReactiveHealthContributor institutionsHealthContributor(TenancyProperties tenancy,
			InstitutionTokens tokens) {
		Map<String, ReactiveHealthIndicator> indicators = new TreeMap<>();
		tenancy.institutions().keySet().forEach((id) -> indicators.put(id, indicator(tokens, id)));
		return CompositeReactiveHealthContributor.fromMap(indicators);
	}

	private static ReactiveHealthIndicator indicator(InstitutionTokens tokens, String id) {
		return () -> tokens.status(id).timeout(CHECK_TIMEOUT).map((status) -> {
			if (status.available()) {
				return Health.up()
					.withDetail("token", "available")
					.withDetail("cachedForSeconds", status.cachedFor().toSeconds())
					.build();
			}
			Health.Builder health = Health.down().withDetail("token", status.reason()).withDetail("reason",
					status.message());
			if (status.retryAfter() != null) {
				health.withDetail("retryInSeconds", status.retryAfter().toSeconds());
			}
			return health.build();
		}).onErrorResume((ex) -> Mono.just(Health.down().withDetail("token", "check_failed")
			.withDetail("reason", ex.getClass().getSimpleName())
			.build()));
	}

}

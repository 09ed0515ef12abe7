package org.oeb.bridge.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.oeb.bridge.gateway.oeb.OebProperties;
import org.oeb.bridge.gateway.tenancy.TenancyProperties;
import org.oeb.bridge.gateway.token.TokenProperties;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link TimeoutRules} on the shipped application.yml, with the given properties on top. */
class TimeoutRulesTests {

	private static final String INSTITUTION = "bridge.gateway.tenancy.institutions.uni-a.";

	@Test
	void theShippedDefaultsKeepTheRule() {
		assertThatNoException().isThrownBy(() -> rules(Map.of()).afterPropertiesSet());
	}

	@Test
	void theLongestCallIsAQueueWaitThenTwiceATokenWaitAConnectionAndAnAnswer() {
		StandardEnvironment environment = environment(Map.of(INSTITUTION + "max-queue-wait", "3s",
				"bridge.gateway.token.request-timeout", "7s", "bridge.gateway.oeb.connect-timeout", "4s",
				"bridge.gateway.oeb.response-timeout", "50s"));
		TenancyProperties.Institution institution = Binder.get(environment)
			.bind("bridge.gateway.tenancy", TenancyProperties.class)
			.get()
			.institutions()
			.get("uni-a");

		// token wait: another replica's request (7s + 5s of lock margin), then one of its own (7s)
		assertThat(rules(environment).longestCall(institution))
			.isEqualTo(Duration.ofSeconds(3 + 2 * ((7 + 5 + 7) + 4 + 50)));
	}

	@Test
	void aCallThatWaitsForATokenAndIsSentAgainAfterA401IsCountedAgainstWhatTheConnectorsWait() {
		// queue + one token request + one answer (2 + 15 + 100 s) fits 120 s; the worst case does not
		Map<String, String> oldDefaults = Map.of("bridge.gateway.token.request-timeout", "15s",
				"bridge.gateway.oeb.connector-request-timeout", "120s", "spring.lifecycle.timeout-per-shutdown-phase",
				"125s");

		assertThatThrownBy(() -> rules(oldDefaults).afterPropertiesSet()).hasMessageContaining("401")
			.hasMessageContaining("bridge.gateway.oeb.connector-request-timeout (120s")
			.hasMessageContaining("the longest call, 282s");
	}

	@Test
	void aShutdownShorterThanTheLongestCallIsRefused() {
		assertThatThrownBy(() -> rules(Map.of("spring.lifecycle.timeout-per-shutdown-phase", "261s")).afterPropertiesSet())
			.hasMessageContaining("spring.lifecycle.timeout-per-shutdown-phase (261s)")
			.hasMessageContaining("the longest call, 262s");
	}

	private static TimeoutRules rules(Map<String, String> overrides) {
		return rules(environment(overrides));
	}

	private static TimeoutRules rules(StandardEnvironment environment) {
		Binder binder = Binder.get(environment);
		return new TimeoutRules(binder.bind("bridge.gateway.oeb", OebProperties.class).get(),
				binder.bind("bridge.gateway.token", TokenProperties.class).get(),
				binder.bind("bridge.gateway.tenancy", TenancyProperties.class).get(), environment);
	}

	private static StandardEnvironment environment(Map<String, String> overrides) {
		StandardEnvironment environment = new StandardEnvironment();
		Map<String, Object> properties = new HashMap<>();
		properties.put("bridge.gateway.token.encryption-keys", TestInstitutions.ENCRYPTION_KEY);
		properties.put(INSTITUTION + "client-id", "client");
		properties.put(INSTITUTION + "client-secret", "secret");
		properties.put(INSTITUTION + "api-keys[0].sha256", TestInstitutions.sha256("key"));
		properties.putAll(overrides);
		environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
		try {
			new YamlPropertySourceLoader().load("application.yml", new ClassPathResource("application.yml"))
				.forEach(environment.getPropertySources()::addLast);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return environment;
	}

}

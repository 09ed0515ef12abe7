package org.oeb.bridge.gateway;

import java.util.Set;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.stereotype.Component;

/**
 * Each feature's properties record rejects unknown keys inside its own prefix; this catches
 * a misspelt feature name ({@code bridge.gateway.tokne.scope}) that no record would see.
 */
@Component
class UnknownPropertyGuard implements InitializingBean {

	private static final String PREFIX = "bridge.gateway.";

	private static final Set<String> FEATURES = Set.of("oeb", "token", "tenancy", "access", "operator");

	private final ConfigurableEnvironment environment;

	UnknownPropertyGuard(ConfigurableEnvironment environment) {
		this.environment = environment;
	}

	@Override
	public void afterPropertiesSet() {
		for (var source : this.environment.getPropertySources()) {
			if (source instanceof EnumerablePropertySource<?> enumerable) {
				for (String name : enumerable.getPropertyNames()) {
					if (name.startsWith(PREFIX) && !FEATURES.contains(feature(name))) {
						throw new IllegalStateException("Unknown configuration property '" + name + "' (from "
								+ source.getName() + "); the gateway knows bridge.gateway." + FEATURES);
					}
				}
			}
		}
	}

	private static String feature(String name) {
		String rest = name.substring(PREFIX.length());
		int dot = rest.indexOf('.');
		return (dot < 0) ? rest : rest.substring(0, dot);
	}

}

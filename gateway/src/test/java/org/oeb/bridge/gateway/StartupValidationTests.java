package org.oeb.bridge.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Misconfiguration stops the gateway at start-up with a message that names the key. */
class StartupValidationTests {

	private static final String INSTITUTION = "bridge.gateway.tenancy.institutions.uni-a.";

	@Test
	void unknownPropertyOfAnInstitutionFailsStartupNamingIt() {
		assertStartupFailsMentioning(Map.of(INSTITUTION + "clinet-id", "typo"), INSTITUTION + "clinet-id");
	}

	@Test
	void unknownGatewayFeatureFailsStartupNamingIt() {
		assertStartupFailsMentioning(Map.of("bridge.gateway.tokne.scope", "rw:issuer"), "bridge.gateway.tokne.scope");
	}

	@Test
	void missingClientSecretFailsStartupNamingIt() {
		Map<String, String> properties = validProperties();
		properties.remove(INSTITUTION + "client-secret");
		assertStartupFailsMentioning(properties, Map.of(), "uni-a", "clientSecret");
	}

	@Test
	void malformedOebUrlFailsStartupNamingTheKey() {
		assertStartupFailsMentioning(Map.of("bridge.gateway.oeb.base-url", "api.openbadges.education"),
				"bridge.gateway.oeb.base-url");
		assertStartupFailsMentioning(Map.of("bridge.gateway.oeb.base-url", "http://exa mple"),
				"bridge.gateway.oeb.base-url");
	}

	@Test
	void apiKeyInClearInsteadOfItsHashFailsStartupNamingTheKey() {
		assertStartupFailsMentioning(Map.of(INSTITUTION + "api-key-sha256[0]", "my-plain-connector-key"),
				INSTITUTION + "api-key-sha256[0]", "SHA-256");
	}

	@Test
	void noInstitutionAtAllFailsStartup() {
		Map<String, String> properties = new java.util.HashMap<>();
		properties.put("bridge.gateway.oeb.base-url", "http://localhost:1");
		assertStartupFailsMentioning(properties, Map.of(), "institutions");
	}

	private static void assertStartupFailsMentioning(Map<String, String> overrides, String... expected) {
		assertStartupFailsMentioning(validProperties(), overrides, expected);
	}

	private static void assertStartupFailsMentioning(Map<String, String> base, Map<String, String> overrides,
			String... expected) {
		Map<String, String> properties = new java.util.LinkedHashMap<>(base);
		properties.putAll(overrides);
		List<String> args = new ArrayList<>();
		properties.forEach((key, value) -> args.add("--" + key + "=" + value));
		args.add("--server.port=0");
		assertThatThrownBy(() -> new SpringApplicationBuilder(GatewayApplication.class).run(args.toArray(String[]::new))
			.close()).satisfies((failure) -> org.assertj.core.api.Assertions.assertThat(messages(failure))
				.contains(expected));
	}

	private static Map<String, String> validProperties() {
		Map<String, String> properties = new java.util.LinkedHashMap<>();
		properties.put("bridge.gateway.oeb.base-url", "http://localhost:1");
		properties.put(INSTITUTION + "client-id", "client");
		properties.put(INSTITUTION + "client-secret", "secret");
		properties.put(INSTITUTION + "api-key-sha256[0]", TestInstitutions.sha256("key"));
		return properties;
	}

	private static String messages(Throwable failure) {
		StringBuilder all = new StringBuilder();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			all.append(cause.getMessage()).append('\n');
		}
		return all.toString();
	}

}

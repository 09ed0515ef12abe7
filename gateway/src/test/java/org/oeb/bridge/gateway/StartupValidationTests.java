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
		assertStartupFailsMentioning(Map.of(INSTITUTION + "api-keys[0].sha256", "my-plain-connector-key"),
				INSTITUTION + "api-keys[0].sha256", "SHA-256");
	}

	@Test
	void unknownOperationOfAKeyFailsStartupNamingIt() {
		assertStartupFailsMentioning(Map.of(INSTITUTION + "api-keys[0].operations", "issue,delete-everything"),
				INSTITUTION + "api-keys[0].operations");
	}

	@Test
	void missingTokenEncryptionKeyFailsStartupSayingHowToMakeOne() {
		Map<String, String> properties = validProperties();
		properties.remove("bridge.gateway.token.encryption-keys[0]");
		assertStartupFailsMentioning(properties, Map.of(), "bridge.gateway.token.encryption-keys",
				"env TOKEN_ENCRYPTION_KEYS)", "openssl rand -base64 32");
	}

	@Test
	void anInstitutionNamedLikeTheRouteOfNoInstitutionFailsStartup() {
		Map<String, String> properties = validProperties();
		properties.put("bridge.gateway.tenancy.institutions.no-institution.client-id", "client");
		properties.put("bridge.gateway.tenancy.institutions.no-institution.client-secret", "secret");
		properties.put("bridge.gateway.tenancy.institutions.no-institution.api-keys[0].sha256",
				TestInstitutions.sha256("other-key"));
		assertStartupFailsMentioning(properties, Map.of(), "bridge.gateway.tenancy.institutions.no-institution",
				"reserved");
	}

	@Test
	void tokenEncryptionKeyOfTheWrongSizeFailsStartupNamingIt() {
		assertStartupFailsMentioning(Map.of("bridge.gateway.token.encryption-keys[0]", "c2hvcnQ="),
				"bridge.gateway.token.encryption-keys[0]", "32 random bytes");
		assertStartupFailsMentioning(Map.of("bridge.gateway.token.encryption-keys[0]", "not base64 at all!"),
				"bridge.gateway.token.encryption-keys[0]", "not base64");
	}

	@Test
	void upstreamTimeoutNotShorterThanWhatConnectorsWaitFailsStartupNamingBoth() {
		assertStartupFailsMentioning(Map.of("bridge.gateway.oeb.response-timeout", "120s"),
				"bridge.gateway.oeb.response-timeout", "bridge.gateway.oeb.connector-request-timeout");
		assertStartupFailsMentioning(
				Map.of("bridge.gateway.oeb.response-timeout", "50s", "bridge.gateway.oeb.connector-request-timeout",
						"60s", INSTITUTION + "max-queue-wait", "10s"),
				INSTITUTION + "max-queue-wait", "bridge.gateway.oeb.connector-request-timeout");
	}

	@Test
	void gracefulShutdownShorterThanOneUpstreamCallFailsStartup() {
		assertStartupFailsMentioning(Map.of("spring.lifecycle.timeout-per-shutdown-phase", "30s"),
				"spring.lifecycle.timeout-per-shutdown-phase", "bridge.gateway.oeb.response-timeout");
		assertStartupFailsMentioning(Map.of("server.shutdown", "immediate"), "server.shutdown", "graceful");
	}

	@Test
	void operatorPasswordInClearFailsStartup() {
		assertStartupFailsMentioning(Map.of("bridge.gateway.operator.password-hash", "sandbox"),
				"bridge.gateway.operator.password-hash");
	}

	@Test
	void noInstitutionAtAllFailsStartup() {
		Map<String, String> properties = new java.util.HashMap<>();
		properties.put("bridge.gateway.oeb.base-url", "http://localhost:1");
		properties.put("bridge.gateway.token.encryption-keys[0]", TestInstitutions.ENCRYPTION_KEY);
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
		properties.put(INSTITUTION + "api-keys[0].sha256", TestInstitutions.sha256("key"));
		properties.put("bridge.gateway.token.encryption-keys[0]", TestInstitutions.ENCRYPTION_KEY);
		properties.put("management.server.port", "0");
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

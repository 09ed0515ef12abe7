package org.oeb.bridge.common.lti;

import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the tool switches on, and how invalid configuration stops start-up with a message
 * naming the key.
 */
class LtiConfigurationTests {

	private static final String MOODLE = "bridge.lti.registrations.moodle.";

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LtiAutoConfiguration.class, SecurityAutoConfiguration.class,
				ServletWebSecurityAutoConfiguration.class))
		.withBean(StringRedisTemplate.class, () -> new StringRedisTemplate(new LettuceConnectionFactory()))
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new);

	@Test
	void staysOffWithoutRegistrations() {
		this.runner.withPropertyValues("bridge.lti.tool-url=https://bridge.example.org")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(LtiProperties.class)
				.doesNotHaveBean(LaunchVerifier.class));
	}

	@Test
	void staysOffOutsideAServletApplication() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(LtiAutoConfiguration.class))
			.withPropertyValues(properties(Map.of()))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(LaunchVerifier.class));
	}

	@Test
	void switchesOnWithARegistrationAndFillsInTheDefaults() {
		run(Map.of(), (context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(LaunchVerifier.class);
			assertThat(context.getBean(LaunchedLearnerPage.class)).isInstanceOf(PlainLearnerPage.class);
			LtiProperties lti = context.getBean(LtiProperties.class);
			assertThat(lti.toolUrl()).hasToString("https://bridge.example.org/moodle");
			assertThat(lti.stateLifetime()).hasMinutes(5);
			assertThat(lti.maxClockSkew()).hasSeconds(60);
			assertThat(lti.redisKeyPrefix()).isEqualTo("oeb-lti");
			LtiProperties.Registration moodle = lti.registrations().get("moodle");
			assertThat(moodle.userIdClaim()).isEqualTo("sub");
			assertThat(moodle.frameAncestors()).containsExactly("https://moodle.example.org");
		});
	}

	@Test
	void keepsTheConnectorsOwnLearnerPage() {
		LaunchedLearnerPage own = (launch) -> "<!DOCTYPE html><title>wallet</title>";
		this.runner.withPropertyValues(properties(Map.of()))
			.withBean(LaunchedLearnerPage.class, () -> own)
			.run((context) -> assertThat(context.getBean(LaunchedLearnerPage.class)).isSameAs(own));
	}

	@Test
	void refusesAMissingOrBlankField() {
		assertStartupFails(Map.of(MOODLE + "issuer", ""), MOODLE + "issuer: is required");
		assertStartupFails(Map.of(MOODLE + "client-id", " "), MOODLE + "client-id: is required");
		assertStartupFails(Map.of(MOODLE + "deployment-ids", ""), MOODLE + "deployment-ids");
		assertStartupFails(Map.of("bridge.lti.tool-url", ""), "bridge.lti.tool-url: is required");
	}

	@Test
	void refusesAUrlThatIsNoUrl() {
		assertStartupFails(Map.of(MOODLE + "auth-url", "moodle.example.org/mod/lti/auth.php"),
				MOODLE + "auth-url: 'moodle.example.org/mod/lti/auth.php' is not an http(s) URL");
		assertStartupFails(Map.of(MOODLE + "jwks-url", "ftp://moodle.example.org/certs"), MOODLE + "jwks-url");
		assertStartupFails(Map.of(MOODLE + "jwks-url", "not a url"), MOODLE + "jwks-url");
	}

	@Test
	void refusesAToolUrlWithoutHttpsUnlessOnLocalhost() {
		assertStartupFails(Map.of("bridge.lti.tool-url", "http://bridge.example.org"),
				"bridge.lti.tool-url: must be an https URL");
		run(Map.of("bridge.lti.tool-url", "http://localhost:8080"),
				(context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void refusesTwoRegistrationsWithTheSameIssuerAndClientId() {
		Map<String, String> twin = new LinkedHashMap<>();
		String second = "bridge.lti.registrations.second-moodle.";
		twin.put(second + "institution", "uni-b");
		twin.put(second + "issuer", "https://moodle.example.org");
		twin.put(second + "client-id", "client-1");
		twin.put(second + "auth-url", "https://moodle.example.org/mod/lti/auth.php");
		twin.put(second + "jwks-url", "https://moodle.example.org/mod/lti/certs.php");
		twin.put(second + "deployment-ids", "4");
		assertStartupFails(twin, "bridge.lti.registrations.second-moodle: issuer and client-id are the same as in "
				+ "registration 'moodle'");
	}

	@Test
	void refusesAnInstitutionIdOfAnotherFormat() {
		assertStartupFails(Map.of(MOODLE + "institution", "Uni_A"),
				MOODLE + "institution: 'Uni_A' is not an institution id");
	}

	@Test
	void refusesFrameAncestorsThatAreNoOrigins() {
		assertStartupFails(Map.of(MOODLE + "frame-ancestors", "https://moodle.example.org/course"),
				MOODLE + "frame-ancestors[0]");
		assertStartupFails(Map.of(MOODLE + "frame-ancestors", "https://moodle.example.org; script-src *"),
				MOODLE + "frame-ancestors[0]");
		assertStartupFails(Map.of(MOODLE + "issuer", "moodle-prod"),
				MOODLE + "frame-ancestors: the issuer 'moodle-prod' is no URL");
	}

	@Test
	void refusesACustomUserIdClaimWithoutName() {
		assertStartupFails(Map.of(MOODLE + "user-id-claim", "custom:"), MOODLE + "user-id-claim");
	}

	@Test
	void refusesAnUnknownProperty() {
		assertStartupFails(Map.of(MOODLE + "client-secret", "x"), MOODLE + "client-secret");
	}

	@Test
	void refusesAToolKeyThatIsNoPemRsaKey() {
		assertStartupFails(Map.of("bridge.lti.tool-key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"),
				"bridge.lti.tool-key");
	}

	@Test
	void servesThePublicPartOfAConfiguredToolKey() throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		var pair = generator.generateKeyPair();
		String pem = "-----BEGIN PRIVATE KEY-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPrivate().getEncoded())
				+ "\n-----END PRIVATE KEY-----\n";
		run(Map.of("bridge.lti.tool-key", pem), (context) -> {
			assertThat(context).hasNotFailed();
			Map<String, Object> jwks = context.getBean(ToolKeys.class).publicKeySet();
			@SuppressWarnings("unchecked")
			Map<String, Object> key = ((List<Map<String, Object>>) jwks.get("keys")).get(0);
			String modulus = Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString(unsigned(((java.security.interfaces.RSAPublicKey) pair.getPublic()).getModulus()
					.toByteArray()));
			assertThat(key).containsEntry("n", modulus).containsKeys("kid", "e").doesNotContainKeys("d", "p", "q");
		});
	}

	private void run(Map<String, String> overrides,
			org.springframework.boot.test.context.runner.ContextConsumer<AssertableWebApplicationContext> check) {
		this.runner.withPropertyValues(properties(overrides)).run(check);
	}

	private void assertStartupFails(Map<String, String> overrides, String expected) {
		run(overrides, (context) -> {
			assertThat(context).hasFailed();
			StringBuilder messages = new StringBuilder();
			for (Throwable cause = context.getStartupFailure(); cause != null; cause = cause.getCause()) {
				messages.append(cause.getMessage()).append('\n');
			}
			assertThat(messages.toString()).contains(expected);
		});
	}

	private static String[] properties(Map<String, String> overrides) {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("bridge.lti.tool-url", "https://bridge.example.org/moodle/");
		properties.put(MOODLE + "institution", "uni-a");
		properties.put(MOODLE + "issuer", "https://moodle.example.org");
		properties.put(MOODLE + "client-id", "client-1");
		properties.put(MOODLE + "auth-url", "https://moodle.example.org/mod/lti/auth.php");
		properties.put(MOODLE + "jwks-url", "https://moodle.example.org/mod/lti/certs.php");
		properties.put(MOODLE + "deployment-ids", "3");
		properties.putAll(overrides);
		List<String> pairs = new ArrayList<>();
		properties.forEach((key, value) -> pairs.add(key + "=" + value));
		return pairs.toArray(String[]::new);
	}

	private static byte[] unsigned(byte[] bytes) {
		return (bytes.length > 1 && bytes[0] == 0) ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
	}

}

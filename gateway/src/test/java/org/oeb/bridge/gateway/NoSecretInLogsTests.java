package org.oeb.bridge.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.oeb.bridge.testing.FakeOeb;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every log line of a full request cycle, with debug logging on for the gateway and the
 * HTTP stack, is free of client ids and secrets, connector keys and tokens.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "logging.level.org.oeb.bridge=TRACE", "logging.level.org.springframework.cloud.gateway=TRACE",
				"logging.level.org.springframework.web=DEBUG", "logging.level.org.springframework.http=DEBUG",
				"logging.level.org.springframework.data.redis=DEBUG", "logging.level.reactor.netty=DEBUG" })
@AutoConfigureWebTestClient(timeout = "30s")
class NoSecretInLogsTests {

	private static final FakeOeb oeb = FakeOeb.start();

	private static final String CONNECTOR_BEARER = "connector-bearer-" + UUID.randomUUID();

	private static final String CONNECTOR_COOKIE = "connector-cookie-" + UUID.randomUUID();

	@Autowired
	private WebTestClient client;

	@LocalManagementPort
	private int managementPort;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		TestInstitutions.registerClients(oeb);
		TestInstitutions.gatewayProperties(oeb, "test-logs-" + UUID.randomUUID())
			.forEach((key, value) -> registry.add(key, () -> value));
	}

	@AfterAll
	static void stopOeb() {
		oeb.close();
	}

	@Test
	void aFullRequestCycleLogsNoSecretKeyOrToken(CapturedOutput output) {
		issue(TestInstitutions.KEY_A, "uni-a").expectStatus().isCreated();
		oeb.revokeAllTokens();
		issue(TestInstitutions.KEY_A, "uni-a").expectStatus().isCreated();
		issue(TestInstitutions.KEY_A, "uni-b").expectStatus().isForbidden();
		issue("wrong-" + TestInstitutions.KEY_B, "uni-b").expectStatus().isUnauthorized();
		oeb.throttleTokenEndpoint(30);
		issue(TestInstitutions.KEY_B, "uni-b").expectStatus().isEqualTo(503);
		WebTestClient management = WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + this.managementPort)
			.build();
		management.get().uri("/actuator/health").exchange();
		management.get().uri("/actuator/prometheus").exchange().expectStatus().isOk();

		String logs = output.getAll();
		assertThat(logs).contains("Obtained an OEB token for institution 'uni-a'", "throttles token requests",
				"Rejected connector call");
		List<String> secrets = new ArrayList<>(List.of(TestInstitutions.CLIENT_A, TestInstitutions.CLIENT_B,
				TestInstitutions.SECRET_A, TestInstitutions.SECRET_B,
				TestInstitutions.KEY_A, TestInstitutions.KEY_B, CONNECTOR_BEARER, CONNECTOR_COOKIE,
				TestInstitutions.ENCRYPTION_KEY, TestInstitutions.OLD_ENCRYPTION_KEY));
		secrets.addAll(oeb.issuedTokens());
		assertThat(oeb.issuedTokens()).hasSize(2);
		for (String secret : secrets) {
			assertThat(logs).as("log output must not contain a secret, key or token").doesNotContain(secret);
		}
	}

	private WebTestClient.ResponseSpec issue(String apiKey, String institution) {
		return this.client.post()
			.uri("/oeb/" + institution + "/v2/badgeclasses/Qs4bN3yTQoa5xNmY1aV0gw/assertions")
			.header("X-Api-Key", apiKey)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + CONNECTOR_BEARER)
			.header(HttpHeaders.COOKIE, "access_token=" + CONNECTOR_COOKIE)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"recipient\":{\"identity\":\"learner@uni-a.example\",\"type\":\"email\"}}")
			.exchange();
	}

}

package org.oeb.bridge.admin;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.oeb.bridge.sandbox.Service;
import org.oeb.bridge.testing.FakeCanvas;
import org.oeb.bridge.testing.FakeMoodle;
import org.oeb.bridge.testing.FakeOeb;
import org.oeb.bridge.testing.LocalRedis;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The support staff's dashboard, with the real gateway and connectors started from their jars:
 * it finds all three and shows them UP, and nothing of it opens without the login.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AdminDashboardTests {

	private static final String OPERATOR_PASSWORD = "operator-" + UUID.randomUUID();

	private static final String SUPPORT_PASSWORD = "support-" + UUID.randomUUID();

	private static final String CONNECTOR_KEY = "connector-key-" + UUID.randomUUID();

	private static final String RUN = "test-admin-" + UUID.randomUUID();

	private static final String BADGE = "AdminBadge000000000AAA";

	private static final List<Service> services = new ArrayList<>();

	private static final List<String> scrapes = new ArrayList<>();

	/** Counters that appear with the first such event, which a healthy run does not have. */
	private static final java.util.Set<String> CREATED_ON_FIRST_EVENT = java.util.Set.of(
			"bridge_awards_dead_letters_total", "bridge_awards_retries_total", "bridge_gateway_connector_rejections_total",
			"bridge_wallet_feed_failures_total", "bridge_wallet_revocations_total");

	private static FakeOeb oeb;

	private static FakeMoodle moodle;

	private static FakeCanvas canvas;

	@LocalServerPort
	private int port;

	@org.springframework.boot.test.web.server.LocalManagementPort
	private int managementPort;

	private final HttpClient http = HttpClient.newHttpClient();

	@DynamicPropertySource
	static void startServices(DynamicPropertyRegistry registry) throws Exception {
		LocalRedis.ensureRunning();
		oeb = FakeOeb.start().registerClient("admin-client", "admin-secret").badgeClass(BADGE);
		moodle = FakeMoodle.start()
			.token("0123456789abcdef0123456789abcdef", FakeMoodle.ALL_FUNCTIONS)
			.course("42", "Course")
			.enrol("42", "7", "Ada Lovelace", "ada@demo.example", "student")
			.completion("42", "7", true, java.time.Instant.parse("2026-05-04T12:00:00Z"));
		canvas = FakeCanvas.start().accessToken("7~admin-token").course("77", "Course", true);
		Path root = Path.of("..").toAbsolutePath().normalize();
		Path logs = Files.createDirectories(Path.of("target", "service-logs"));
		int gatewayPort = freePort();
		int[] managementPorts = { freePort(), freePort(), freePort() };
		services.add(Service.start("gateway", Service.jarOf(root, "gateway"), List.of("--server.port=" + gatewayPort,
				"--management.server.port=" + managementPorts[0], "--bridge.gateway.oeb.base-url=" + oeb.baseUrl(),
				"--bridge.gateway.tenancy.institutions.demo.client-id=admin-client",
				"--bridge.gateway.tenancy.institutions.demo.client-secret=admin-secret",
				"--bridge.gateway.tenancy.institutions.demo.api-keys[0].sha256=" + sha256(CONNECTOR_KEY),
				"--bridge.gateway.token.redis-key-prefix=" + RUN + "-gateway",
				"--bridge.gateway.token.encryption-keys=YWRtaW4tdGVzdC10b2tlbi1rZXktMzItYnl0ZXMhISE=",
				"--bridge.gateway.operator.password-hash={noop}" + OPERATOR_PASSWORD), logs));
		services.add(Service.start("connector-moodle", Service.jarOf(root, "connector-moodle"), connector(gatewayPort,
				managementPorts[1], "moodle", "--bridge.moodle.institutions.demo.url=" + moodle.url(),
				"--bridge.moodle.institutions.demo.token=0123456789abcdef0123456789abcdef",
				"--bridge.moodle.institutions.demo.poll-interval=2s"), logs));
		services.add(Service.start("connector-canvas", Service.jarOf(root, "connector-canvas"), connector(gatewayPort,
				managementPorts[2], "canvas", "--bridge.canvas.institutions.demo.url=" + canvas.url(),
				"--bridge.canvas.institutions.demo.access-token=7~admin-token",
				"--bridge.canvas.institutions.demo.poll-interval=2s"), logs));
		HttpClient http = HttpClient.newHttpClient();
		for (Service service : services) {
			service.awaitHealthy(http, Duration.ofSeconds(120));
		}
		String[] names = { "gateway", "connector-moodle", "connector-canvas" };
		for (int i = 0; i < names.length; i++) {
			int port = managementPorts[i];
			scrapes.add("http://localhost:" + port + "/actuator/prometheus");
			registry.add("spring.cloud.discovery.client.simple.instances." + names[i] + "[0].uri",
					() -> "http://localhost:" + port);
		}
		registry.add("spring.boot.admin.instance-auth.default-password", () -> OPERATOR_PASSWORD);
		registry.add("bridge.admin.password-hash", () -> "{noop}" + SUPPORT_PASSWORD);
		registry.add("spring.boot.admin.monitor.status-interval", () -> "2s");
		registry.add("management.server.port", () -> "0");
	}

	private static List<String> connector(int gatewayPort, int managementPort, String lms, String... site) {
		List<String> arguments = new ArrayList<>(List.of("--server.port=" + freePortUnchecked(),
				"--management.server.port=" + managementPort, "--bridge.issuance.gateway-url=http://localhost:" + gatewayPort,
				"--bridge.awards.redis-key-prefix=" + RUN + "-" + lms + "-awards",
				"--bridge.connector.redis-key-prefix=" + RUN + "-" + lms,
				"--bridge.awards.institutions.demo.gateway-api-key=" + CONNECTOR_KEY,
				"--bridge.awards.institutions.demo.rules[0].id=course",
				"--bridge.awards.institutions.demo.rules[0].badge-class=" + BADGE,
				"--bridge.awards.institutions.demo.rules[0].when=course-completed(course=" + ("moodle".equals(lms) ? "42" : "77")
						+ ")",
				"--bridge.operator.password-hash={noop}" + OPERATOR_PASSWORD));
		arguments.addAll(List.of(site));
		return arguments;
	}

	@AfterAll
	static void stopServices() {
		services.forEach(Service::stop);
		for (AutoCloseable simulator : new AutoCloseable[] { oeb, moodle, canvas }) {
			try {
				simulator.close();
			}
			catch (Exception ex) {
				// stopping anyway
			}
		}
	}

	@Test
	void theGatewayAndBothConnectorsAreRegisteredAndUp() {
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
			java.net.http.HttpResponse<String> instances = get("/instances", "support", SUPPORT_PASSWORD);
			assertThat(instances.statusCode()).isEqualTo(200);
			String body = instances.body();
			for (String name : List.of("gateway", "connector-moodle", "connector-canvas")) {
				assertThat(body).contains("\"name\":\"" + name + "\"");
			}
			assertThat(body.split("\"status\":\"UP\"", -1).length - 1).as(body).isGreaterThanOrEqualTo(3);
			assertThat(body).doesNotContain("\"status\":\"DOWN\"", "\"status\":\"OFFLINE\"");
		});
	}

	@Test
	void everyMetricInTheAlertsAndTheDashboardIsInAScrapeOfTheRunningServices() throws Exception {
		// an award goes through (Ada completed the course before the start-up sweep), so the issuing meters exist
		await().atMost(Duration.ofSeconds(60)).until(() -> !oeb.assertionsFor("ada@demo.example").isEmpty());
		java.util.Set<String> named = new java.util.TreeSet<>();
		java.util.regex.Matcher metric = java.util.regex.Pattern.compile("\\b(bridge_[a-z_]+)\\b")
			.matcher(Files.readString(Path.of("..", "k8s", "monitoring", "alerts.yaml"))
					+ Files.readString(Path.of("..", "k8s", "monitoring", "dashboards", "oeb-bridge.json")));
		while (metric.find()) {
			named.add(metric.group(1));
		}
		assertThat(named).hasSizeGreaterThan(10);

		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
			java.util.Set<String> scraped = new java.util.TreeSet<>();
			for (String scrape : scrapes) {
				String exposition = this.http
					.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(scrape)).build(),
							java.net.http.HttpResponse.BodyHandlers.ofString())
					.body();
				for (String line : exposition.split("\n")) {
					if (!line.startsWith("#") && !line.isBlank()) {
						scraped.add(line.split("[{ ]", 2)[0]);
					}
				}
			}
			assertThat(named).allSatisfy((name) -> assertThat(scraped.contains(name) || CREATED_ON_FIRST_EVENT.contains(name))
				.as(name + " is scraped").isTrue());
		});
	}

	@Test
	void theProbesTheManifestsUseAnswerOnEveryServicesManagementPort() throws Exception {
		for (String scrape : scrapes) {
			String management = scrape.replace("/actuator/prometheus", "");
			for (String probe : List.of("/actuator/health/liveness", "/actuator/health/readiness")) {
				java.net.http.HttpResponse<String> answer = this.http.send(
						java.net.http.HttpRequest.newBuilder(java.net.URI.create(management + probe)).build(),
						java.net.http.HttpResponse.BodyHandlers.ofString());
				assertThat(answer.statusCode()).as(management + probe).isEqualTo(200);
				assertThat(answer.body()).contains("\"status\":\"UP\"");
			}
		}
	}

	@Test
	void nothingOpensWithoutTheLoginButTheProbes() throws Exception {
		assertThat(get("/instances", null, null).statusCode()).isIn(401, 302);
		assertThat(get("/instances", "support", "wrong").statusCode()).isEqualTo(401);
		assertThat(this.http
			.send(java.net.http.HttpRequest
				.newBuilder(java.net.URI.create("http://localhost:" + this.managementPort + "/actuator/health/liveness"))
				.build(), java.net.http.HttpResponse.BodyHandlers.ofString())
			.statusCode()).isEqualTo(200);

		java.net.http.HttpResponse<String> login = this.http.send(java.net.http.HttpRequest
			.newBuilder(java.net.URI.create("http://localhost:" + this.port + "/login"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(java.net.http.HttpRequest.BodyPublishers.ofString("username=support&password=" + SUPPORT_PASSWORD))
			.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
		assertThat(login.statusCode()).isEqualTo(302);
		// the session cookie never travels with another site's request
		assertThat(login.headers().allValues("Set-Cookie")).anySatisfy(
				(cookie) -> assertThat(cookie).startsWith("SESSION=").containsIgnoringCase("SameSite=Strict").containsIgnoringCase("HttpOnly"));
	}

	private java.net.http.HttpResponse<String> get(String path, String user, String password) throws Exception {
		java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest
			.newBuilder(java.net.URI.create("http://localhost:" + this.port + path))
			.header("Accept", "application/json");
		if (user != null) {
			request.header("Authorization", "Basic " + java.util.Base64.getEncoder()
				.encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
		}
		return this.http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static int freePortUnchecked() {
		try {
			return freePort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String sha256(String text) throws Exception {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
	}

}

package org.oeb.bridge.sandbox;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import org.oeb.bridge.testing.FakeCanvas;
import org.oeb.bridge.testing.FakeMoodle;
import org.oeb.bridge.testing.FakeOeb;
import org.oeb.bridge.testing.LocalRedis;

/**
 * Starts the bridge locally: Redis (the one on 127.0.0.1:6379, or an embedded one), simulated
 * OEB and Moodle, the gateway and both connectors as separate processes from their jars. It
 * seeds a demo institution, makes a learner complete the demo course, and shows the decision,
 * the issue call and the assertion. Ctrl-C stops everything it started.
 */
public final class Sandbox {

	static final String INSTITUTION = "demo";


	static final String ISSUER = "SandboxIssuer000000001";

	static final String MOODLE_TOKEN = "5a4db0c5e1f2a3b4c5d6e7f8a9b0c1d2";

	static final String CONNECTOR_KEY = "sandbox-connector-key";

	/** The key of the CI pipeline that applies the catalog: it may also manage badge classes. */
	static final String CATALOG_KEY = "sandbox-catalog-key";

	static final String OPERATOR_PASSWORD = "sandbox";

	/** Encrypts the gateway's cached OEB tokens in Redis; a fixed key is fine for simulated OEB tokens. */
	static final String SANDBOX_TOKEN_KEY = "c2FuZGJveC10b2tlbi1rZXktMzItYnl0ZXMtbG9uZyE=";

	static final String HOOK_SECRET = "sandbox-hook";

	static final String WALLET_KEY = "sandbox-wallet-key";

	static final String CANVAS_TOKEN = "7~sandbox-canvas-token";

	static final String CANVAS_ROOT_ACCOUNT = "SandboxRootAccountUuid00000000000000000000";

	private final Path root;

	private String badgeClass;

	/** Redis keys of this run only: a second run starts from a clean slate on a shared Redis. */
	private final String run = "sandbox-" + Long.toString(System.currentTimeMillis(), 36);

	private final List<Service> services = new ArrayList<>();

	private final HttpClient http = HttpClient.newHttpClient();

	private FakeOeb oeb;

	private FakeMoodle moodle;

	private FakeCanvas canvas;

	private Sandbox(Path root) {
		this.root = root;
	}

	public static void main(String[] args) throws Exception {
		Path root = Path.of((args.length > 0) ? args[0] : ".").toAbsolutePath().normalize();
		Sandbox sandbox = new Sandbox(root);
		Runtime.getRuntime().addShutdownHook(new Thread(sandbox::stop, "sandbox-stop"));
		sandbox.run();
		Thread.currentThread().join();
	}

	private void run() throws Exception {
		say("starting the OEB LMS Bridge sandbox in " + this.root);
		requireFree(8080, 8081, 8082, 9080, 9081, 9082);
		LocalRedis.ensureRunning();
		say(LocalRedis.startedEmbedded() ? "Redis: embedded redis-server on 127.0.0.1:6379"
				: "Redis: the one answering on 127.0.0.1:6379 (this run's keys start with '" + this.run + "')");
		startSimulators();
		Path logs = Files.createDirectories(this.root.resolve("sandbox/target/logs"));
		Service gateway = Service.start("gateway", Service.jarOf(this.root, "gateway"), gatewayArguments(), logs);
		this.services.add(gateway);
		gateway.awaitHealthy(this.http, Duration.ofSeconds(180));
		applyCatalog();
		this.services.add(Service.start("moodle", Service.jarOf(this.root, "connector-moodle"), moodleArguments(), logs));
		this.services.add(Service.start("canvas", Service.jarOf(this.root, "connector-canvas"), canvasArguments(), logs));
		for (Service service : this.services) {
			service.awaitHealthy(this.http, Duration.ofSeconds(180));
			say(service.name() + " is up on port " + service.port());
		}
		scenario();
	}

	private void startSimulators() {
		this.oeb = FakeOeb.start();
		this.oeb.registerClient("sandbox-client", "sandbox-secret").issuer(ISSUER, "Demo University");
		say("simulated OEB on " + this.oeb.baseUrl() + " (issuer " + ISSUER + " 'Demo University', no badge classes "
				+ "yet: they come from the catalog file)");
		this.moodle = FakeMoodle.start();
		this.moodle.token(MOODLE_TOKEN, FakeMoodle.ALL_FUNCTIONS)
			.course("42", "Open Science 101")
			.enrol("42", "2", "Ada Lovelace", "Ada.Lovelace@demo.example", "student")
			.enrol("42", "3", "Grace Hopper", "grace.hopper@demo.example", "student")
			.enrol("42", "4", "Alan Turing", "alan.turing@demo.example", "student")
			.enrol("42", "5", "Teacher", "teacher@demo.example", "editingteacher");
		say("simulated Moodle on " + this.moodle.url() + " (course 42 'Open Science 101', 3 learners)");
		this.canvas = FakeCanvas.start();
		this.canvas.accessToken(CANVAS_TOKEN)
			.course("77", "Open Data Literacy", true)
			.student("77", "501", "Katherine Johnson", "katherine.johnson@demo.example")
			.student("77", "502", "Dorothy Vaughan", "dorothy.vaughan@demo.example")
			.progress("77", "501", 3, 1, null)
			.progress("77", "502", 3, 1, null);
		say("simulated Canvas on " + this.canvas.url() + " (course 77 'Open Data Literacy', 2 students, signed Live "
				+ "Events)");
	}

	/**
	 * Creates the demo institution's badges from {@code sandbox/catalog/demo.yml} as a CI pipeline
	 * would: {@code catalog plan}, then {@code catalog apply}, with the connector's jar and a key
	 * that may manage badge classes; a second plan shows that OEB holds the catalog.
	 */
	private void applyCatalog() throws Exception {
		String key = "--bridge.awards.institutions." + INSTITUTION + ".gateway-api-key=";
		List<String> arguments = moodleArguments().stream()
			.map((argument) -> argument.startsWith(key) ? key + CATALOG_KEY : argument)
			.toList();
		for (String verb : List.of("plan", "apply", "plan")) {
			say("java -jar connector-moodle.jar catalog " + verb + " (the catalog file sandbox/catalog/demo.yml)");
			int exit = Service.runCommand(Service.jarOf(this.root, "connector-moodle"), "catalog-" + verb,
					concat(List.of("catalog", verb), arguments), this.root.resolve("sandbox/target/logs"));
			say("catalog " + verb + " exited with " + exit);
		}
		this.badgeClass = this.oeb.storedBadgeClasses(ISSUER)
			.stream()
			.filter((badge) -> "Open Science Basics".equals(badge.path("name").asString()))
			.map((badge) -> badge.path("entityId").asString())
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("the catalog apply created no 'Open Science Basics'"));
	}

	private static List<String> concat(List<String> first, List<String> second) {
		List<String> all = new java.util.ArrayList<>(first);
		all.addAll(second);
		return all;
	}

	private List<String> catalogArguments() {
		Path catalog = this.root.resolve("sandbox/catalog");
		return List.of("--spring.config.additional-location=file:" + catalog.resolve("demo.yml"),
				"--catalog.images=" + catalog, "--bridge.catalog.redis-key-prefix=" + this.run + "-catalog");
	}

	private void scenario() throws Exception {
		Instant now = Instant.now();
		say("Ada Lovelace completes 'Open Science 101' in the simulated Moodle");
		this.moodle.completion("42", "2", true, now.minusSeconds(60), now).access("42", "2", now);
		Instant deadline = Instant.now().plusSeconds(120);
		while (this.oeb.assertions(this.badgeClass).isEmpty() && Instant.now().isBefore(deadline)) {
			Thread.sleep(250);
		}
		if (this.oeb.assertions(this.badgeClass).isEmpty()) {
			say("no assertion after 2 minutes; see sandbox/target/logs/*.log");
			return;
		}
		FakeOeb.StoredAssertion assertion = this.oeb.assertions(this.badgeClass).get(0);
		say("OEB stored assertion " + assertion.entityId() + " of badge class " + this.badgeClass + " for "
				+ assertion.recipient() + " (token requests to OEB so far: " + this.oeb.tokenRequestCount() + ")");
		HttpResponse<String> counts = this.http.send(HttpRequest.newBuilder(
				URI.create("http://localhost:9081/actuator/issuance/" + INSTITUTION))
			.header("Authorization", "Basic " + Base64.getEncoder()
				.encodeToString(("operator:" + OPERATOR_PASSWORD).getBytes(StandardCharsets.UTF_8)))
			.build(), HttpResponse.BodyHandlers.ofString());
		say("operator view, GET /actuator/issuance/" + INSTITUTION + " (user operator, password "
				+ OPERATOR_PASSWORD + "): " + counts.body());
		Instant hinted = Instant.now();
		say("Grace Hopper completes the course and Moodle's webhook plugin (tool_trigger) sends a hint");
		this.moodle.completion("42", "3", true, hinted);
		HttpResponse<String> hint = this.http.send(HttpRequest.newBuilder(
				URI.create("http://localhost:8081/webhooks/moodle/" + INSTITUTION + "/tool-trigger"))
			.header("Authorization", "Bearer " + HOOK_SECRET)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(
					"eventname=%5Ccore%5Cevent%5Ccourse_completed&courseid=42&relateduserid=3"))
			.build(), HttpResponse.BodyHandlers.ofString());
		say("hint answered " + hint.statusCode() + " " + hint.body());
		Instant hintDeadline = Instant.now().plusSeconds(30);
		while (this.oeb.assertionsFor("grace.hopper@demo.example").isEmpty() && Instant.now().isBefore(hintDeadline)) {
			Thread.sleep(100);
		}
		if (!this.oeb.assertionsFor("grace.hopper@demo.example").isEmpty()) {
			say("Grace's badge was issued " + Duration.between(hinted, Instant.now()).toMillis()
					+ " ms after the hint (the poll interval is 5 s)");
		}
		canvasScenario();
		revocationScenario(assertion.entityId());
		say("running: gateway localhost:8080, connector-moodle localhost:8081, connector-canvas localhost:8082. Try "
				+ "curl -u operator:" + OPERATOR_PASSWORD + " localhost:9081/actuator/issuance/demo (the connector's management port), or "
				+ "curl -u operator:" + OPERATOR_PASSWORD + " localhost:9080/actuator/health (the gateway's management "
				+ "port). Ctrl-C stops everything.");
	}

	private List<String> gatewayArguments() {
		String prefix = "--bridge.gateway.tenancy.institutions." + INSTITUTION + ".";
		return List.of("--server.port=8080", "--management.server.port=9080",
				"--bridge.gateway.oeb.base-url=" + this.oeb.baseUrl(), prefix + "client-id=sandbox-client",
				prefix + "client-secret=sandbox-secret", prefix + "api-keys[0].sha256=" + sha256(CONNECTOR_KEY),
				prefix + "api-keys[1].sha256=" + sha256(CATALOG_KEY), prefix + "api-keys[1].operations=issue,sync,manage",
				"--bridge.gateway.token.redis-key-prefix=" + this.run + "-gateway",
				"--bridge.gateway.token.encryption-keys=" + SANDBOX_TOKEN_KEY,
				"--bridge.gateway.operator.password-hash={noop}" + OPERATOR_PASSWORD);
	}

	private List<String> moodleArguments() {
		String awards = "--bridge.awards.institutions." + INSTITUTION + ".";
		String site = "--bridge.moodle.institutions." + INSTITUTION + ".";
		return concat(catalogArguments(), List.of("--server.port=8081", "--management.server.port=9081",
				"--bridge.issuance.gateway-url=http://localhost:8080",
				"--bridge.awards.redis-key-prefix=" + this.run + "-awards",
				"--bridge.connector.redis-key-prefix=" + this.run + "-moodle",
				awards + "gateway-api-key=" + CONNECTOR_KEY, awards + "rules[0].id=open-science-101",
				awards + "rules[0].badge=open-science-basics", awards + "rules[0].when=course-completed(course=42)",
				site + "url=" + this.moodle.url(), site + "token=" + MOODLE_TOKEN, site + "webhook-secret=" + HOOK_SECRET,
				site + "poll-interval=5s", "--bridge.operator.password-hash={noop}" + OPERATOR_PASSWORD,
				"--bridge.wallet.sync-interval=5s", "--bridge.wallet.oeb-public-url=" + this.oeb.baseUrl(),
				"--bridge.wallet.clients." + INSTITUTION + ".key-sha256[0]=" + sha256(WALLET_KEY)));
	}

	/** Katherine's completion is found by the poll, Dorothy's at once through a signed Live Event. */
	private void canvasScenario() throws Exception {
		Instant now = Instant.now();
		say("Katherine Johnson completes 'Open Data Literacy' in the simulated Canvas");
		this.canvas.progress("77", "501", 3, 3, now);
		if (awaitAssertion("katherine.johnson@demo.example", Duration.ofSeconds(60))) {
			say("Katherine's badge was issued " + Duration.between(now, Instant.now()).toMillis()
					+ " ms after her completion, found by the poll (every 5 s)");
		}
		Instant completed = Instant.now();
		say("Dorothy Vaughan completes it, and Canvas Data Services sends a signed course_completed Live Event");
		this.canvas.progress("77", "502", 3, 3, completed);
		HttpResponse<String> event = this.http.send(HttpRequest.newBuilder(
				URI.create("http://localhost:8082/webhooks/canvas/" + INSTITUTION + "/live-events"))
			.header("Content-Type", "application/jwt")
			.POST(HttpRequest.BodyPublishers.ofString(this.canvas
				.signedEvent(FakeCanvas.courseCompletedEvent(CANVAS_ROOT_ACCOUNT, "77", "502", completed))))
			.build(), HttpResponse.BodyHandlers.ofString());
		say("Live Event answered " + event.statusCode() + " " + event.body());
		if (awaitAssertion("dorothy.vaughan@demo.example", Duration.ofSeconds(30))) {
			say("Dorothy's badge was issued " + Duration.between(completed, Instant.now()).toMillis()
					+ " ms after the event");
		}
	}

	/** Staff revoke Ada's badge in OEB's UI; the change feed brings it to the operator view and Ada's wallet. */
	private void revocationScenario(String assertion) throws Exception {
		Instant revoked = Instant.now();
		say("OEB staff revoke Ada's badge in OEB's UI: 'Awarded for the wrong course'");
		this.oeb.revokeInOeb(assertion, "Awarded for the wrong course");
		Instant deadline = Instant.now().plusSeconds(30);
		String view = "";
		while (Instant.now().isBefore(deadline)) {
			view = get("http://localhost:9081/actuator/issuance/" + INSTITUTION, "Basic " + Base64.getEncoder()
				.encodeToString(("operator:" + OPERATOR_PASSWORD).getBytes(StandardCharsets.UTF_8)));
			if (view.contains("Awarded for the wrong course")) {
				break;
			}
			Thread.sleep(250);
		}
		say("the change feed brought the revocation to the ledger " + Duration.between(revoked, Instant.now()).toMillis()
				+ " ms later (it is read every 5 s); operator view: " + view);
		say("Ada's wallet, GET localhost:8081/api/wallets/" + INSTITUTION + "/learners/2 (Authorization: Bearer "
				+ WALLET_KEY + "): " + get("http://localhost:8081/api/wallets/" + INSTITUTION + "/learners/2",
						"Bearer " + WALLET_KEY));
	}

	private String get(String url, String authorization) throws Exception {
		return this.http
			.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", authorization).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
	}

	private boolean awaitAssertion(String recipient, Duration timeout) throws InterruptedException {
		Instant deadline = Instant.now().plus(timeout);
		while (this.oeb.assertionsFor(recipient).isEmpty() && Instant.now().isBefore(deadline)) {
			Thread.sleep(100);
		}
		return !this.oeb.assertionsFor(recipient).isEmpty();
	}

	private List<String> canvasArguments() {
		String awards = "--bridge.awards.institutions." + INSTITUTION + ".";
		String site = "--bridge.canvas.institutions." + INSTITUTION + ".";
		return concat(catalogArguments(), List.of("--server.port=8082", "--management.server.port=9082",
				"--bridge.issuance.gateway-url=http://localhost:8080",
				"--bridge.awards.redis-key-prefix=" + this.run + "-canvas-awards",
				"--bridge.connector.redis-key-prefix=" + this.run + "-canvas",
				awards + "gateway-api-key=" + CONNECTOR_KEY, awards + "rules[0].id=open-data-77",
				awards + "rules[0].badge=open-data-literacy", awards + "rules[0].when=course-completed(course=77)",
				site + "url=" + this.canvas.url(), site + "access-token=" + CANVAS_TOKEN,
				site + "root-account-uuid=" + CANVAS_ROOT_ACCOUNT, site + "live-events.jwks-url=" + this.canvas.jwksUrl(),
				site + "poll-interval=5s", "--bridge.operator.password-hash={noop}" + OPERATOR_PASSWORD));
	}

	private void stop() {
		Service.stopAll(this.services, this.oeb, this.moodle, this.canvas);
		say("stopped everything the sandbox started");
	}

	private static void requireFree(int... ports) {
		for (int port : ports) {
			try (ServerSocket socket = new ServerSocket(port)) {
				socket.setReuseAddress(true);
			}
			catch (IOException ex) {
				throw new IllegalStateException("port " + port + " is in use; stop whatever runs there first");
			}
		}
	}

	static String sha256(String value) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	static void say(String line) {
		System.out.println("[sandbox] " + line);
	}

}

package org.oeb.bridge.sandbox;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.oeb.bridge.testing.FakeCanvas;
import org.oeb.bridge.testing.FakeMoodle;
import org.oeb.bridge.testing.FakeOeb;
import org.oeb.bridge.testing.LocalRedis;
import tools.jackson.databind.json.JsonMapper;

/**
 * Measures the bridge in one run on this machine and prints a table (and writes
 * {@code benchmark-results/bridge-benchmark.json}):
 * <ol>
 * <li>gateway overhead: issue calls straight to the fake OEB versus through the gateway, at 1,
 * 16 and 128 concurrent callers (throughput, p50, p99, and their ratios);</li>
 * <li>token economy: token requests per institution during the run;</li>
 * <li>pipeline throughput: learners completing in the simulated Moodle until OEB holds their
 * awards (connector → gateway → fake OEB), with OEB answering in 0 ms and in 200 ms;</li>
 * <li>Moodle polling cost: calls per cycle for courses of 100, 1,000 and 10,000 learners with
 * 1% new completions, found by their visit or through a completion report;</li>
 * <li>peak heap and RSS of each service.</li>
 * </ol>
 * {@code -Dbenchmark.smoke=true} runs a short version (seconds instead of minutes);
 * {@code -Dbenchmark.only=gateway} only the gateway section; {@code -Dbenchmark.jvm-args.gateway=…}
 * (also {@code .connector-moodle}) adds JVM options to that service, e.g. a JFR recording.
 */
public final class BridgeBenchmark {

	private static final String INSTITUTION = "bench";

	private static final String KEY = "bench-connector-key";

	private static final String TOKEN = "be0c4a1f2e3d4c5b6a79880716253443";

	private static final String BADGE_0MS = "BenchBadgeFast00000001";

	private static final String BADGE_200MS = "BenchBadgeSlow00000001";

	private static final String BADGE_POLL = "BenchBadgePoll00000001";

	private static final int BADGE_SPREAD = 500;

	/** A Canvas site (dry run: nothing issued). */
	private static final String CANVAS_INSTITUTION = "bench-canvas";

	/** The institution whose OEB is the static nginx upstream (gateway-overhead section). */
	private static final String STATIC_INSTITUTION = "bench-static";

	private static final String STATIC_KEY = "bench-static-connector-key";

	private static final String CANVAS_TOKEN = "7~bench-canvas-token";

	/** A second site whose completions come through a completion report (dry run: nothing issued). */
	private static final String REPORT_INSTITUTION = "bench-report";

	private static final int REPORT_PER_PAGE = 500;

	/** ⌈open × poll-interval (2 s) ÷ recheck-within (6 h)⌉ = ⌈open ÷ 10,800⌉. */
	private static final int RECHECK_SLICE_DIVISOR = 10_800;

	private final boolean smoke = Boolean.getBoolean("benchmark.smoke");

	private final boolean gatewayOnly = "gateway".equals(System.getProperty("benchmark.only"));

	private final Path root;

	private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private final Map<String, Object> results = new LinkedHashMap<>();

	private final Map<String, long[]> peaks = new ConcurrentHashMap<>();

	private final List<Service> services = new java.util.concurrent.CopyOnWriteArrayList<>();

	private volatile boolean measuringGatewayCpu;

	/** nginx as OEB for the gateway-overhead section, when nginx and wrk are installed. */
	private StaticUpstream staticUpstream;

	private FakeOeb oeb;

	private FakeMoodle moodle;

	private FakeMoodle reportMoodle;

	private FakeCanvas canvas;

	private BridgeBenchmark(Path root) {
		this.root = root;
	}

	public static void main(String[] args) throws Exception {
		Path root = Path.of((args.length > 0) ? args[0] : ".").toAbsolutePath().normalize();
		BridgeBenchmark benchmark = new BridgeBenchmark(root);
		try {
			benchmark.run();
		}
		finally {
			benchmark.stop();
		}
	}

	private void run() throws Exception {
		String run = "bench-" + Long.toString(System.currentTimeMillis(), 36);
		LocalRedis.ensureRunning();
		this.oeb = FakeOeb.start();
		this.oeb.registerClient("bench-client", "bench-secret").registerClient("direct-client", "direct-secret");
		for (int i = 0; i < BADGE_SPREAD; i++) {
			this.oeb.badgeClass(spreadBadge(i));
		}
		this.oeb.badgeClass(BADGE_0MS).badgeClass(BADGE_200MS).badgeClass(BADGE_POLL);
		this.moodle = FakeMoodle.start();
		this.moodle.token(TOKEN, FakeMoodle.ALL_FUNCTIONS);
		List<Integer> pollSizes = this.smoke ? List.of(100, 1000) : List.of(100, 1000, 10000);
		for (int size : pollSizes) {
			this.moodle.course(Integer.toString(size), "Course of " + size);
		}
		this.moodle.course("7000", "Pipeline 0 ms").course("7200", "Pipeline 200 ms");
		this.reportMoodle = FakeMoodle.start();
		this.reportMoodle.token(TOKEN, FakeMoodle.ALL_FUNCTIONS).completionReport(1, "UTC");
		for (int size : pollSizes) {
			this.reportMoodle.course(Integer.toString(size), "Course of " + size);
		}
		this.canvas = FakeCanvas.start();
		this.canvas.accessToken(CANVAS_TOKEN);
		for (int size : pollSizes) {
			this.canvas.course(Integer.toString(size), "Course of " + size, true);
		}

		Path logs = Files.createDirectories(this.root.resolve("sandbox/target/benchmark-logs"));
		if (StaticUpstream.installed() && !Boolean.getBoolean("benchmark.jdk-load")) {
			this.staticUpstream = StaticUpstream.start(this.root.resolve("sandbox/target/benchmark-nginx"));
		}
		this.services.add(Service.start("gateway", Service.jarOf(this.root, "gateway"), gatewayArguments(run), logs));
		this.services.get(0).awaitHealthy(this.http, Duration.ofSeconds(180));
		Thread sampler = new Thread(this::sampleMemory, "memory-sampler");
		sampler.setDaemon(true);
		sampler.start();

		// the gateway alone: the connectors start afterwards, so their polling takes no core from it
		gatewayOverhead();
		if (!this.gatewayOnly) {
			this.services.add(Service.start("connector-moodle", Service.jarOf(this.root, "connector-moodle"),
					connectorArguments(run, pollSizes), logs));
			this.services.add(Service.start("connector-canvas", Service.jarOf(this.root, "connector-canvas"),
					canvasArguments(run, pollSizes), logs));
			for (Service service : this.services) {
				service.awaitHealthy(this.http, Duration.ofSeconds(180));
			}
			pipelineThroughput("0 ms", "7000", BADGE_0MS, Duration.ZERO, this.smoke ? 50 : 10000);
			pipelineThroughput("200 ms", "7200", BADGE_200MS, Duration.ofMillis(200), this.smoke ? 20 : 3000);
			pollingCost(pollSizes);
			canvasPollingCost(pollSizes);
		}
		Map<String, Object> tokens = new LinkedHashMap<>();
		tokens.put(INSTITUTION, tokenRequests("bench-client"));
		tokens.put("direct calls of the benchmark itself", tokenRequests("direct-client"));
		this.results.put("tokenRequests", tokens);
		sampleOnce();
		this.results.put("memory", memoryReport());
		print();
		Path out = Files.createDirectories(this.root.resolve("benchmark-results")).resolve("bridge-benchmark.json");
		Files.writeString(out, JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(this.results));
		System.out.println("results written to " + out);
	}

	// 1. gateway overhead

	private void gatewayOverhead() throws Exception {
		if (this.staticUpstream != null) {
			gatewayOverheadWithWrk();
			return;
		}
		this.results.put("gatewayLoad", "JDK HttpClient threads in the benchmark JVM → gateway → fake OEB (WireMock); "
				+ "install wrk and nginx to measure against a static upstream");
		String directToken = directToken();
		List<Map<String, Object>> rows = new ArrayList<>();
		Duration perLevel = this.smoke ? Duration.ofSeconds(2) : Duration.ofSeconds(10);
		this.results.put("gatewayWarmUp", warmUpUntilJitSettles((round) -> load("warm-up", 16, round, (i) -> viaGateway(i)).count()));
		load("warm-up", 16, Duration.ofSeconds(this.smoke ? 1 : 5), (i) -> direct(i, directToken));
		for (int callers : List.of(1, 16, 128)) {
			Load direct = load("direct", callers, perLevel, (i) -> direct(i, directToken));
			sampleOnce();
			this.measuringGatewayCpu = true;
			Duration cpuBefore = gatewayCpu();
			Load gateway = load("gateway", callers, perLevel, (i) -> viaGateway(i));
			Duration cpu = gatewayCpu().minus(cpuBefore);
			this.measuringGatewayCpu = false;
			sampleOnce();
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("callers", callers);
			row.put("direct", direct.summary());
			row.put("gateway", gateway.summary());
			row.put("gatewayCpuMicrosPerCall", round(cpu.toNanos() / 1000.0 / Math.max(1, gateway.count())));
			row.put("throughputRatio", round(gateway.throughput() / direct.throughput()));
			row.put("p50Ratio", round(gateway.percentile(50) / direct.percentile(50)));
			row.put("p99Ratio", round(gateway.percentile(99) / direct.percentile(99)));
			rows.add(row);
		}
		this.results.put("gatewayOverhead", rows);
	}

	/**
	 * wrk → gateway → nginx answering the issue call with a canned 201, against wrk → nginx
	 * directly: nothing of the load or the upstream runs in a JVM beside the gateway.
	 */
	private void gatewayOverheadWithWrk() throws Exception {
		this.results.put("gatewayLoad", "wrk → gateway → nginx (canned 201), each a process of its own");
		String viaGateway = "http://127.0.0.1:" + gatewayPort() + "/oeb/" + STATIC_INSTITUTION
				+ "/v2/badgeclasses/BenchStaticBadge000001/assertions";
		String direct = this.staticUpstream.baseUrl() + "/v2/badgeclasses/BenchStaticBadge000001/assertions";
		String body = "{\"recipient\":{\"identity\":\"learner@bench.example\",\"type\":\"email\"},"
				+ "\"notify\":true,\"allowDuplicateAwards\":false}";
		List<String> gatewayHeaders = List.of("Content-Type: application/json", "X-Api-Key: " + STATIC_KEY);
		List<String> directHeaders = List.of("Content-Type: application/json",
				"Authorization: Bearer " + StaticUpstream.TOKEN);
		Duration perLevel = this.smoke ? Duration.ofSeconds(2) : Duration.ofSeconds(20);
		this.results.put("gatewayWarmUp", warmUpUntilJitSettles(
				(round) -> this.staticUpstream.load(viaGateway, 16, round, body, gatewayHeaders).requests()));
		List<Map<String, Object>> rows = new ArrayList<>();
		for (int callers : List.of(1, 16, 128)) {
			StaticUpstream.Result straight = this.staticUpstream.load(direct, callers, perLevel, body, directHeaders);
			sampleOnce();
			this.measuringGatewayCpu = true;
			Duration cpuBefore = gatewayCpu();
			StaticUpstream.Result proxied = this.staticUpstream.load(viaGateway, callers, perLevel, body,
					gatewayHeaders);
			Duration cpu = gatewayCpu().minus(cpuBefore);
			this.measuringGatewayCpu = false;
			sampleOnce();
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("callers", callers);
			row.put("direct", summary(straight));
			row.put("gateway", summary(proxied));
			row.put("gatewayCpuMicrosPerCall", round(cpu.toNanos() / 1000.0 / Math.max(1, proxied.requests())));
			row.put("throughputRatio", round(proxied.throughput() / straight.throughput()));
			row.put("p50Ratio", round(proxied.p50Ms() / straight.p50Ms()));
			row.put("p99Ratio", round(proxied.p99Ms() / straight.p99Ms()));
			row.put("p50AddedMs", round(proxied.p50Ms() - straight.p50Ms()));
			rows.add(row);
		}
		this.results.put("gatewayOverhead", rows);
	}

	private static Map<String, Object> summary(StaticUpstream.Result result) {
		Map<String, Object> summary = new LinkedHashMap<>();
		summary.put("requests", result.requests());
		summary.put("errors", result.failed());
		summary.put("requestsPerSecond", round(result.throughput()));
		summary.put("p50Ms", round(result.p50Ms()));
		summary.put("p99Ms", round(result.p99Ms()));
		return summary;
	}

	/**
	 * Sends gateway calls in rounds of 5 s until the gateway's JIT has settled: less than
	 * 1% of a round's time spent compiling (from its {@code jvm_compilation_time_ms_total}),
	 * at most 3 minutes.
	 */
	private Map<String, Object> warmUpUntilJitSettles(RoundOfCalls calls) throws Exception {
		Duration round = Duration.ofSeconds(this.smoke ? 1 : 5);
		Duration limit = Duration.ofSeconds(this.smoke ? 2 : 180);
		Instant started = Instant.now();
		long sent = 0;
		double compiledMs = gatewayCompilationMillis();
		double lastRoundMs = Double.NaN;
		while (Duration.between(started, Instant.now()).compareTo(limit) < 0) {
			sent += calls.send(round);
			double now = gatewayCompilationMillis();
			lastRoundMs = now - compiledMs;
			compiledMs = now;
			if (lastRoundMs < round.toMillis() / 100.0) {
				break;
			}
		}
		Map<String, Object> warmUp = new LinkedHashMap<>();
		warmUp.put("seconds", Duration.between(started, Instant.now()).toSeconds());
		warmUp.put("calls", sent);
		warmUp.put("compilationMsInLastRound", round(lastRoundMs));
		return warmUp;
	}

	private double gatewayCompilationMillis() throws IOException, InterruptedException {
		String metrics = get("http://localhost:" + this.services.get(0).managementPort() + "/actuator/prometheus");
		for (String line : metrics.split("\n")) {
			if (line.startsWith("jvm_compilation_time_ms_total")) {
				return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
			}
		}
		return Double.NaN;
	}

	private Duration gatewayCpu() {
		return this.services.get(0).process().info().totalCpuDuration().orElse(Duration.ZERO);
	}

	private final AtomicLong recipients = new AtomicLong();

	private HttpRequest direct(long i, String token) {
		return HttpRequest.newBuilder(URI.create(this.oeb.baseUrl() + "/v2/badgeclasses/" + spreadBadge(i) + "/assertions"))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(issueBody()))
			.build();
	}

	private HttpRequest viaGateway(long i) {
		return HttpRequest.newBuilder(URI.create("http://localhost:" + gatewayPort() + "/oeb/" + INSTITUTION
				+ "/v2/badgeclasses/" + spreadBadge(i) + "/assertions"))
			.header("X-Api-Key", KEY)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(issueBody()))
			.build();
	}

	private String issueBody() {
		return "{\"recipient\":{\"identity\":\"learner" + this.recipients.incrementAndGet()
				+ "@bench.example\",\"type\":\"email\"},\"notify\":true,\"allowDuplicateAwards\":false}";
	}

	private Load load(String name, int callers, Duration duration, java.util.function.LongFunction<HttpRequest> request)
			throws InterruptedException {
		Load load = new Load();
		Instant end = Instant.now().plus(duration);
		ExecutorService threads = Executors.newFixedThreadPool(callers);
		CountDownLatch done = new CountDownLatch(callers);
		AtomicLong sequence = new AtomicLong();
		for (int c = 0; c < callers; c++) {
			threads.execute(() -> {
				try {
					while (Instant.now().isBefore(end)) {
						long started = System.nanoTime();
						HttpResponse<Void> response = this.http.send(request.apply(sequence.incrementAndGet()),
								HttpResponse.BodyHandlers.discarding());
						load.record(System.nanoTime() - started, response.statusCode() == 201);
					}
				}
				catch (IOException | InterruptedException ex) {
					load.failed();
				}
				finally {
					done.countDown();
				}
			});
		}
		done.await();
		threads.shutdown();
		load.finish(duration);
		return load;
	}

	// 3. pipeline throughput

	private void pipelineThroughput(String label, String course, String badge, Duration oebDelay, int learners)
			throws Exception {
		this.oeb.issueDelay(oebDelay);
		for (int i = 0; i < learners; i++) {
			String user = Integer.toString(Integer.parseInt(course) * 100 + i);
			this.moodle.enrol(course, user, "Learner " + user, "learner" + user + "@bench.example", "student");
		}
		// let a cycle see everybody incomplete first
		callsUntilQuiet(INSTITUTION, course, 1, 3, Duration.ofSeconds(120));
		Instant completed = Instant.now();
		for (int i = 0; i < learners; i++) {
			String user = Integer.toString(Integer.parseInt(course) * 100 + i);
			this.moodle.completion(course, user, true, completed).access(course, user, completed);
		}
		Instant deadline = Instant.now().plusSeconds(600);
		Instant firstRead = null;
		Instant fifthIssued = null;
		int issuedSoFar = 0;
		while (issuedSoFar < learners && Instant.now().isBefore(deadline)) {
			Thread.sleep(50);
			issuedSoFar = this.oeb.assertions(badge).size();
			if (fifthIssued == null && issuedSoFar >= learners / 5) {
				fifthIssued = Instant.now();
			}
		}
		Instant allIssued = Instant.now();
		List<Instant> reads = this.moodle.calls("core_completion_get_course_completion_status")
			.stream()
			.filter((call) -> call.getBodyAsString().contains("courseid=" + course))
			.map((call) -> call.getLoggedDate().toInstant())
			.filter((at) -> at.isAfter(completed))
			.sorted()
			.toList();
		firstRead = reads.isEmpty() ? completed : reads.get(0);
		Instant lastRead = reads.isEmpty() ? completed : reads.get(reads.size() - 1);
		double observeSeconds = Math.max(0.001, Duration.between(firstRead, lastRead).toNanos() / 1e9);
		double issueSeconds = Math.max(0.001, Duration.between(firstRead, allIssued).toNanos() / 1e9);
		Map<String, Object> row = new LinkedHashMap<>();
		row.put("oebLatency", label);
		row.put("learners", learners);
		row.put("issued", this.oeb.assertions(badge).size());
		row.put("observationsPerSecond", round(learners / observeSeconds));
		row.put("awardsPerSecond", round(this.oeb.assertions(badge).size() / issueSeconds));
		// steady: after the first fifth was issued, so the connector's warm-up is told apart
		double steadySeconds = (fifthIssued != null)
				? Math.max(0.001, Duration.between(fifthIssued, allIssued).toNanos() / 1e9) : issueSeconds;
		row.put("awardsPerSecondSteady", round((learners - learners / 5) / steadySeconds));
		row.put("issueCallsPerAchievement", round((double) this.oeb.issueCallCount(badge) / learners));
		row.put("secondsFromFirstReadToLastAward", round(issueSeconds));
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> rows = (List<Map<String, Object>>) this.results.computeIfAbsent("pipeline",
				(key) -> new ArrayList<Map<String, Object>>());
		rows.add(row);
		this.oeb.issueDelay(Duration.ZERO);
	}

	// 4. Moodle polling cost

	/**
	 * Per course size and detection mode, the calls of the cycle that reads every learner for
	 * the first time, of a quiet cycle, and of the cycle after 1% completed: by visiting the
	 * course (the access signal), or without visiting, found through the completion report.
	 */
	private void pollingCost(List<Integer> sizes) throws Exception {
		List<Map<String, Object>> rows = new ArrayList<>();
		int reportRows = 0;
		for (int size : sizes) {
			for (boolean report : List.of(false, true)) {
				String institution = report ? REPORT_INSTITUTION : INSTITUTION;
				FakeMoodle site = report ? this.reportMoodle : this.moodle;
				String course = Integer.toString(size);
				for (int i = 0; i < size; i++) {
					String user = Integer.toString(1_000_000 + size * 10 + i);
					site.enrol(course, user, "Learner " + user, "learner" + user + "@bench.example", "student");
				}
				long pagesBefore = Math.max(1, (reportRows + REPORT_PER_PAGE - 1) / REPORT_PER_PAGE);
				// a course without open learners costs the roster only; once read, 2 + re-check (+ report pages)
				long first = callsUntilQuiet(institution, course, 1, 3 + (report ? pagesBefore : 0),
						Duration.ofSeconds(600));
				long quiet = cycleCalls(institution, course, (calls) -> true, Duration.ofSeconds(60));
				int fresh = Math.max(1, size / 100);
				Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
				for (int i = 0; i < fresh; i++) {
					String user = Integer.toString(1_000_000 + size * 10 + i * 7);
					site.completion(course, user, true, now);
					if (!report) {
						site.access(course, user, Instant.now());
					}
				}
				reportRows += report ? fresh : 0;
				long recheck = (size + RECHECK_SLICE_DIVISOR - 1) / RECHECK_SLICE_DIVISOR;
				long pagesAfter = Math.max(1, (reportRows + REPORT_PER_PAGE - 1) / REPORT_PER_PAGE);
				long busy;
				if (report) {
					// a reported completion costs no call of its own: take the first cycle that began after it
					cycleCalls(institution, course, (any) -> true, Duration.ofSeconds(60));
					busy = cycleCalls(institution, course, (any) -> true, Duration.ofSeconds(60));
				}
				else {
					busy = callsUntilQuiet(institution, course, quiet, quiet, Duration.ofSeconds(120));
				}
				Map<String, Object> row = new LinkedHashMap<>();
				row.put("learners", size);
				row.put("mode", report ? "completion report, no visit" : "visit (access signal)");
				row.put("newCompletions", fresh);
				row.put("firstCycleCalls", first);
				row.put("quietCycleCalls", quiet);
				row.put("cycleCallsWithNewCompletions", busy);
				row.put("formula", report
						? "2 + p + r = 2 + " + pagesAfter + " + " + recheck + " = " + (2 + pagesAfter + recheck)
						: "2 + a + r = 2 + " + fresh + " + " + recheck + " = " + (2 + fresh + recheck));
				rows.add(row);
			}
		}
		this.results.put("moodlePolling", rows);
	}

	/**
	 * Canvas reads scores and progress a page of 100 learners at a time: every cycle costs the
	 * roster and progress pages, whether learners completed or not.
	 */
	private void canvasPollingCost(List<Integer> sizes) throws Exception {
		List<Map<String, Object>> rows = new ArrayList<>();
		for (int size : sizes) {
			String course = Integer.toString(size);
			for (int i = 0; i < size; i++) {
				String user = Integer.toString(2_000_000 + size * 10 + i);
				this.canvas.student(course, user, "Student " + user, "student" + user + "@bench.example")
					.progress(course, user, 4, 1, null);
			}
			long pages = (size + 99) / 100;
			long first = cycleCalls(2, CANVAS_INSTITUTION, course, (calls) -> calls >= 2 * pages, Duration.ofSeconds(600));
			// a cycle of 10,000 students is 200 paced Canvas pages: on a slow machine more than a minute
			Duration cycle = Duration.ofMinutes(5);
			long quiet = cycleCalls(2, CANVAS_INSTITUTION, course, (calls) -> true, cycle);
			int fresh = Math.max(1, size / 100);
			Instant now = Instant.now();
			for (int i = 0; i < fresh; i++) {
				this.canvas.progress(course, Integer.toString(2_000_000 + size * 10 + i * 7), 4, 4, now);
			}
			cycleCalls(2, CANVAS_INSTITUTION, course, (calls) -> true, cycle);
			long busy = cycleCalls(2, CANVAS_INSTITUTION, course, (calls) -> true, cycle);
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("learners", size);
			row.put("mode", "Canvas, course completion");
			row.put("newCompletions", fresh);
			row.put("firstCycleCalls", first);
			row.put("quietCycleCalls", quiet);
			row.put("cycleCallsWithNewCompletions", busy);
			row.put("formula", "2 x ceil(n/100) = " + (2 * pages));
			rows.add(row);
		}
		this.results.put("canvasPolling", rows);
	}

	/**
	 * The calls the work waiting for the course costs, however many cycles it spreads over (a
	 * cycle may begin while learners are being added): the calls of the cycles until one costs
	 * at most {@code quietAfter}, less {@code quietBefore} for each cycle but the first.
	 */
	private long callsUntilQuiet(String institution, String course, long quietBefore, long quietAfter,
			Duration timeout) throws Exception {
		long total = 0;
		int cycles = 0;
		Instant deadline = Instant.now().plus(timeout);
		while (Instant.now().isBefore(deadline)) {
			long calls = cycleCalls(institution, course, (any) -> true, Duration.between(Instant.now(), deadline));
			if (Boolean.getBoolean("benchmark.verbose")) {
				System.out.println("[benchmark] " + institution + " course " + course + ": a cycle of " + calls + " calls");
			}
			if (calls <= quietAfter && cycles > 0) {
				return total - (cycles - 1) * quietBefore;
			}
			if (calls > quietBefore || cycles > 0) {
				total += calls;
				cycles++;
			}
		}
		throw new IllegalStateException("the work on course " + course + " of " + institution + " did not end");
	}

	/** The calls of the institution's next cycle of the course whose call count satisfies {@code wanted}. */
	private long cycleCalls(String institution, String course, java.util.function.LongPredicate wanted,
			Duration timeout) throws Exception {
		return cycleCalls(1, institution, course, wanted, timeout);
	}

	/** As above, for the connector that is service {@code service} of this run. */
	private long cycleCalls(int service, String institution, String course, java.util.function.LongPredicate wanted,
			Duration timeout) throws Exception {
		Instant deadline = Instant.now().plus(timeout);
		double[] before = pollSummary(service, institution, course);
		while (Instant.now().isBefore(deadline)) {
			Thread.sleep(100);
			double[] now = pollSummary(service, institution, course);
			if (now[0] == before[0]) {
				continue;
			}
			// one cycle ended since the last sample: its calls are the difference of the sums
			long calls = (long) (now[1] - before[1]);
			if (now[0] == before[0] + 1 && wanted.test(calls)) {
				return calls;
			}
			before = now;
		}
		throw new IllegalStateException("no such poll cycle of course " + course + " of " + institution
				+ " within " + timeout + " (cycles so far " + before[0] + ", calls " + before[1] + ")");
	}

	/** {count, sum} of {@code bridge_connector_poll_calls} for the course's regular polls. */
	private double[] pollSummary(int service, String institution, String course) throws Exception {
		String metrics = get("http://localhost:" + this.services.get(service).managementPort() + "/actuator/prometheus");
		double count = 0;
		double sum = 0;
		Pattern line = Pattern.compile("bridge_connector_poll_calls_(count|sum)\\{([^}]*)\\} ([0-9.eE+-]+)");
		Matcher matcher = line.matcher(metrics);
		while (matcher.find()) {
			if (matcher.group(2).contains("course=\"" + course + "\"") && matcher.group(2).contains("kind=\"poll\"")
					&& matcher.group(2).contains("institution=\"" + institution + "\"")) {
				if (matcher.group(1).equals("count")) {
					count = Double.parseDouble(matcher.group(3));
				}
				else {
					sum = Double.parseDouble(matcher.group(3));
				}
			}
		}
		return new double[] { count, sum };
	}

	// 2. tokens

	private String directToken() throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(this.oeb.baseUrl() + "/o/token"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(
					"grant_type=client_credentials&client_id=direct-client&client_secret=direct-secret&scope=rw%3Aissuer"))
			.build(), HttpResponse.BodyHandlers.ofString());
		Matcher token = Pattern.compile("\"access_token\":\"([^\"]+)\"").matcher(response.body());
		if (!token.find()) {
			throw new IllegalStateException("no token from the fake OEB: " + response.body());
		}
		return token.group(1);
	}

	private long tokenRequests(String clientId) {
		return this.oeb.wireMock()
			.findAll(com.github.tomakehurst.wiremock.client.WireMock
				.postRequestedFor(com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/o/token")))
			.stream()
			.filter((request) -> request.getBodyAsString().contains("client_id=" + clientId))
			.count();
	}

	// 5. memory

	private void sampleMemory() {
		while (true) {
			sampleOnce();
			try {
				Thread.sleep(500);
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	private void sampleOnce() {
		for (Service service : this.services) {
			if (this.measuringGatewayCpu && service == this.services.get(0)) {
				// a scrape every 0.5 s would be counted as the proxied calls' CPU; peaks are read between levels
				continue;
			}
			long[] peak = this.peaks.computeIfAbsent(service.name(), (name) -> new long[2]);
			long heap = heapBytes(service);
			long rss = rssBytes(service.process().pid(), "VmHWM:");
			synchronized (peak) {
				peak[0] = Math.max(peak[0], heap);
				peak[1] = Math.max(peak[1], rss);
			}
		}
		long[] self = this.peaks.computeIfAbsent("benchmark JVM (simulators + load)", (name) -> new long[2]);
		Runtime runtime = Runtime.getRuntime();
		synchronized (self) {
			self[0] = Math.max(self[0], runtime.totalMemory() - runtime.freeMemory());
			self[1] = Math.max(self[1], rssBytes(ProcessHandle.current().pid(), "VmHWM:"));
		}
	}

	private long heapBytes(Service service) {
		try {
			String metrics = get("http://localhost:" + service.managementPort() + "/actuator/prometheus");
			Matcher matcher = Pattern.compile("jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*\\} ([0-9.eE+-]+)").matcher(metrics);
			double heap = 0;
			while (matcher.find()) {
				heap += Double.parseDouble(matcher.group(1));
			}
			return (long) heap;
		}
		catch (Exception ex) {
			return 0;
		}
	}

	private static long rssBytes(long pid, String field) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
				if (line.startsWith(field)) {
					return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
				}
			}
		}
		catch (IOException | NumberFormatException ex) {
			// not Linux, or the process is gone
		}
		return 0;
	}

	private Map<String, Object> memoryReport() {
		Map<String, Object> memory = new LinkedHashMap<>();
		this.peaks.forEach((name, peak) -> memory.put(name,
				Map.of("peakHeapMiB", round(peak[0] / 1048576.0), "peakRssMiB", round(peak[1] / 1048576.0))));
		return memory;
	}

	// output

	@SuppressWarnings("unchecked")
	private void print() {
		System.out.println();
		System.out.println("OEB LMS Bridge benchmark" + (this.smoke ? " (smoke run: short, not for comparison)" : "")
				+ " — " + Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version"));
		System.out.println();
		System.out.println("1. Gateway overhead (issue calls; " + this.results.get("gatewayLoad")
				+ "); warm-up until the JIT settled: " + this.results.get("gatewayWarmUp"));
		System.out.printf(Locale.ROOT, "%8s | %12s %9s %9s | %12s %9s %9s %12s | %7s %7s %7s%n", "callers",
				"direct rps", "p50 ms", "p99 ms", "gateway rps", "p50 ms", "p99 ms", "CPU µs/call", "rps x", "p50 x",
				"p99 x");
		for (Map<String, Object> row : (List<Map<String, Object>>) this.results.get("gatewayOverhead")) {
			Map<String, Object> direct = (Map<String, Object>) row.get("direct");
			Map<String, Object> gateway = (Map<String, Object>) row.get("gateway");
			System.out.printf(Locale.ROOT, "%8s | %12s %9s %9s | %12s %9s %9s %12s | %7s %7s %7s%n",
					row.get("callers"), direct.get("requestsPerSecond"), direct.get("p50Ms"), direct.get("p99Ms"),
					gateway.get("requestsPerSecond"), gateway.get("p50Ms"), gateway.get("p99Ms"),
					row.get("gatewayCpuMicrosPerCall"), row.get("throughputRatio"), row.get("p50Ratio"),
					row.get("p99Ratio"));
		}
		System.out.println();
		System.out.println("2. Token requests during the run: " + this.results.get("tokenRequests"));
		System.out.println();
		System.out.println("3. Pipeline (learners complete in Moodle → connector → gateway → fake OEB)");
		System.out.printf(Locale.ROOT, "%10s | %8s %8s | %14s %10s %8s | %8s | %s%n", "OEB", "learners", "issued",
				"observations/s", "awards/s", "steady", "seconds", "issue calls per achievement");
		for (Map<String, Object> row : (List<Map<String, Object>>) this.results.getOrDefault("pipeline", List.of())) {
			System.out.printf(Locale.ROOT, "%10s | %8s %8s | %14s %10s %8s | %8s | %s%n", row.get("oebLatency"),
					row.get("learners"), row.get("issued"), row.get("observationsPerSecond"),
					row.get("awardsPerSecond"), row.get("awardsPerSecondSteady"),
					row.get("secondsFromFirstReadToLastAward"), row.get("issueCallsPerAchievement"));
		}
		System.out.println();
		System.out.println("4. Moodle calls per poll cycle (course-completion rule, 1% new completions; a: learners "
				+ "who visited, p: report pages, r: re-check slice)");
		System.out.printf(Locale.ROOT, "%9s | %-27s | %6s | %11s | %7s | %10s | %s%n", "learners", "mode", "new",
				"first cycle", "quiet", "next cycle", "formula");
		for (Map<String, Object> row : (List<Map<String, Object>>) this.results.getOrDefault("moodlePolling", List.of())) {
			System.out.printf(Locale.ROOT, "%9s | %-27s | %6s | %11s | %7s | %10s | %s%n", row.get("learners"),
					row.get("mode"), row.get("newCompletions"), row.get("firstCycleCalls"), row.get("quietCycleCalls"),
					row.get("cycleCallsWithNewCompletions"), row.get("formula"));
		}
		for (Map<String, Object> row : (List<Map<String, Object>>) this.results.getOrDefault("canvasPolling", List.of())) {
			System.out.printf(Locale.ROOT, "%9s | %-27s | %6s | %11s | %7s | %10s | %s%n", row.get("learners"),
					row.get("mode"), row.get("newCompletions"), row.get("firstCycleCalls"), row.get("quietCycleCalls"),
					row.get("cycleCallsWithNewCompletions"), row.get("formula"));
		}
		System.out.println();
		System.out.println("5. Peak memory");
		((Map<String, Object>) this.results.get("memory")).forEach((name, peak) -> System.out.printf(Locale.ROOT,
				"%36s | %s%n", name, peak));
		System.out.println();
	}

	private List<String> gatewayArguments(String run) {
		String prefix = "--bridge.gateway.tenancy.institutions." + INSTITUTION + ".";
		List<String> arguments = new ArrayList<>(List.of("--server.port=18080", "--management.server.port=19080",
				"--bridge.gateway.oeb.base-url=" + this.oeb.baseUrl(), prefix + "client-id=bench-client",
				prefix + "client-secret=bench-secret", prefix + "api-keys[0].sha256=" + Sandbox.sha256(KEY),
				prefix + "max-concurrent-calls=256", "--bridge.gateway.token.encryption-keys=" + Sandbox.SANDBOX_TOKEN_KEY,
				"--bridge.gateway.token.redis-key-prefix=" + run + "-gateway", "--logging.level.root=WARN",
				"--logging.level.org.oeb.bridge=WARN"));
		if (this.staticUpstream != null) {
			String institution = "--bridge.gateway.tenancy.institutions." + STATIC_INSTITUTION + ".";
			arguments.addAll(List.of(institution + "client-id=static-client", institution + "client-secret=static-secret",
					institution + "api-keys[0].sha256=" + Sandbox.sha256(STATIC_KEY),
					institution + "oeb-base-url=" + this.staticUpstream.baseUrl(),
					institution + "max-concurrent-calls=256"));
		}
		return arguments;
	}

	private List<String> connectorArguments(String run, List<Integer> pollSizes) {
		String awards = "--bridge.awards.institutions." + INSTITUTION + ".";
		String site = "--bridge.moodle.institutions." + INSTITUTION + ".";
		List<String> arguments = new ArrayList<>(List.of("--server.port=18081", "--management.server.port=19081",
				"--bridge.issuance.gateway-url=http://localhost:18080", "--bridge.issuance.max-in-flight=64",
				"--bridge.awards.redis-key-prefix=" + run + "-awards", "--bridge.connector.redis-key-prefix=" + run + "-moodle",
				awards + "gateway-api-key=" + KEY, site + "url=" + this.moodle.url(), site + "token=" + TOKEN,
				site + "poll-interval=2s", site + "max-concurrent-requests=8", "--logging.level.root=WARN",
				"--logging.level.org.oeb.bridge=WARN"));
		int rule = 0;
		arguments.addAll(rule(awards, rule++, "pipeline-0ms", BADGE_0MS, "7000"));
		arguments.addAll(rule(awards, rule++, "pipeline-200ms", BADGE_200MS, "7200"));
		for (int size : pollSizes) {
			arguments.addAll(rule(awards, rule++, "poll-" + size, BADGE_POLL, Integer.toString(size)));
		}
		String reportAwards = "--bridge.awards.institutions." + REPORT_INSTITUTION + ".";
		String reportSite = "--bridge.moodle.institutions." + REPORT_INSTITUTION + ".";
		arguments.addAll(List.of(site + "recheck-within=6h", reportAwards + "gateway-api-key=" + KEY,
				reportAwards + "dry-run=true", reportSite + "url=" + this.reportMoodle.url(), reportSite + "token=" + TOKEN,
				reportSite + "poll-interval=2s", reportSite + "recheck-within=6h", reportSite + "max-concurrent-requests=8",
				reportSite + "completion-report.id=1", reportSite + "completion-report.per-page=" + REPORT_PER_PAGE));
		rule = 0;
		for (int size : pollSizes) {
			arguments.addAll(rule(reportAwards, rule++, "poll-" + size, BADGE_POLL, Integer.toString(size)));
		}
		return arguments;
	}

	private List<String> canvasArguments(String run, List<Integer> pollSizes) {
		String awards = "--bridge.awards.institutions." + CANVAS_INSTITUTION + ".";
		String site = "--bridge.canvas.institutions." + CANVAS_INSTITUTION + ".";
		List<String> arguments = new ArrayList<>(List.of("--server.port=18082", "--management.server.port=19082",
				"--bridge.issuance.gateway-url=http://localhost:18080",
				"--bridge.awards.redis-key-prefix=" + run + "-canvas-awards",
				"--bridge.connector.redis-key-prefix=" + run + "-canvas", awards + "gateway-api-key=" + KEY,
				awards + "dry-run=true", site + "url=" + this.canvas.url(), site + "access-token=" + CANVAS_TOKEN,
				site + "poll-interval=2s", site + "recheck-within=6h", "--logging.level.root=WARN",
				"--logging.level.org.oeb.bridge=WARN"));
		int rule = 0;
		for (int size : pollSizes) {
			arguments.addAll(rule(awards, rule++, "canvas-" + size, BADGE_POLL, Integer.toString(size)));
		}
		return arguments;
	}

	private static List<String> rule(String awards, int index, String id, String badge, String course) {
		String prefix = awards + "rules[" + index + "].";
		return List.of(prefix + "id=" + id, prefix + "badge-class=" + badge,
				prefix + "when=course-completed(course=" + course + ")");
	}

	private String get(String url) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
				HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
	}

	private int gatewayPort() {
		return this.services.get(0).port();
	}

	private static String spreadBadge(long i) {
		return String.format(Locale.ROOT, "BenchSpread%011d", i % BADGE_SPREAD);
	}

	private void stop() {
		Service.stopAll(this.services, this.oeb, this.moodle, this.reportMoodle, this.canvas);
		if (this.staticUpstream != null) {
			this.staticUpstream.close();
		}
	}

	private static double round(double value) {
		return Math.round(value * 100.0) / 100.0;
	}

	/** Sends gateway calls for a while and says how many were answered. */
	@FunctionalInterface
	private interface RoundOfCalls {

		long send(Duration duration) throws Exception;

	}

	/** Latencies and outcomes of one load level. */
	private static final class Load {

		private final List<Long> nanos = java.util.Collections.synchronizedList(new ArrayList<>());

		private final AtomicLong errors = new AtomicLong();

		private double seconds;

		void record(long latency, boolean ok) {
			this.nanos.add(latency);
			if (!ok) {
				this.errors.incrementAndGet();
			}
		}

		void failed() {
			this.errors.incrementAndGet();
		}

		void finish(Duration duration) {
			this.seconds = duration.toNanos() / 1e9;
		}

		double throughput() {
			return this.nanos.size() / this.seconds;
		}

		int count() {
			return this.nanos.size();
		}

		double percentile(int p) {
			long[] sorted;
			synchronized (this.nanos) {
				sorted = this.nanos.stream().mapToLong(Long::longValue).toArray();
			}
			if (sorted.length == 0) {
				return Double.NaN;
			}
			Arrays.sort(sorted);
			int index = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
			return sorted[Math.max(0, index)] / 1e6;
		}

		Map<String, Object> summary() {
			Map<String, Object> summary = new LinkedHashMap<>();
			summary.put("requests", this.nanos.size());
			summary.put("errors", this.errors.get());
			summary.put("requestsPerSecond", round(throughput()));
			summary.put("p50Ms", round(percentile(50)));
			summary.put("p99Ms", round(percentile(99)));
			return summary;
		}

	}

}

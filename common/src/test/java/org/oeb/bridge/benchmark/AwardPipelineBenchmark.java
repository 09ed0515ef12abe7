package org.oeb.bridge.benchmark;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.oeb.bridge.common.AwardsTestApplication;
import org.oeb.bridge.common.awards.AwardEngine;
import org.oeb.bridge.common.awards.AwardLedger;
import org.oeb.bridge.common.progress.LearnerProgress;
import org.oeb.bridge.common.progress.LearnerProgress.CourseCompletion;
import org.oeb.bridge.common.progress.LearnerProgress.Learner;
import org.oeb.bridge.testing.FakeOeb;
import org.oeb.bridge.testing.LocalRedis;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The award pipeline of one connector replica against the fake OEB on loopback, in two
 * phases per OEB latency: deciding (pages of observations, each achievement seen
 * {@code repeats} times, issuing paused) and issuing (the queued awards, until OEB holds all).
 * Each phase reports its overall rate and its steady rate (after the first fifth), and the
 * run checks that every achievement reached OEB exactly once, and fails (exits non-zero) when one
 * did not. A warm-up run at 0 ms comes first and is not reported (beyond its exactly-once
 * check), so that the measured runs see compiled code, as a connector does after its first
 * minutes.
 *
 * <p>
 * {@code ./mvnw -q -pl common -am -Ppipeline-benchmark -DskipTests verify -Dbenchmark.awards=10000}
 */
public final class AwardPipelineBenchmark {

	private static final String BADGE = "BenchBadge00000000000A";

	private static final int PAGE = 200;

	private AwardPipelineBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int awards = Integer.getInteger("benchmark.awards", 10000);
		int slowAwards = Integer.getInteger("benchmark.slow-awards", 3000);
		int repeats = Integer.getInteger("benchmark.repeats", 5);
		int inFlight = Integer.getInteger("benchmark.in-flight", 64);
		int warmUp = Integer.getInteger("benchmark.warm-up-awards", 5000);
		LocalRedis.ensureRunning();
		List<Map<String, Object>> rows = new ArrayList<>();
		try (FakeOeb oeb = FakeOeb.start()) {
			oeb.actAsGateway("bench", "bench-key").badgeClass(BADGE);
			if (warmUp > 0) {
				Map<String, Object> warmUpRow = run(oeb, Duration.ZERO, warmUp, repeats, inFlight);
				if (!everyAchievementIssuedOnce(List.of(warmUpRow))) {
					throw new IllegalStateException("MISMATCH in the warm-up run: " + warmUpRow);
				}
			}
			rows.add(run(oeb, Duration.ZERO, awards, repeats, inFlight));
			rows.add(run(oeb, Duration.ofMillis(200), slowAwards, repeats, inFlight));
		}
		print(rows, repeats, inFlight, warmUp);
		if (!everyAchievementIssuedOnce(rows)) {
			// exec:java fails the build on it, and a plain java run exits with 1
			throw new IllegalStateException("MISMATCH: issue calls per achievement differ from 1.000 (see the table)");
		}
	}

	private static boolean everyAchievementIssuedOnce(List<Map<String, Object>> rows) {
		return rows.stream().allMatch((row) -> (double) row.get("issueCallsPerAchievement") == 1.0);
	}

	private static Map<String, Object> run(FakeOeb oeb, Duration latency, int awards, int repeats, int inFlight)
			throws Exception {
		oeb.reset();
		oeb.actAsGateway("bench", "bench-key").badgeClass(BADGE).issueDelay(latency);
		String prefix = "bench-" + UUID.randomUUID();
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(AwardsTestApplication.class)
			.web(WebApplicationType.NONE)
			.run(arguments(oeb, prefix, inFlight))) {
			AwardEngine engine = context.getBean(AwardEngine.class);
			AwardLedger ledger = context.getBean(AwardLedger.class);
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			ledger.sweepFinished("bench", ledger.epoch("bench"));
			List<LearnerProgress> snapshots = snapshots(awards, repeats);

			// deciding, with issuing held back so that the two phases are measured apart
			redis.opsForValue().set(ledger.keys("bench").paused(), "benchmark: deciding first");
			List<Instant> pageDone = Collections.synchronizedList(new ArrayList<>());
			Instant decideStart = Instant.now();
			ExecutorService threads = Executors.newFixedThreadPool(4);
			List<Future<?>> done = new ArrayList<>();
			for (List<LearnerProgress> slice : slices(snapshots, 4)) {
				done.add(threads.submit(() -> {
					for (int from = 0; from < slice.size(); from += PAGE) {
						engine.observeAll(slice.subList(from, Math.min(from + PAGE, slice.size())));
						pageDone.add(Instant.now());
					}
				}));
			}
			for (Future<?> future : done) {
				future.get();
			}
			threads.shutdown();
			Instant decideEnd = Instant.now();

			ledger.resume("bench");
			Instant issueStart = Instant.now();
			Instant fifth = null;
			long issued = 0;
			while (issued < awards) {
				Thread.sleep(50);
				issued = ledger.counts("bench").get("issued");
				if (fifth == null && issued >= awards / 5) {
					fifth = Instant.now();
				}
			}
			Instant issueEnd = Instant.now();
			int issueCalls = oeb.issueCallCount();

			List<Instant> pages = new ArrayList<>(pageDone);
			Collections.sort(pages);
			Instant decideFifth = pages.get(pages.size() / 5);
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("oebLatencyMs", latency.toMillis());
			row.put("awards", awards);
			row.put("observations", snapshots.size());
			row.put("observationsPerSecond", rate(snapshots.size(), decideStart, decideEnd));
			row.put("observationsPerSecondSteady", rate(snapshots.size() * 4 / 5, decideFifth, decideEnd));
			row.put("awardsPerSecond", rate(awards, issueStart, issueEnd));
			row.put("awardsPerSecondSteady", rate(awards - awards / 5, fifth, issueEnd));
			row.put("issueCallsPerAchievement", (double) issueCalls / awards);
			redis.delete(Set.copyOf(redis.keys(prefix + ":*")));
			return row;
		}
	}

	private static long rate(long count, Instant from, Instant to) {
		return Math.round(count / Math.max(0.001, Duration.between(from, to).toNanos() / 1e9));
	}

	private static void print(List<Map<String, Object>> rows, int repeats, int inFlight, int warmUp) {
		System.out.println();
		System.out.println("Award pipeline benchmark (1 replica, max-in-flight " + inFlight
				+ ", fake OEB on loopback, each achievement observed " + repeats + " times, pages of " + PAGE
				+ ", after a warm-up run of " + warmUp + " awards)");
		System.out.printf(Locale.ROOT, "%8s | %7s | %14s %10s | %10s %10s | %s%n", "OEB", "awards", "observations/s",
				"steady", "awards/s", "steady", "issue calls per achievement");
		for (Map<String, Object> row : rows) {
			System.out.printf(Locale.ROOT, "%6s ms | %7s | %14s %10s | %10s %10s | %.3f%n", row.get("oebLatencyMs"),
					row.get("awards"), row.get("observationsPerSecond"), row.get("observationsPerSecondSteady"),
					row.get("awardsPerSecond"), row.get("awardsPerSecondSteady"), row.get("issueCallsPerAchievement"));
		}
		System.out.println(everyAchievementIssuedOnce(rows) ? "every achievement issued exactly once"
				: "MISMATCH: see the last column");
	}

	private static String[] arguments(FakeOeb oeb, String prefix, int inFlight) {
		Map<String, String> properties = Map.ofEntries(Map.entry("bridge.issuance.gateway-url", oeb.baseUrl()),
				Map.entry("bridge.issuance.max-in-flight", Integer.toString(inFlight)),
				Map.entry("bridge.issuance.maintenance-interval", "200ms"),
				Map.entry("bridge.awards.redis-key-prefix", prefix),
				Map.entry("bridge.awards.institutions.bench.gateway-api-key", "bench-key"),
				Map.entry("bridge.awards.institutions.bench.rules[0].id", "course-1"),
				Map.entry("bridge.awards.institutions.bench.rules[0].badge-class", BADGE),
				Map.entry("bridge.awards.institutions.bench.rules[0].when", "course-completed(course=1)"),
				Map.entry("spring.lifecycle.timeout-per-shutdown-phase", "290s"),
				Map.entry("logging.level.org.oeb.bridge", "WARN"), Map.entry("spring.main.banner-mode", "off"));
		return properties.entrySet().stream().map((e) -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
	}

	private static List<LearnerProgress> snapshots(int learners, int repeats) {
		List<LearnerProgress> snapshots = new ArrayList<>();
		for (int learner = 0; learner < learners; learner++) {
			for (int seen = 0; seen < repeats; seen++) {
				snapshots.add(new LearnerProgress("bench", "moodle", "1", "Benchmark course",
						URI.create("https://lms.example/course/view.php?id=1"),
						new Learner("u" + learner, "learner" + learner + "@bench.example", "Learner " + learner),
						new CourseCompletion(true, Instant.parse("2026-05-01T00:00:00Z")), Map.of(), Map.of(),
						Instant.now()));
			}
		}
		Collections.shuffle(snapshots);
		return snapshots;
	}

	private static List<List<LearnerProgress>> slices(List<LearnerProgress> all, int count) {
		List<List<LearnerProgress>> slices = new ArrayList<>();
		int size = (all.size() + count - 1) / count;
		for (int i = 0; i < all.size(); i += size) {
			slices.add(all.subList(i, Math.min(all.size(), i + size)));
		}
		return slices;
	}

}

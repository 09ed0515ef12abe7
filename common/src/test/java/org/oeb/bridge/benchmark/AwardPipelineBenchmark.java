package org.oeb.bridge.benchmark;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
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
 * Pushes N observations of N/R distinct achievements (each seen R times, from 8 threads)
 * through one engine against the local fake OEB, and prints decisions per second, awards
 * per second and whether every achievement was issued exactly once.
 *
 * <p>
 * {@code ./mvnw -q -pl common -am -Ppipeline-benchmark -DskipTests verify -Dbenchmark.observations=20000}
 */
public final class AwardPipelineBenchmark {

	private static final String BADGE = "BenchBadge00000000000A";

	private AwardPipelineBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int observations = Integer.getInteger("benchmark.observations", 20000);
		int repeats = Integer.getInteger("benchmark.repeats", 5);
		int workers = Integer.getInteger("benchmark.workers", 8);
		int learners = observations / repeats;
		LocalRedis.ensureRunning();
		String prefix = "bench-" + UUID.randomUUID();
		try (FakeOeb oeb = FakeOeb.start()) {
			oeb.actAsGateway("bench", "bench-key").badgeClass(BADGE);
			try (ConfigurableApplicationContext context = new SpringApplicationBuilder(AwardsTestApplication.class)
				.web(WebApplicationType.NONE)
				.run(arguments(oeb, prefix, workers))) {
				AwardEngine engine = context.getBean(AwardEngine.class);
				AwardLedger ledger = context.getBean(AwardLedger.class);
				List<LearnerProgress> snapshots = snapshots(learners, repeats);

				Instant start = Instant.now();
				ExecutorService threads = Executors.newFixedThreadPool(8);
				List<Future<?>> done = new ArrayList<>();
				for (List<LearnerProgress> slice : slices(snapshots, 8)) {
					done.add(threads.submit(() -> slice.forEach(engine::observe)));
				}
				for (Future<?> future : done) {
					future.get();
				}
				threads.shutdown();
				Duration deciding = Duration.between(start, Instant.now());
				while (ledger.counts("bench").get("issued") < learners) {
					Thread.sleep(20);
				}
				Duration issuing = Duration.between(start, Instant.now());

				int issueCalls = oeb.issueCallCount();
				print(observations, learners, deciding, issuing, issueCalls, workers);
				context.getBean(StringRedisTemplate.class).delete(Set.copyOf(
						context.getBean(StringRedisTemplate.class).keys(prefix + ":*")));
			}
		}
	}

	private static void print(int observations, int learners, Duration deciding, Duration issuing, int issueCalls,
			int workers) {
		double decideSeconds = deciding.toNanos() / 1e9;
		double issueSeconds = issuing.toNanos() / 1e9;
		System.out.println();
		System.out.println("Award pipeline benchmark (1 engine, " + workers + " issuing workers, fake OEB on loopback)");
		System.out.printf(Locale.ROOT, "%-34s %12s%n", "figure", "value");
		System.out.printf(Locale.ROOT, "%-34s %12d%n", "observations", observations);
		System.out.printf(Locale.ROOT, "%-34s %12d%n", "distinct achievements", learners);
		System.out.printf(Locale.ROOT, "%-34s %12.0f%n", "observations evaluated / s", observations / decideSeconds);
		System.out.printf(Locale.ROOT, "%-34s %12.0f%n", "decisions recorded / s", learners / decideSeconds);
		System.out.printf(Locale.ROOT, "%-34s %12.0f%n", "awards issued / s (end to end)", learners / issueSeconds);
		System.out.printf(Locale.ROOT, "%-34s %12.2f%n", "issued per observed (ratio)", (double) learners / observations);
		System.out.printf(Locale.ROOT, "%-34s %12s%n", "OEB issue calls per achievement",
				String.format(Locale.ROOT, "%.3f", (double) issueCalls / learners));
		System.out.println((issueCalls == learners) ? "every achievement issued exactly once"
				: "MISMATCH: " + issueCalls + " issue calls for " + learners + " achievements");
	}

	private static String[] arguments(FakeOeb oeb, String prefix, int workers) {
		Map<String, String> properties = Map.ofEntries(Map.entry("bridge.issuance.gateway-url", oeb.baseUrl()),
				Map.entry("bridge.issuance.workers", Integer.toString(workers)),
				Map.entry("bridge.issuance.maintenance-interval", "200ms"),
				Map.entry("bridge.awards.redis-key-prefix", prefix),
				Map.entry("bridge.awards.institutions.bench.gateway-api-key", "bench-key"),
				Map.entry("bridge.awards.institutions.bench.rules[0].id", "course-1"),
				Map.entry("bridge.awards.institutions.bench.rules[0].badge-class", BADGE),
				Map.entry("bridge.awards.institutions.bench.rules[0].when", "course-completed(course=1)"),
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

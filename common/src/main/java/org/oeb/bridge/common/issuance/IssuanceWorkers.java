package org.oeb.bridge.common.issuance;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.oeb.bridge.common.awards.AwardKeys;
import org.oeb.bridge.common.awards.AwardLedger;
import org.oeb.bridge.common.awards.AwardLedger.StreamJob;
import org.oeb.bridge.common.awards.AwardState;
import org.oeb.bridge.common.awards.AwardsProperties;
import org.oeb.bridge.common.issuance.OebIssuer.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.connection.stream.Consumer;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Worker threads in the {@code issuers} consumer group of every institution's issuance
 * stream. A job is acknowledged only in the same Redis step that records its outcome; a job
 * whose worker died stays pending and is reclaimed by any replica after
 * {@code claim-timeout}. Whenever an earlier attempt may have reached OEB, the award is
 * looked up before it is sent again.
 */
public class IssuanceWorkers implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(IssuanceWorkers.class);

	private static final Duration IDLE_PAUSE = Duration.ofMillis(50);

	private final AwardsProperties awards;

	private final IssuanceProperties properties;

	private final AwardLedger ledger;

	private final OebIssuer issuer;

	private final StringRedisTemplate redis;

	private final MeterRegistry meters;

	private final String consumerPrefix;

	private final List<Thread> threads = new ArrayList<>();

	private volatile boolean running;

	public IssuanceWorkers(AwardsProperties awards, IssuanceProperties properties, AwardLedger ledger,
			GatewayClient gateway, StringRedisTemplate redis, MeterRegistry meters) {
		this.awards = awards;
		this.properties = properties;
		this.ledger = ledger;
		this.issuer = new OebIssuer(gateway);
		this.redis = redis;
		this.meters = meters;
		this.consumerPrefix = hostName() + "-" + UUID.randomUUID().toString().substring(0, 8);
		awards.institutions()
			.keySet()
			.forEach((institution) -> Gauge.builder("bridge.awards.backlog", ledger, (l) -> l.backlog(institution))
				.description("Issuance jobs queued, in progress or waiting to retry")
				.tag("institution", institution)
				.register(meters));
	}

	@Override
	public void start() {
		this.awards.institutions().keySet().forEach(this::createGroup);
		this.running = true;
		for (int i = 0; i < this.properties.workers(); i++) {
			String consumer = this.consumerPrefix + "-" + i;
			Thread worker = new Thread(() -> workLoop(consumer), "issuer-" + i);
			worker.start();
			this.threads.add(worker);
		}
		String maintainer = this.consumerPrefix + "-maintenance";
		Thread maintenance = new Thread(() -> maintenanceLoop(maintainer), "issuer-maintenance");
		maintenance.start();
		this.threads.add(maintenance);
		logger.info("Started {} issuing workers for institutions {}", this.properties.workers(),
				this.awards.institutions().keySet());
	}

	@Override
	public void stop() {
		this.running = false;
		for (Thread thread : this.threads) {
			thread.interrupt();
		}
		for (Thread thread : this.threads) {
			try {
				thread.join(2000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		this.threads.clear();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void workLoop(String consumer) {
		runUntilStopped(consumer, () -> {
			List<StreamJob> jobs = readNewJobs(consumer);
			for (StreamJob job : jobs) {
				process(job);
			}
			if (jobs.isEmpty()) {
				Thread.sleep(IDLE_PAUSE.toMillis());
			}
		});
	}

	private void maintenanceLoop(String consumer) {
		runUntilStopped(consumer, () -> {
			for (String institution : this.awards.institutions().keySet()) {
				if (this.ledger.pausedReason(institution).isPresent()) {
					continue;
				}
				this.ledger.moveDueRetries(institution, 500);
				for (StreamJob job : this.ledger.reclaim(institution, consumer, this.properties.claimTimeout(),
						this.properties.batchSize())) {
					logger.info("Reclaimed issuance job of rule '{}' for user {} of institution '{}'", job.ruleId(),
							job.userId(), institution);
					this.meters.counter("bridge.awards.reclaimed", "institution", institution).increment();
					process(job);
				}
			}
			Thread.sleep(this.properties.maintenanceInterval().toMillis());
		});
	}

	/**
	 * Repeats {@code step} until stopped. A failing step is logged and retried after a pause;
	 * the jobs it held stay unacknowledged, so another worker reclaims them.
	 */
	private void runUntilStopped(String consumer, Step step) {
		while (this.running) {
			try {
				step.run();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				if (!this.running) {
					return;
				}
				logger.warn("Issuing worker {} failed; its unacknowledged jobs will be reclaimed: {}", consumer,
						ex.toString());
				sleepQuietly(Duration.ofSeconds(1));
			}
		}
	}

	@FunctionalInterface
	private interface Step {

		void run() throws InterruptedException;

	}

	@SuppressWarnings("unchecked")
	private List<StreamJob> readNewJobs(String consumer) {
		List<StreamOffset<String>> offsets = new ArrayList<>();
		for (String institution : this.awards.institutions().keySet()) {
			if (this.ledger.pausedReason(institution).isEmpty()) {
				offsets.add(StreamOffset.create(this.ledger.keys(institution).issuance(), ReadOffset.lastConsumed()));
			}
		}
		if (offsets.isEmpty()) {
			return List.of();
		}
		List<MapRecord<String, Object, Object>> records = this.redis.opsForStream()
			.read(Consumer.from(AwardKeys.GROUP, consumer),
					StreamReadOptions.empty().count(this.properties.batchSize()),
					offsets.toArray(StreamOffset[]::new));
		List<StreamJob> jobs = new ArrayList<>();
		if (records != null) {
			for (MapRecord<String, Object, Object> record : records) {
				String institution = institutionOf(record.getStream());
				jobs.add(new StreamJob(institution, record.getId().getValue(), (String) record.getValue().get("rule"),
						(String) record.getValue().get("user"), false));
			}
		}
		return jobs;
	}

	private void process(StreamJob job) {
		String institution = job.institution();
		Map<String, String> award = this.ledger.award(institution, job.ruleId(), job.userId());
		if (!AwardState.PENDING.value().equals(award.get("state"))) {
			this.ledger.acknowledge(institution, job.entry());
			return;
		}
		String apiKey = this.awards.institutions().get(institution).gatewayApiKey();
		boolean mayExistAlready = job.redelivered() || Long.parseLong(award.getOrDefault("attempts", "0")) > 0;
		if (mayExistAlready) {
			Outcome found = this.issuer.lookUp(institution, apiKey, award.get("badgeClass"), award.get("email"));
			if (found instanceof Outcome.Issued issued) {
				issued(job, award, issued.assertionId(), "look-up");
				return;
			}
			if (found instanceof Outcome.Transient failure) {
				retryLater(job, "look-up failed: " + failure.reason(), failure.retryAfter());
				return;
			}
			if (found instanceof Outcome.QuotaExhausted quota) {
				pause(job, quota.reason());
				return;
			}
		}
		this.ledger.countPostAttempt(institution, job.ruleId(), job.userId());
		Outcome outcome = this.issuer.issue(institution, apiKey, award);
		if (outcome instanceof Outcome.Issued issued) {
			issued(job, award, issued.assertionId(), "issue");
		}
		else if (outcome instanceof Outcome.AlreadyAwarded) {
			Outcome found = this.issuer.lookUp(institution, apiKey, award.get("badgeClass"), award.get("email"));
			if (found instanceof Outcome.Issued issued) {
				issued(job, award, issued.assertionId(), "existing award");
			}
			else if (found instanceof Outcome.Transient failure) {
				retryLater(job, "look-up after a duplicate refusal failed: " + failure.reason(), failure.retryAfter());
			}
			else {
				deadLetter(job, "OEB reports an existing award of this badge to the learner that the look-up "
						+ "does not find");
			}
		}
		else if (outcome instanceof Outcome.QuotaExhausted quota) {
			pause(job, quota.reason());
		}
		else if (outcome instanceof Outcome.Transient failure) {
			retryLater(job, failure.reason(), failure.retryAfter());
		}
		else if (outcome instanceof Outcome.Refused refused) {
			deadLetter(job, refused.reason());
		}
		else {
			retryLater(job, "unexpected answer " + outcome, null);
		}
	}

	private void issued(StreamJob job, Map<String, String> award, String assertionId, String how) {
		this.ledger.markIssued(job.institution(), job.ruleId(), job.userId(), job.entry(), assertionId, how);
		this.meters.counter("bridge.awards.issued", "institution", job.institution(), "via", how).increment();
		String decidedAt = award.get("decidedAt");
		if (decidedAt != null && !decidedAt.isEmpty()) {
			Timer.builder("bridge.awards.issuance.latency")
				.description("From decision to OEB assertion")
				.tag("institution", job.institution())
				.register(this.meters)
				.record(Duration.between(Instant.parse(decidedAt), Instant.now()));
		}
		logger.info("Issued award of rule '{}' for user {} of institution '{}': assertion {} ({})", job.ruleId(),
				job.userId(), job.institution(), assertionId, how);
	}

	private void retryLater(StreamJob job, String reason, Duration retryAfter) {
		long failures = this.ledger.countFailure(job.institution(), job.ruleId(), job.userId());
		if (failures >= this.properties.maxAttempts()) {
			deadLetter(job, "gave up after " + failures + " failed attempts; last: " + reason);
			return;
		}
		Duration delay = backoff(failures);
		if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
			delay = retryAfter;
		}
		this.ledger.retryLater(job.institution(), job.ruleId(), job.userId(), job.entry(), Instant.now().plus(delay),
				reason);
		this.meters.counter("bridge.awards.retries", "institution", job.institution()).increment();
		logger.warn("Issuing award of rule '{}' for user {} of institution '{}' failed ({}); retry {} in {} ms",
				job.ruleId(), job.userId(), job.institution(), reason, failures, delay.toMillis());
	}

	private void deadLetter(StreamJob job, String reason) {
		this.ledger.deadLetter(job.institution(), job.ruleId(), job.userId(), job.entry(), reason);
		this.meters.counter("bridge.awards.dead_letters", "institution", job.institution()).increment();
		logger.error("Award of rule '{}' for user {} of institution '{}' dead-lettered: {}", job.ruleId(),
				job.userId(), job.institution(), reason);
	}

	private void pause(StreamJob job, String reason) {
		this.ledger.pause(job.institution(), job.ruleId(), job.userId(), job.entry(), reason,
				this.properties.quotaPause());
		this.meters.counter("bridge.awards.pauses", "institution", job.institution()).increment();
		logger.error("Issuing for institution '{}' paused for {}: {}", job.institution(),
				this.properties.quotaPause(), reason);
	}

	/** Exponential, with full jitter in the upper half, capped at {@code retry-max}. */
	private Duration backoff(long failures) {
		long initial = this.properties.retryInitial().toMillis();
		long max = this.properties.retryMax().toMillis();
		long exponential = initial * (1L << Math.min(failures - 1, 30));
		long capped = Math.min(Math.max(exponential, initial), max);
		long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
		return Duration.ofMillis(jittered);
	}

	private void createGroup(String institution) {
		String stream = this.ledger.keys(institution).issuance();
		try {
			this.redis.opsForStream().createGroup(stream, ReadOffset.from("0"), AwardKeys.GROUP);
		}
		catch (RedisSystemException ex) {
			if (ex.getMessage() == null || !ex.getMessage().contains("BUSYGROUP")) {
				String cause = (ex.getCause() != null) ? String.valueOf(ex.getCause().getMessage()) : "";
				if (!cause.contains("BUSYGROUP")) {
					throw ex;
				}
			}
		}
	}

	private String institutionOf(String streamKey) {
		int open = streamKey.indexOf('{');
		int close = streamKey.indexOf('}', open);
		return streamKey.substring(open + 1, close);
	}

	private static void sleepQuietly(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static String hostName() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (Exception ex) {
			return "connector";
		}
	}

}

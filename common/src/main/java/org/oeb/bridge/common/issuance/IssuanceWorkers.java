package org.oeb.bridge.common.issuance;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.oeb.bridge.common.awards.Award;
import org.oeb.bridge.common.awards.AwardLedger;
import org.oeb.bridge.common.awards.AwardsProperties;
import org.oeb.bridge.common.issuance.OebIssuer.Match;
import org.oeb.bridge.common.issuance.JobStream.PostFate;
import org.oeb.bridge.common.issuance.OebIssuer.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Issues the decided awards of every institution. Per institution one reader claims as many
 * jobs as it has free call slots ({@code max-in-flight}), so a claimed job starts at once; each
 * runs on its own thread. A heartbeat renews the claims held, so a replica that dies loses its
 * jobs to another within {@code takeover-after}; a replica that stops gracefully finishes the
 * calls in flight and claims nothing more. Whenever an earlier attempt may have reached OEB,
 * the award is looked up first, no earlier than {@code settle-time} after that attempt.
 */
public class IssuanceWorkers implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(IssuanceWorkers.class);

	private static final Duration IDLE_PAUSE = Duration.ofMillis(50);

	private static final Duration FAILURE_PAUSE = Duration.ofSeconds(1);

	private final AwardsProperties awards;

	private final IssuanceProperties properties;

	private final AwardLedger ledger;

	private final JobStream stream;

	private final OebIssuer issuer;

	private final AttemptPolicy policy;

	private final MeterRegistry meters;

	private final Clock clock;

	private final String consumer;

	private final Map<String, Semaphore> slots = new ConcurrentHashMap<>();

	private final Map<String, Map<String, ClaimedJob>> inFlight = new ConcurrentHashMap<>();

	private final Map<String, String> unreadable = new ConcurrentHashMap<>();

	private final List<Thread> threads = new ArrayList<>();

	private final AtomicInteger callThreads = new AtomicInteger();

	private ExecutorService calls;

	private volatile boolean running;

	private volatile boolean claiming;

	public IssuanceWorkers(AwardsProperties awards, IssuanceProperties properties, AwardLedger ledger,
			GatewayClient gateway, StringRedisTemplate redis, MeterRegistry meters) {
		this(awards, properties, ledger, new OebIssuer(gateway), redis, meters, Clock.systemUTC());
	}

	IssuanceWorkers(AwardsProperties awards, IssuanceProperties properties, AwardLedger ledger, OebIssuer issuer,
			StringRedisTemplate redis, MeterRegistry meters, Clock clock) {
		this.awards = awards;
		this.properties = properties;
		this.ledger = ledger;
		this.stream = new JobStream(redis, ledger, properties.takeoverAfter());
		this.issuer = issuer;
		this.policy = new AttemptPolicy(properties,
				(capped) -> capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
		this.meters = meters;
		this.clock = clock;
		this.consumer = hostName() + "-" + UUID.randomUUID().toString().substring(0, 8);
		for (String institution : awards.institutions().keySet()) {
			this.slots.put(institution, new Semaphore(properties.maxInFlight()));
			this.inFlight.put(institution, new ConcurrentHashMap<>());
			Gauge.builder("bridge.awards.backlog", ledger, (l) -> l.backlog(institution))
				.description("Issuance jobs queued, in progress or waiting to retry")
				.tag("institution", institution)
				.register(meters);
			Gauge.builder("bridge.awards.backlog.age", ledger, (l) -> l.oldestQueuedJobAge(institution).toSeconds())
				.description("Seconds since the oldest queued issuance job entered the stream (0 when none)")
				.baseUnit("seconds")
				.tag("institution", institution)
				.register(meters);
			Gauge.builder("bridge.awards.paused", ledger, (l) -> l.pausedReason(institution).isPresent() ? 1 : 0)
				.description("1 while issuing for the institution is paused (quota, refused key)")
				.tag("institution", institution)
				.register(meters);
			Gauge.builder("bridge.awards.in_flight", this.inFlight, (all) -> all.get(institution).size())
				.description("Issue calls and look-ups this replica is working on")
				.tag("institution", institution)
				.register(meters);
		}
	}

	/** Institutions whose issuance stream cannot be read right now, with the error. */
	public Map<String, String> unreadable() {
		return Map.copyOf(this.unreadable);
	}

	@Override
	public void start() {
		for (String institution : this.awards.institutions().keySet()) {
			try {
				if ("recreated".equals(this.ledger.openStream(institution))) {
					logger.warn("The issuance stream of institution '{}' was lost; its pending awards get their jobs "
							+ "again and are looked up before they are sent", institution);
				}
			}
			catch (RuntimeException ex) {
				// the reader retries through its claim script, which recreates the group as well
				this.unreadable.put(institution, describe(ex));
			}
		}
		this.calls = Executors.newCachedThreadPool((task) -> {
			Thread thread = new Thread(task, "issuer-call-" + this.callThreads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		this.running = true;
		this.claiming = true;
		for (String institution : this.awards.institutions().keySet()) {
			startThread("issuer-reader-" + institution, () -> readLoop(institution));
		}
		startThread("issuer-heartbeat", this::heartbeatLoop);
		startThread("issuer-maintenance", this::maintenanceLoop);
		logger.info("Issuing for institutions {} as {}: up to {} calls in flight per institution",
				this.awards.institutions().keySet(), this.consumer, this.properties.maxInFlight());
	}

	private void startThread(String name, Runnable loop) {
		// not daemons: a connector without a web server lives as long as its issuing does
		Thread thread = new Thread(loop, name);
		thread.start();
		this.threads.add(thread);
	}

	@Override
	public void stop() {
		stopClaiming();
		finishCalls();
		stopThreads();
	}

	/**
	 * A graceful stop: claim nothing more, let the calls in flight finish (up to
	 * {@code request-timeout}), then stop the heartbeat. Runs in the background so other
	 * components stop meanwhile.
	 */
	@Override
	public void stop(Runnable callback) {
		stopClaiming();
		Thread stopper = new Thread(() -> {
			try {
				finishCalls();
				stopThreads();
			}
			finally {
				callback.run();
			}
		}, "issuer-stop");
		stopper.start();
	}

	private void stopClaiming() {
		this.claiming = false;
	}

	private void finishCalls() {
		if (this.calls == null) {
			return;
		}
		int busy = this.inFlight.values().stream().mapToInt(Map::size).sum();
		if (busy > 0) {
			logger.info("Stopping: waiting for {} issue calls in flight to finish", busy);
		}
		this.calls.shutdown();
		try {
			Duration wait = this.properties.requestTimeout().plus(this.properties.connectTimeout());
			if (!this.calls.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
				logger.warn("Stopping: issue calls still running after {}; their jobs are taken over after "
						+ "takeover-after and looked up first", wait);
				this.calls.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.calls.shutdownNow();
		}
	}

	private void stopThreads() {
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

	private void readLoop(String institution) {
		Semaphore free = this.slots.get(institution);
		long lastTakeover = System.nanoTime();
		while (this.claiming) {
			try {
				if (free.availablePermits() == 0) {
					if (free.tryAcquire(IDLE_PAUSE.toMillis(), TimeUnit.MILLISECONDS)) {
						free.release();
					}
					continue;
				}
				int started = 0;
				long now = System.nanoTime();
				if (now - lastTakeover >= this.properties.maintenanceInterval().toNanos()) {
					// silent workers' jobs first, so a steady backlog of new jobs cannot starve them
					lastTakeover = now;
					started += claimAndStart(institution, (count) -> takeOver(institution, count));
				}
				started += claimAndStart(institution,
						(count) -> this.stream.claimNew(institution, this.consumer, count));
				this.unreadable.remove(institution);
				if (started == 0) {
					Thread.sleep(IDLE_PAUSE.toMillis());
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				if (!this.claiming) {
					return;
				}
				this.unreadable.put(institution, describe(ex));
				logger.warn("Reading the issuance stream of institution '{}' failed: {}", institution, describe(ex));
				sleepQuietly(FAILURE_PAUSE);
			}
		}
	}

	/** Requeues due retries, one institution at a time; one institution's failure stops no other. */
	private void maintenanceLoop() {
		while (this.claiming) {
			for (String institution : this.awards.institutions().keySet()) {
				if (!this.claiming) {
					return;
				}
				try {
					long requeued = this.ledger.requeueOrphansOnce(institution);
					if (requeued > 0) {
						logger.warn("Gave {} pending awards of institution '{}' their jobs again after the issuance "
								+ "stream was lost; each is looked up before it is sent", requeued, institution);
					}
				}
				catch (RuntimeException ex) {
					logger.warn("Re-queueing the pending awards of institution '{}' failed: {}", institution,
							describe(ex));
				}
				try {
					this.ledger.requeueDue(institution, 500);
				}
				catch (RuntimeException ex) {
					this.unreadable.put(institution, describe(ex));
					logger.warn("Maintenance of institution '{}' failed: {}", institution, describe(ex));
				}
			}
			sleepQuietly(this.properties.maintenanceInterval());
		}
	}

	private void heartbeatLoop() {
		while (this.running) {
			for (Map.Entry<String, Map<String, ClaimedJob>> institution : this.inFlight.entrySet()) {
				List<ClaimedJob> held = List.copyOf(institution.getValue().values());
				if (held.isEmpty()) {
					continue;
				}
				try {
					Set<String> lost = this.stream.renew(institution.getKey(), this.consumer, held);
					if (!lost.isEmpty()) {
						logger.warn("Lost the claim on {} issuance jobs of institution '{}' to another worker",
								lost.size(), institution.getKey());
					}
				}
				catch (RuntimeException ex) {
					logger.warn("Renewing the claims of institution '{}' failed: {}", institution.getKey(),
							ex.toString());
				}
			}
			if (!sleepQuietly(this.properties.heartbeat())) {
				return;
			}
		}
	}

	private List<ClaimedJob> takeOver(String institution, int count) {
		List<ClaimedJob> taken = this.stream.takeOver(institution, this.consumer, count,
				this.properties.takeoverAfter());
		taken.forEach((job) -> {
			logger.info("Took over the issuance job of rule '{}' for user {} of institution '{}' from a silent worker",
					job.ruleId(), job.userId(), institution);
			this.meters.counter("bridge.awards.taken_over", "institution", institution).increment();
		});
		return taken;
	}

	/**
	 * Claims as many jobs as the institution has free call slots and starts each on its own
	 * thread, under one lock per institution, so the slots counted are the slots taken and no
	 * claimed job waits for one.
	 */
	private int claimAndStart(String institution, IntFunction<List<ClaimedJob>> claim) {
		Semaphore free = this.slots.get(institution);
		synchronized (free) {
			int available = free.availablePermits();
			if (available == 0) {
				return 0;
			}
			List<ClaimedJob> jobs = claim.apply(available);
			for (ClaimedJob job : jobs) {
				free.acquireUninterruptibly();
				this.inFlight.get(institution).put(job.entry(), job);
				start(job, free);
			}
			return jobs.size();
		}
	}

	private void start(ClaimedJob job, Semaphore free) {
		try {
			this.calls.execute(() -> {
				try {
					process(job);
				}
				finally {
					this.inFlight.get(job.institution()).remove(job.entry(), job);
					free.release();
				}
			});
		}
		catch (RejectedExecutionException stopping) {
			this.inFlight.get(job.institution()).remove(job.entry(), job);
			free.release();
			try {
				// a claim that counted as the POST attempt sent nothing; an earlier POST keeps its wait
				this.stream.record(job, this.consumer, new Verdict.Release(), job.posted() ? PostFate.UNSENT
						: PostFate.NONE, this.clock.instant());
			}
			catch (RuntimeException ex) {
				logger.warn("Handing back the issuance job of rule '{}' for user {} failed ({}); it is taken over after "
						+ "takeover-after", job.ruleId(), job.userId(), ex.toString());
			}
		}
	}

	/** A bug or bad data broke the attempt: a fenced retry, so that give-up-after ends a poison job. */
	private void crashed(ClaimedJob job, RuntimeException failure, PostFate fate) {
		logger.warn("Issuing award of rule '{}' for user {} of institution '{}' failed in the connector: {}",
				job.ruleId(), job.userId(), job.institution(), failure.toString());
		try {
			Verdict verdict = this.policy.afterCrash(job, failure, this.clock.instant());
			if (this.stream.record(job, this.consumer, verdict, fate, this.clock.instant())) {
				report(job, verdict);
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Recording that failure failed too ({}); the job is taken over after takeover-after",
					ex.toString());
		}
	}

	/** One attempt of one claimed job. */
	void process(ClaimedJob job) {
		// a claim that counted as the POST attempt sent nothing until the POST starts
		Attempt attempt = new Attempt(job.posted() ? PostFate.UNSENT : PostFate.NONE);
		try {
			attempt(job, attempt);
		}
		catch (RuntimeException ex) {
			crashed(job, ex, attempt.fate);
		}
	}

	private void attempt(ClaimedJob job, Attempt attempt) {
		String apiKey = this.awards.institutions().get(job.institution()).gatewayApiKey();
		Verdict verdict;
		if (job.posted()) {
			if (!this.claiming) {
				verdict = new Verdict.Release();
			}
			else if (staleClaim(job)) {
				return;
			}
			else {
				verdict = post(job, apiKey, attempt);
			}
		}
		else {
			verdict = this.policy.beforeLookUp(job, this.clock.instant());
			if (verdict == null) {
				Outcome found = this.issuer.lookUp(job.institution(), apiKey, job.award().badgeClass(),
						job.award().email(), lookUpMatch(job));
				verdict = this.policy.afterLookUp(job, found, this.clock.instant());
				if (verdict instanceof Verdict.PostNow) {
					if (!this.claiming) {
						verdict = new Verdict.Release();
					}
					else if (!this.stream.beforePost(job, this.consumer)) {
						lost(job);
						return;
					}
					else {
						attempt.fate = PostFate.UNSENT;
						verdict = post(job, apiKey, attempt);
					}
				}
			}
		}
		if (verdict instanceof Verdict.LookUpExisting) {
			if (this.claiming) {
				Outcome found = this.issuer.lookUp(job.institution(), apiKey, job.award().badgeClass(),
						job.award().email(), Match.activeAward(this.clock.instant()));
				verdict = this.policy.afterExistingLookUp(job, found, this.clock.instant());
			}
			else {
				// stopping: the duplicate refusal stored nothing; the next replica looks it up
				verdict = new Verdict.RetryAt(this.clock.instant(), "stopping before the look-up of the existing award",
						false);
			}
		}
		if (!this.stream.record(job, this.consumer, verdict, attempt.fate, this.clock.instant())) {
			lost(job);
			return;
		}
		report(job, verdict);
	}

	/**
	 * A claim that counted as the POST attempt but waited (a long pause of this JVM) is
	 * renewed through the fenced POST step before anything is sent, so the settle wait of a
	 * worker that took it over meanwhile starts from the real send.
	 */
	private boolean staleClaim(ClaimedJob job) {
		Instant claimedAt = job.postedAt();
		Duration waited = (claimedAt != null) ? Duration.between(claimedAt, this.clock.instant()) : Duration.ZERO;
		if (waited.compareTo(this.properties.takeoverAfter().dividedBy(2)) <= 0) {
			return false;
		}
		if (this.stream.beforePost(job, this.consumer)) {
			return false;
		}
		lost(job);
		return true;
	}

	private Verdict post(ClaimedJob job, String apiKey, Attempt attempt) {
		Award award = job.award();
		Instant postedAt = this.clock.instant();
		attempt.fate = PostFate.AMBIGUOUS;
		Outcome outcome = this.issuer.issue(job.institution(), apiKey, award);
		attempt.fate = (outcome instanceof Outcome.Transient failure && failure.mayHaveReachedOeb())
				? PostFate.AMBIGUOUS : (outcome instanceof Outcome.Issued) ? PostFate.NONE : PostFate.UNSENT;
		return this.policy.afterIssue(job, outcome, this.clock.instant(), postedAt);
	}

	/** What one attempt did, as far as the ledger must remember it. */
	private static final class Attempt {

		private PostFate fate;

		Attempt(PostFate fate) {
			this.fate = fate;
		}

	}

	private Match lookUpMatch(ClaimedJob job) {
		Instant now = this.clock.instant();
		String previous = job.fields().get("previousAssertions");
		java.util.Set<String> earlier = (previous == null || previous.isBlank()) ? java.util.Set.of()
				: new java.util.HashSet<>(java.util.Arrays.asList(previous.trim().split("\\s+")));
		if (!job.ledgerVerified()) {
			return Match.anyEver(now).excluding(earlier);
		}
		Instant decidedAt = job.decidedAt();
		return Match.thisAward((decidedAt != null) ? decidedAt.minus(this.properties.clockSkew()) : null, now)
			.excluding(earlier);
	}

	private void lost(ClaimedJob job) {
		this.meters.counter("bridge.awards.claims_lost", "institution", job.institution()).increment();
		logger.warn("The claim on the award of rule '{}' for user {} of institution '{}' passed to another worker; "
				+ "this worker's result is not recorded", job.ruleId(), job.userId(), job.institution());
	}

	private void report(ClaimedJob job, Verdict verdict) {
		String institution = job.institution();
		if (verdict instanceof Verdict.Issued issued) {
			this.meters.counter("bridge.awards.issued", "institution", institution, "via", issued.how()).increment();
			Instant decidedAt = job.decidedAt();
			if (decidedAt != null) {
				Timer.builder("bridge.awards.issuance.latency")
					.description("From decision to OEB assertion")
					.tag("institution", institution)
					.register(this.meters)
					.record(Duration.between(decidedAt, this.clock.instant()));
			}
			logger.info("{} award of rule '{}' for user {} of institution '{}': assertion {} ({})",
					issued.revoked() ? "Found revoked" : "Issued", job.ruleId(), job.userId(), institution,
					issued.assertionId(), issued.how());
		}
		else if (verdict instanceof Verdict.RetryAt retry) {
			if (retry.countsAsFailure()) {
				this.meters.counter("bridge.awards.retries", "institution", institution).increment();
			}
			logger.warn("Award of rule '{}' for user {} of institution '{}' waits until {}: {}", job.ruleId(),
					job.userId(), institution, retry.at(), retry.reason());
		}
		else if (verdict instanceof Verdict.DeadLetter dead) {
			this.meters.counter("bridge.awards.dead_letters", "institution", institution).increment();
			logger.error("Award of rule '{}' for user {} of institution '{}' dead-lettered: {}", job.ruleId(),
					job.userId(), institution, dead.reason());
		}
		else if (verdict instanceof Verdict.Pause pause) {
			this.meters.counter("bridge.awards.pauses", "institution", institution).increment();
			logger.error("Issuing for institution '{}' paused for {}: {}", institution, pause.duration(),
					pause.reason());
		}
	}

	/** The innermost message: Redis's own error text, not the template's wrapper. */
	private static String describe(RuntimeException ex) {
		Throwable cause = ex;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		String message = cause.getMessage();
		return (message != null && !message.isBlank()) ? message : cause.toString();
	}

	private static boolean sleepQuietly(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
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

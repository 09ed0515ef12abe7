package org.oeb.bridge.common.connector;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.oeb.bridge.common.awards.AwardEngine;
import org.oeb.bridge.common.connector.CourseRead.LearnerNeeds;
import org.oeb.bridge.common.connector.CourseRead.RosterEntry;
import org.oeb.bridge.common.leases.RedisLeases;
import org.oeb.bridge.common.progress.LearnerProgress;
import org.oeb.bridge.common.rules.RuleNeeds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * One poll cycle of one course, and the targeted re-read a hint asks for. A cycle reads the
 * roster, asks the ledger which learners are still open, and reads those that are new, that
 * the LMS's change signals name, or whose turn in the rolling re-check has come (every open
 * learner within {@code recheck-within}); a sweep reads every open learner. Only the replica
 * holding the course's lease polls it. A course that fails on its own is marked and skipped;
 * a site-wide failure stops the site.
 */
public class CoursePoller {

	private static final Logger logger = LoggerFactory.getLogger(CoursePoller.class);

	private static final int DECISION_PAGE = 200;

	private final ConnectorSites sites;

	private final CourseSource source;

	private final AwardEngine engine;

	private final StringRedisTemplate redis;

	private final RedisLeases leases;

	private final MeterRegistry meters;

	private final String prefix;

	private final Map<String, Roster> rosters = new ConcurrentHashMap<>();

	private final Map<String, Object> rosterRefreshes = new ConcurrentHashMap<>();

	private final ExecutorService readers = Executors.newCachedThreadPool((task) -> {
		Thread thread = new Thread(task, "course-reader");
		thread.setDaemon(true);
		return thread;
	});

	public CoursePoller(ConnectorSites sites, AwardEngine engine, StringRedisTemplate redis, String keyPrefix,
			MeterRegistry meters) {
		this.sites = sites;
		this.source = sites.source();
		this.engine = engine;
		this.redis = redis;
		this.leases = new RedisLeases(redis);
		this.meters = meters;
		this.prefix = keyPrefix;
	}

	/**
	 * Polls one course under its lease. Returns what the cycle did, or {@link CycleReport#SKIPPED}
	 * when another replica holds the lease, the site cannot be polled or the course failed.
	 */
	public CycleReport poll(String institution, String course, boolean sweep) {
		if (!this.sites.status(institution).pollable()) {
			return CycleReport.SKIPPED;
		}
		RedisLeases.Lease lease = this.leases.acquire(key(institution, "lease:" + course),
				this.source.settings(institution).leaseTimeout());
		if (lease == null) {
			return CycleReport.SKIPPED;
		}
		try (lease) {
			CycleReport report = cycle(institution, course, sweep, lease);
			this.sites.courseRead(institution, course);
			return report;
		}
		catch (LmsFailure ex) {
			if (ex.siteWide()) {
				this.sites.failed(institution, ex);
				logger.warn("Poll of course {} of institution '{}' stopped the site: {}", course, institution,
						ex.getMessage());
			}
			else {
				this.sites.courseFailed(institution, course, ex);
			}
			return CycleReport.SKIPPED;
		}
		catch (RuntimeException ex) {
			// an answer nobody foresaw (not JSON, a broken link, a bad stored value): this course only
			logger.warn("Poll of course {} of institution '{}' failed", course, institution, ex);
			this.sites.courseFailed(institution, course,
					new LmsFailure("unexpected", false, false, "the course's cycle failed: " + ex));
			return CycleReport.SKIPPED;
		}
	}

	private CycleReport cycle(String institution, String course, boolean sweep, RedisLeases.Lease lease) {
		RuleNeeds needs = RuleNeeds.of(this.engine.rules(institution), course);
		if (needs.allRules().isEmpty()) {
			return CycleReport.SKIPPED;
		}
		PollSettings settings = this.source.settings(institution);
		CourseRead read = this.source.course(institution, course, needs);
		long callsBefore = this.source.calls(institution);
		Instant cycleStart = Instant.now();
		List<RosterEntry> learners = read.learners();
		remember(institution, course, learners, cycleStart);
		checkIdentities(institution, course, learners);

		List<String> ids = learners.stream().map(RosterEntry::userId).toList();
		Set<String> openForCompletion = open(institution, needs.courseCompletionRules(), ids);
		Set<String> openForActivities = open(institution, needs.activityRules(), ids);
		Set<String> openForGrades = open(institution, needs.gradeRules(), ids);
		Set<String> open = new LinkedHashSet<>(openForCompletion);
		open.addAll(openForActivities);
		open.addAll(openForGrades);

		String seenKey = key(institution, "seen:" + course);
		String readKey = key(institution, "read:" + course);
		String cursorKey = key(institution, "cursor:" + course);
		Map<Object, Object> seen = this.redis.opsForHash().entries(seenKey);
		Map<Object, Object> readAt = this.redis.opsForHash().entries(readKey);
		String cursorText = this.redis.opsForValue().get(cursorKey);
		Instant cursor = (cursorText != null) ? Instant.ofEpochSecond(Long.parseLong(cursorText)) : null;

		// asked in a sweep too: the course-wide reads behind the signals also serve the learners' reads
		Set<String> changed = open.isEmpty() ? Set.of() : read.changedSince(cursor, open);
		List<RosterEntry> candidates = new ArrayList<>();
		List<RosterEntry> dueForRecheck = new ArrayList<>();
		for (RosterEntry learner : learners) {
			String id = learner.userId();
			if (!open.contains(id)) {
				continue;
			}
			if (sweep || !seen.containsKey(id) || changed.contains(id)) {
				candidates.add(learner);
			}
			else {
				dueForRecheck.add(learner);
			}
		}
		List<RosterEntry> rechecked = recheckSlice(dueForRecheck, readAt, open.size(), settings, cycleStart);
		candidates.addAll(rechecked);

		List<LearnerRead> reads = readAll(institution, read, candidates, settings, (id) -> new LearnerNeeds(
				openForCompletion.contains(id), openForActivities.contains(id), openForGrades.contains(id)));
		List<LearnerProgress> snapshots = new ArrayList<>();
		Map<String, String> nowSeen = new HashMap<>();
		Map<String, String> nowRead = new HashMap<>();
		int newCompletions = 0;
		String readTime = Long.toString(cycleStart.getEpochSecond());
		for (LearnerRead learnerRead : reads) {
			String id = learnerRead.progress().learner().userId();
			LearnerProgress.CourseCompletion completion = learnerRead.progress().completion();
			boolean complete = completion != null && completion.completed();
			if (complete && !"1".equals(seen.get(id))) {
				newCompletions++;
			}
			nowSeen.put(id, complete ? "1" : "0");
			nowRead.put(id, readTime);
			snapshots.add(learnerRead.progress());
		}
		int decisions = decide(institution, snapshots, sweep);
		if (lease.lost()) {
			logger.warn("The lease on course {} of institution '{}' lapsed during the cycle; its cursor is kept",
					course, institution);
		}
		else {
			if (!nowSeen.isEmpty()) {
				this.redis.opsForHash().putAll(seenKey, nowSeen);
				this.redis.opsForHash().putAll(readKey, nowRead);
			}
			this.redis.opsForValue().set(cursorKey, Long.toString(cycleStart.getEpochSecond()));
			read.recorded();
		}
		this.sites.courseNote(institution, course, read.note());
		long calls = this.source.calls(institution) - callsBefore;
		DistributionSummary.builder("bridge.connector.poll.calls")
			.description("LMS calls per poll cycle")
			.tag("lms", this.source.lms())
			.tag("institution", institution)
			.tag("course", course)
			.tag("kind", sweep ? "sweep" : "poll")
			.register(this.meters)
			.record(calls);
		logger.info("{} of course {} of institution '{}': {} learners, {} open, {} read ({} changed, {} re-checked), "
				+ "{} new course completions, {} decisions, {} {} calls", sweep ? "Sweep" : "Poll", course,
				institution, learners.size(), open.size(), candidates.size(), changed.size(), rechecked.size(),
				newCompletions, decisions, calls, this.source.lms());
		return new CycleReport(learners.size(), candidates.size(), rechecked.size(), newCompletions, decisions, calls);
	}

	/**
	 * The open learners whose re-check is due: at least {@code ⌈open × poll-interval ÷
	 * recheck-within⌉} per cycle, the longest unread first, and every one that would pass the
	 * bound before the next cycle.
	 */
	static List<RosterEntry> recheckSlice(List<RosterEntry> waiting, Map<Object, Object> readAt, int open,
			PollSettings settings, Instant now) {
		if (waiting.isEmpty() || settings.recheckWithin().isZero()) {
			return List.of();
		}
		long within = settings.recheckWithin().toSeconds();
		long interval = Math.max(1, settings.pollInterval().toSeconds());
		long slice = Math.min(waiting.size(), (open * interval + within - 1) / Math.max(1, within));
		long mustBefore = now.getEpochSecond() + interval - within;
		List<RosterEntry> oldestFirst = new ArrayList<>(waiting);
		oldestFirst.sort(Comparator.comparingLong((RosterEntry learner) -> lastRead(readAt, learner.userId())));
		int take = (int) slice;
		while (take < oldestFirst.size() && lastRead(readAt, oldestFirst.get(take).userId()) <= mustBefore) {
			take++;
		}
		return oldestFirst.subList(0, take);
	}

	private static long lastRead(Map<Object, Object> readAt, String userId) {
		Object value = readAt.get(userId);
		try {
			return (value != null) ? Long.parseLong(value.toString()) : 0;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	private int decide(String institution, List<LearnerProgress> snapshots, boolean sweep) {
		if (sweep) {
			return this.engine.reconcile(institution, snapshots).newDecisions();
		}
		int decisions = 0;
		// one round trip to the ledger per page, not per learner
		for (int from = 0; from < snapshots.size(); from += DECISION_PAGE) {
			decisions += (int) this.engine
				.observeAll(snapshots.subList(from, Math.min(from + DECISION_PAGE, snapshots.size())))
				.stream()
				.filter(AwardEngine.Decision::isNew)
				.count();
		}
		return decisions;
	}

	private List<LearnerRead> readAll(String institution, CourseRead read, List<RosterEntry> learners,
			PollSettings settings, java.util.function.Function<String, LearnerNeeds> needs) {
		// as many at once as the site allows (the source's client keeps its own limit too)
		int parallel = Math.max(1, Math.min(settings.parallelReads(), learners.size()));
		List<LearnerRead> reads = new ArrayList<>();
		List<Future<LearnerRead>> pending = new ArrayList<>();
		for (RosterEntry learner : learners) {
			pending.add(this.readers
				.submit(() -> new LearnerRead(read.progress(learner, needs.apply(learner.userId())))));
			if (pending.size() >= parallel) {
				reads.add(join(pending.remove(0)));
			}
		}
		for (Future<LearnerRead> pendingRead : pending) {
			reads.add(join(pendingRead));
		}
		return reads;
	}

	/**
	 * What a hint asks for: re-read one learner in one course now, and let the engine decide.
	 * The hint itself decides nothing; a hint about a course without rules, about someone who
	 * is not a learner of the course, or about a learner already settled reads nothing more.
	 */
	public HintOutcome reread(String institution, String course, String userId) {
		return reread(institution, course, userId, Instant.now());
	}

	/**
	 * As {@link #reread(String, String, String)}, for a hint that arrived at {@code arrivedAt}:
	 * someone not in a roster read before then is looked up in a fresh roster (one read serves
	 * every hint that arrived before it).
	 */
	public HintOutcome reread(String institution, String course, String userId, Instant arrivedAt) {
		RuleNeeds needs = RuleNeeds.of(this.engine.rules(institution), course);
		if (needs.allRules().isEmpty()) {
			return HintOutcome.NO_RULES;
		}
		if (!this.sites.status(institution).pollable()) {
			return HintOutcome.SITE_NOT_USABLE;
		}
		CourseRead read = this.source.course(institution, course, needs);
		try {
			RosterEntry learner = learnerOf(institution, course, userId, read, arrivedAt);
			if (learner == null) {
				logger.info("Hint about user {}, who is not a learner of course {} of institution '{}', ignored",
						userId, course, institution);
				return HintOutcome.NOT_A_LEARNER;
			}
			List<String> user = List.of(userId);
			LearnerNeeds learnerNeeds = new LearnerNeeds(!open(institution, needs.courseCompletionRules(), user).isEmpty(),
					!open(institution, needs.activityRules(), user).isEmpty(),
					!open(institution, needs.gradeRules(), user).isEmpty());
			if (!learnerNeeds.any()) {
				return HintOutcome.SETTLED;
			}
			this.engine.observe(read.progress(learner, learnerNeeds));
			return HintOutcome.READ;
		}
		catch (LmsFailure ex) {
			if (ex.siteWide() && ex.needsAdministrator()) {
				this.sites.failed(institution, ex);
			}
			logger.warn("Re-reading user {} in course {} of institution '{}' failed: {}", userId, course,
					institution, ex.getMessage());
			return HintOutcome.FAILED;
		}
	}

	private RosterEntry learnerOf(String institution, String course, String userId, CourseRead read,
			Instant arrivedAt) {
		String key = institution + "/" + course;
		Roster roster = this.rosters.get(key);
		RosterEntry learner = (roster != null) ? roster.learners().get(userId) : null;
		if (learner != null || (roster != null && roster.readAt().isAfter(arrivedAt))) {
			return learner;
		}
		// perhaps enrolled since the last roster: one fresh read, shared by the hints waiting for it
		synchronized (this.rosterRefreshes.computeIfAbsent(key, (ignored) -> new Object())) {
			roster = this.rosters.get(key);
			if (roster == null || !roster.readAt().isAfter(arrivedAt)) {
				Instant readAt = Instant.now();
				roster = remember(institution, course, read.learners(), readAt);
			}
		}
		return roster.learners().get(userId);
	}

	private static LearnerRead join(Future<LearnerRead> read) {
		try {
			return read.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while reading learners", ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException(ex.getCause());
		}
	}

	private Set<String> open(String institution, Set<String> rules, List<String> users) {
		return rules.isEmpty() || users.isEmpty() ? new LinkedHashSet<>()
				: this.engine.usersStillOpen(institution, rules, users);
	}

	/** Keeps the roster read from {@code readAt} on, unless a newer one is already kept. */
	private Roster remember(String institution, String course, List<RosterEntry> learners, Instant readAt) {
		Map<String, RosterEntry> byId = new HashMap<>();
		learners.forEach((learner) -> byId.put(learner.userId(), learner));
		Roster fresh = new Roster(Map.copyOf(byId), readAt);
		return this.rosters.merge(institution + "/" + course, fresh,
				(kept, offered) -> offered.readAt().isBefore(kept.readAt()) ? kept : offered);
	}

	private void checkIdentities(String institution, String course, List<RosterEntry> learners) {
		long hidden = learners.stream().filter((learner) -> learner.email() == null).count();
		boolean allHidden = !learners.isEmpty() && hidden == learners.size();
		this.sites.identityProblem(institution, course, allHidden ? this.source.hiddenEmailAdvice() : null);
	}

	/** Per course, what change detection keeps about one learner: when seen complete, when last read. */
	java.util.Map<String, Object> learnerState(String institution, String userId) {
		java.util.Map<String, Object> state = new java.util.LinkedHashMap<>();
		for (String kind : List.of("seen", "read")) {
			java.util.Map<String, Object> perCourse = new java.util.LinkedHashMap<>();
			forEachCourseHash(institution, kind, (key, course) -> {
				Object value = this.redis.opsForHash().get(key, userId);
				if (value != null) {
					perCourse.put(course, value);
				}
			});
			state.put(kind, perCourse);
		}
		return state;
	}

	/** Forgets one learner in change detection; the next cycle reads them as new. */
	long forgetLearner(String institution, String userId) {
		long[] removed = new long[1];
		for (String kind : List.of("seen", "read")) {
			forEachCourseHash(institution, kind,
					(key, course) -> removed[0] += this.redis.opsForHash().delete(key, userId));
		}
		return removed[0];
	}

	private void forEachCourseHash(String institution, String kind,
			java.util.function.BiConsumer<String, String> action) {
		String prefix = key(institution, kind + ":");
		org.springframework.data.redis.core.ScanOptions options = org.springframework.data.redis.core.ScanOptions
			.scanOptions()
			.match(prefix + "*")
			.count(1000)
			.build();
		try (org.springframework.data.redis.core.Cursor<String> keys = this.redis.scan(options)) {
			keys.forEachRemaining((key) -> action.accept(key, key.substring(prefix.length())));
		}
	}

	private String key(String institution, String suffix) {
		return this.prefix + ":{" + institution + "}:" + suffix;
	}

	void stop() {
		this.leases.stop();
		this.readers.shutdownNow();
	}

	private record LearnerRead(LearnerProgress progress) {
	}

	private record Roster(Map<String, RosterEntry> learners, Instant readAt) {
	}

	/** What one cycle did. */
	public record CycleReport(int learners, int read, int rechecked, int newCompletions, int decisions,
			long lmsCalls) {

		/** Not polled: lease held elsewhere, the site is not usable, or the course failed. */
		public static final CycleReport SKIPPED = new CycleReport(0, 0, 0, 0, 0, -1);

	}

	/** What a hint led to. */
	public enum HintOutcome {

		/** the learner was read and the engine decided */
		READ,
		/** no rule reads the course */
		NO_RULES,
		/** the user is not a learner of the course */
		NOT_A_LEARNER,
		/** every rule of the course has settled for the learner */
		SETTLED,
		/** the site is waiting for a passing check */
		SITE_NOT_USABLE,
		/** the LMS failed; the next poll reads the same state */
		FAILED

	}

}

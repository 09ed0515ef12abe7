package org.oeb.bridge.moodle.poll;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.oeb.bridge.common.awards.AwardEngine;
import org.oeb.bridge.common.awards.AwardLedger;
import org.oeb.bridge.common.progress.LearnerProgress;
import org.oeb.bridge.common.progress.LearnerProgress.ActivityProgress;
import org.oeb.bridge.common.progress.LearnerProgress.CourseCompletion;
import org.oeb.bridge.common.progress.LearnerProgress.GradeProgress;
import org.oeb.bridge.moodle.poll.MoodleReader.EnrolledLearner;
import org.oeb.bridge.moodle.site.MoodleClient;
import org.oeb.bridge.moodle.site.MoodleException;
import org.oeb.bridge.moodle.site.MoodleProperties;
import org.oeb.bridge.moodle.site.MoodleSites;
import org.oeb.bridge.moodle.site.RuleNeeds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * One poll cycle of one course, and the targeted re-read a hint asks for. A cycle fetches the
 * enrolment list (1 call), the grades of all learners (1 call, only when grade rules exist),
 * and per learner who is not yet awarded and has been in the course since the last cycle (or
 * was never checked) the course completion and/or activity states the rules need. A full
 * sweep reads every learner not yet awarded. Only the replica holding the course's lease in
 * Redis polls it.
 */
public class CoursePoller {

	private static final Logger logger = LoggerFactory.getLogger(CoursePoller.class);

	/** Moodle updates {@code lastcourseaccess} at most once a minute; read a little further back. */
	private static final long ACCESS_OVERLAP_SECONDS = 120;

	private static final RedisScript<Long> RELEASE = RedisScript.of(
			"if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
			Long.class);

	private final MoodleSites sites;

	private final AwardEngine engine;

	private final AwardLedger ledger;

	private final StringRedisTemplate redis;

	private static final int DECISION_PAGE = 200;

	private final MeterRegistry meters;

	private final String prefix;

	private final MoodleReader reader = new MoodleReader();

	private final String replica = UUID.randomUUID().toString();

	private final Map<String, Map<String, EnrolledLearner>> enrolment = new ConcurrentHashMap<>();

	private final ExecutorService readers = Executors.newCachedThreadPool((task) -> {
		Thread thread = new Thread(task, "moodle-reader");
		thread.setDaemon(true);
		return thread;
	});

	public CoursePoller(MoodleSites sites, AwardEngine engine, AwardLedger ledger, StringRedisTemplate redis,
			MoodleProperties properties, MeterRegistry meters) {
		this.sites = sites;
		this.engine = engine;
		this.ledger = ledger;
		this.redis = redis;
		this.meters = meters;
		this.prefix = properties.redisKeyPrefix();
	}

	/**
	 * Polls one course under its lease. Returns what the cycle did, or {@link CycleReport#SKIPPED}
	 * when another replica holds the lease or the site cannot be polled.
	 */
	public CycleReport poll(String institution, String course, boolean sweep) {
		if (!this.sites.status(institution).pollable()) {
			return CycleReport.SKIPPED;
		}
		String lease = key(institution, "lease:" + course);
		Duration leaseTimeout = this.sites.site(institution).leaseTimeout();
		if (!Boolean.TRUE.equals(this.redis.opsForValue().setIfAbsent(lease, this.replica, leaseTimeout))) {
			return CycleReport.SKIPPED;
		}
		try {
			return cycle(institution, course, sweep);
		}
		catch (MoodleException ex) {
			this.sites.failed(institution, ex);
			logger.warn("Poll of course {} of institution '{}' stopped: {}", course, institution, ex.getMessage());
			return CycleReport.SKIPPED;
		}
		finally {
			this.redis.execute(RELEASE, List.of(lease), this.replica);
		}
	}

	private CycleReport cycle(String institution, String course, boolean sweep) {
		RuleNeeds needs = RuleNeeds.of(this.engine.rules(institution), course);
		if (needs.allRules().isEmpty()) {
			return CycleReport.SKIPPED;
		}
		MoodleClient client = this.sites.client(institution);
		long callsBefore = client.callCount();
		long cycleStart = Instant.now().getEpochSecond();
		List<EnrolledLearner> learners = this.reader.enrolledLearners(client, course,
				this.sites.site(institution).learnerRoles());
		remember(institution, course, learners);
		checkIdentities(institution, learners);

		List<String> ids = learners.stream().map(EnrolledLearner::userId).toList();
		Set<String> openForCompletion = open(institution, needs.courseCompletionRules(), ids);
		Set<String> openForActivities = open(institution, needs.activityRules(), ids);
		Set<String> openForGrades = open(institution, needs.gradeRules(), ids);
		String seenKey = key(institution, "seen:" + course);
		Map<Object, Object> seen = this.redis.opsForHash().entries(seenKey);
		String cursorText = this.redis.opsForValue().get(key(institution, "cursor:" + course));
		long cursor = (cursorText != null) ? Long.parseLong(cursorText) : 0;

		List<EnrolledLearner> candidates = new ArrayList<>();
		for (EnrolledLearner learner : learners) {
			String id = learner.userId();
			boolean open = openForCompletion.contains(id) || openForActivities.contains(id)
					|| openForGrades.contains(id);
			boolean changed = sweep || !seen.containsKey(id)
					|| learner.lastCourseAccess() >= cursor - ACCESS_OVERLAP_SECONDS;
			if (open && changed) {
				candidates.add(learner);
			}
		}
		boolean gradesNeeded = candidates.stream().anyMatch((learner) -> openForGrades.contains(learner.userId()));
		Map<String, Map<String, GradeProgress>> grades = gradesNeeded ? this.reader.grades(client, course, "0")
				: Map.of();

		// the learners are read in parallel, as many at once as the site allows (MoodleClient's own limit)
		int parallel = Math.max(1, Math.min(this.sites.site(institution).maxConcurrentRequests(), candidates.size()));
		List<LearnerRead> reads = new ArrayList<>();
		List<Future<LearnerRead>> pending = new ArrayList<>();
		for (EnrolledLearner learner : candidates) {
			pending.add(this.readers.submit(() -> {
				String id = learner.userId();
				CourseCompletion completion = openForCompletion.contains(id)
						? this.reader.courseCompletion(client, course, id) : null;
				Map<String, ActivityProgress> activities = openForActivities.contains(id)
						? this.reader.activities(client, course, id) : Map.of();
				return new LearnerRead(learner, completion, activities);
			}));
			if (pending.size() >= parallel) {
				reads.add(join(pending.remove(0)));
			}
		}
		for (Future<LearnerRead> read : pending) {
			reads.add(join(read));
		}
		List<LearnerProgress> snapshots = new ArrayList<>();
		Map<String, String> nowSeen = new HashMap<>();
		int newCompletions = 0;
		for (LearnerRead read : reads) {
			String id = read.learner().userId();
			boolean complete = read.completion() != null && read.completion().completed();
			if (complete && !"1".equals(seen.get(id))) {
				newCompletions++;
			}
			nowSeen.put(id, complete ? "1" : "0");
			snapshots.add(progress(institution, client, course, read.learner(), read.completion(), read.activities(),
					grades.getOrDefault(id, Map.of())));
		}
		int decisions = 0;
		if (sweep) {
			decisions = this.engine.reconcile(institution, snapshots).newDecisions();
		}
		else {
			// one round trip to the ledger per page, not per learner
			for (int from = 0; from < snapshots.size(); from += DECISION_PAGE) {
				decisions += (int) this.engine
					.observeAll(snapshots.subList(from, Math.min(from + DECISION_PAGE, snapshots.size())))
					.stream()
					.filter((decision) -> decision.outcome() != AwardLedger.DecideResult.Kind.EXISTS)
					.count();
			}
		}
		if (!nowSeen.isEmpty()) {
			this.redis.opsForHash().putAll(seenKey, nowSeen);
		}
		this.redis.opsForValue().set(key(institution, "cursor:" + course), Long.toString(cycleStart));
		long calls = client.callCount() - callsBefore;
		DistributionSummary.builder("bridge.moodle.poll.calls")
			.description("Moodle Web Services calls per poll cycle")
			.tag("institution", institution)
			.tag("course", course)
			.tag("kind", sweep ? "sweep" : "poll")
			.register(this.meters)
			.record(calls);
		logger.info("{} of course {} of institution '{}': {} learners, {} read, {} new course completions, "
				+ "{} decisions, {} Moodle calls", sweep ? "Sweep" : "Poll", course, institution, learners.size(),
				candidates.size(), newCompletions, decisions, calls);
		return new CycleReport(learners.size(), candidates.size(), newCompletions, decisions, calls);
	}

	/**
	 * What a hint asks for: re-read one learner in one course now, and let the engine decide.
	 * The hint itself decides nothing.
	 */
	public void reread(String institution, String course, String userId) {
		RuleNeeds needs = RuleNeeds.of(this.engine.rules(institution), course);
		if (needs.allRules().isEmpty() || !this.sites.status(institution).pollable()) {
			return;
		}
		MoodleClient client = this.sites.client(institution);
		try {
			EnrolledLearner learner = this.enrolment.getOrDefault(institution + "/" + course, Map.of()).get(userId);
			if (learner == null) {
				learner = this.reader.learner(client, userId);
			}
			if (learner == null) {
				logger.info("Hint about unknown user {} in course {} of institution '{}' ignored", userId, course,
						institution);
				return;
			}
			CourseCompletion completion = needs.courseCompletionRules().isEmpty() ? null
					: this.reader.courseCompletion(client, course, userId);
			Map<String, ActivityProgress> activities = needs.activityRules().isEmpty() ? Map.of()
					: this.reader.activities(client, course, userId);
			Map<String, GradeProgress> grades = needs.gradeRules().isEmpty() ? Map.of()
					: this.reader.grades(client, course, userId).getOrDefault(userId, Map.of());
			this.engine.observe(progress(institution, client, course, learner, completion, activities, grades));
		}
		catch (MoodleException ex) {
			if (ex.configurationProblem()) {
				this.sites.failed(institution, ex);
			}
			logger.warn("Re-reading user {} in course {} of institution '{}' failed: {}", userId, course,
					institution, ex.getMessage());
		}
	}

	private LearnerProgress progress(String institution, MoodleClient client, String course,
			EnrolledLearner learner, CourseCompletion completion, Map<String, ActivityProgress> activities,
			Map<String, GradeProgress> grades) {
		String courseName = (learner.courseName() != null) ? learner.courseName() : courseName(institution, course);
		return new LearnerProgress(institution, "moodle", course, courseName, MoodleReader.courseUrl(client, course),
				new LearnerProgress.Learner(learner.userId(), learner.email(), learner.fullName()), completion,
				activities, grades, Instant.now());
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

	private record LearnerRead(EnrolledLearner learner, CourseCompletion completion,
			Map<String, ActivityProgress> activities) {
	}

	private String courseName(String institution, String course) {
		return this.enrolment.getOrDefault(institution + "/" + course, Map.of())
			.values()
			.stream()
			.map(EnrolledLearner::courseName)
			.filter((name) -> name != null)
			.findFirst()
			.orElse(null);
	}

	private Set<String> open(String institution, Set<String> rules, List<String> users) {
		return rules.isEmpty() || users.isEmpty() ? new LinkedHashSet<>()
				: this.ledger.usersStillOpen(institution, rules, users);
	}

	private void remember(String institution, String course, List<EnrolledLearner> learners) {
		Map<String, EnrolledLearner> byId = new HashMap<>();
		learners.forEach((learner) -> byId.put(learner.userId(), learner));
		this.enrolment.put(institution + "/" + course, byId);
	}

	private void checkIdentities(String institution, List<EnrolledLearner> learners) {
		long hidden = learners.stream().filter((learner) -> learner.email() == null).count();
		if (!learners.isEmpty() && hidden == learners.size()) {
			this.sites.identityProblem(institution, "Moodle shows the connector no e-mail addresses: give the "
					+ "connector's role the capability moodle/course:useremail (or add email to Site administration "
					+ "> Users > Permissions > Show user identity); learners wait as pending-identity until then");
		}
		else {
			this.sites.identityProblem(institution, null);
		}
	}

	private String key(String institution, String suffix) {
		return this.prefix + ":{" + institution + "}:" + suffix;
	}

	/** What one cycle did. */
	public record CycleReport(int learners, int read, int newCompletions, int decisions, long moodleCalls) {

		/** Not polled: lease held elsewhere, or the site is not usable. */
		public static final CycleReport SKIPPED = new CycleReport(0, 0, 0, 0, -1);

	}

}

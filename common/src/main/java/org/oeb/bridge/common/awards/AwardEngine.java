package org.oeb.bridge.common.awards;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.MeterRegistry;
import org.oeb.bridge.common.progress.LearnerProgress;
import org.oeb.bridge.common.rules.Achievement;
import org.oeb.bridge.common.rules.Rule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * What the connectors call. A snapshot of a learner's progress goes in; every rule of the
 * institution that reads that course is evaluated, and each one that holds is recorded in the
 * ledger (with its issuance job) unless it fired for that learner before. Hints, polls and
 * full sweeps all come through here, so a second observation of the same achievement changes
 * nothing.
 */
public class AwardEngine {

	private static final Logger logger = LoggerFactory.getLogger(AwardEngine.class);

	private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

	private static final Duration SNAPSHOT_LIFETIME = Duration.ofDays(400);

	private static final int SWEEP_PAGE = 200;

	private final Map<String, InstitutionRules> institutions = new HashMap<>();

	private final AwardLedger ledger;

	private final StringRedisTemplate redis;

	private final MeterRegistry meters;

	private final JsonMapper json = JsonMapper.builder().build();

	private final CatalogBadges catalog;

	public AwardEngine(AwardsProperties properties, AwardLedger ledger, StringRedisTemplate redis,
			MeterRegistry meters) {
		this(properties, ledger, redis, meters, CatalogBadges.NONE);
	}

	public AwardEngine(AwardsProperties properties, AwardLedger ledger, StringRedisTemplate redis,
			MeterRegistry meters, CatalogBadges catalog) {
		this.ledger = ledger;
		this.redis = redis;
		this.meters = meters;
		this.catalog = catalog;
		properties.institutions()
			.forEach((id, institution) -> this.institutions.put(id,
					new InstitutionRules(institution.compiledRules(), institution.dryRun())));
	}

	/** Evaluates one snapshot and records what it earns. */
	public List<Decision> observe(LearnerProgress progress) {
		return observeAll(List.of(progress));
	}

	/**
	 * Evaluates a page of snapshots (of one institution) and records what they earn in one
	 * round trip to the ledger; awards already settled are skipped before any script runs.
	 */
	public List<Decision> observeAll(List<LearnerProgress> snapshots) {
		if (snapshots.isEmpty()) {
			return List.of();
		}
		String institutionId = snapshots.get(0).institution();
		InstitutionRules institution = this.institutions.get(institutionId);
		if (institution == null) {
			throw new IllegalArgumentException("No award rules are configured for institution '" + institutionId
					+ "' (bridge.awards.institutions." + institutionId + ")");
		}
		List<Earned> earned = new ArrayList<>();
		List<AwardLedger.LossChange> losses = new ArrayList<>();
		for (LearnerProgress progress : snapshots) {
			if (!institutionId.equals(progress.institution())) {
				throw new IllegalArgumentException("A page of snapshots of institution '" + institutionId
						+ "' contains one of institution '" + progress.institution() + "'");
			}
			List<Rule> candidates = institution.rules()
				.stream()
				.filter((rule) -> rule.condition().courses().contains(progress.courseId()))
				.toList();
			if (candidates.isEmpty()) {
				continue;
			}
			Map<String, LearnerProgress> courses = coursesOf(progress, candidates);
			for (Rule rule : candidates) {
				Optional<Achievement> achievement = rule.evaluate(courses);
				achievement.ifPresent((met) -> earned.add(new Earned(progress, rule, met)));
				if (rule.revokesWhenLost()) {
					// lost means the condition no longer holds; the rule's window only says which achievements earn
					boolean holds = achievement.isPresent() || rule.condition().evaluate(courses).isPresent();
					losses.add(new AwardLedger.LossChange(rule.id(), progress.learner().userId(), !holds,
							rule.loss().gracePeriod()));
				}
			}
		}
		List<Decision> decisions = record(institutionId, institution.dryRun(), earned);
		if (!losses.isEmpty()) {
			int marked = this.ledger.recordLosses(institutionId, losses);
			if (marked > 0) {
				logger.info("{} awards of institution '{}' lost or regained their achievement", marked, institutionId);
			}
		}
		return decisions;
	}

	/**
	 * A full sweep: every snapshot the connector has re-read from the LMS. Earned awards that
	 * were never recorded (a lost hint, lost Redis data, a rule added later) are decided now;
	 * the ledger keeps the others from firing twice. A sweep over all of an institution's
	 * courses is framed by {@link #sweepStarted}, {@link #courseSwept} and
	 * {@link #sweepFinished}.
	 */
	public SweepReport reconcile(String institution, Iterable<LearnerProgress> snapshots) {
		int observed = 0;
		int decided = 0;
		int promoted = 0;
		List<LearnerProgress> page = new ArrayList<>();
		java.util.Iterator<LearnerProgress> iterator = snapshots.iterator();
		while (iterator.hasNext()) {
			LearnerProgress progress = iterator.next();
			if (!institution.equals(progress.institution())) {
				throw new IllegalArgumentException("A sweep of institution '" + institution
						+ "' received a snapshot of institution '" + progress.institution() + "'");
			}
			observed++;
			page.add(progress);
			if (page.size() == SWEEP_PAGE || !iterator.hasNext()) {
				for (Decision decision : observeAll(page)) {
					if (decision.outcome() == AwardLedger.DecideResult.Kind.DECIDED
							|| decision.outcome() == AwardLedger.DecideResult.Kind.REOPENED) {
						decided++;
					}
					else if (decision.outcome() == AwardLedger.DecideResult.Kind.PROMOTED) {
						promoted++;
					}
				}
				page.clear();
			}
		}
		logger.info("Sweep of institution '{}': {} snapshots, {} new decisions, {} promoted", institution, observed,
				decided, promoted);
		return new SweepReport(institution, observed, decided, promoted);
	}

	/**
	 * Call before the first course of a full sweep of {@code institution}; hand the answer to
	 * {@link #sweepFinished} once every course was swept.
	 */
	public String sweepStarted(String institution) {
		return this.ledger.epoch(institution);
	}

	/**
	 * Whether a full sweep has finished since the ledger last started empty; until then every
	 * award is looked up before its first POST, so connectors sweep at once when it is not.
	 */
	public boolean ledgerComplete(String institution) {
		return this.ledger.verified(institution);
	}

	/** One course of a full sweep that started with {@code epoch} was swept (by this or another replica). */
	public void courseSwept(String institution, String course, String epoch) {
		this.ledger.courseSwept(institution, course, epoch);
	}

	/**
	 * Finishes the sweep of {@code epoch} if every one of {@code courses} was swept in it, by
	 * any replica; returns whether the ledger is complete now.
	 */
	public boolean sweepFinished(String institution, String epoch, java.util.Collection<String> courses) {
		boolean complete = this.ledger.sweepFinished(institution, epoch, courses);
		if (!complete && !epoch.equals(this.ledger.epoch(institution))) {
			logger.warn("The award ledger of institution '{}' was lost during the sweep; awards are looked up "
					+ "before they are issued until the next full sweep", institution);
		}
		return complete;
	}

	/** Of {@code courses}, those already swept in {@code epoch} (by any replica). */
	public java.util.Set<String> coursesSweptIn(String institution, String epoch, java.util.Collection<String> courses) {
		return this.ledger.coursesSweptIn(institution, epoch, courses);
	}

	/**
	 * The users for whom at least one of {@code ruleIds} has not settled yet; connectors read
	 * only these.
	 */
	public java.util.Set<String> usersStillOpen(String institution, java.util.Collection<String> ruleIds,
			java.util.Collection<String> userIds) {
		InstitutionRules rules = this.institutions.get(institution);
		if (rules == null) {
			return this.ledger.usersStillOpen(institution, ruleIds, userIds);
		}
		// issued learners of rules that revoke when lost are read on, to notice the loss; revoked and expired
		// ones of re-earnable rules, to notice a new achievement
		return this.ledger.usersStillOpen(institution, ruleIds, userIds, rules.revokedWhenLost(), rules.reEarnable());
	}

	/** The institution's rules, for connectors deciding what to read from their LMS. */
	public List<Rule> rules(String institution) {
		InstitutionRules rules = this.institutions.get(institution);
		return (rules != null) ? rules.rules() : List.of();
	}

	public boolean isDryRun(String institution) {
		InstitutionRules rules = this.institutions.get(institution);
		return rules != null && rules.dryRun();
	}

	/**
	 * The badge class a rule issues: its entityId, or the one its catalog key was applied as; empty
	 * while the catalog has not been applied.
	 */
	public Optional<String> badgeClassOf(String institution, Rule rule) {
		if (rule.badge() == null) {
			return Optional.of(rule.badgeClass());
		}
		return this.catalog.badgeClass(institution, rule.badge());
	}

	private List<Decision> record(String institution, boolean dryRun, List<Earned> all) {
		List<AwardLedger.Decision> toRecord = new ArrayList<>();
		List<Earned> earned = new ArrayList<>();
		Map<String, String> badgeClasses = new HashMap<>();
		for (Earned item : all) {
			Optional<String> badgeClass = Optional.ofNullable(badgeClasses.get(item.rule().id()))
				.or(() -> badgeClassOf(institution, item.rule()));
			if (badgeClass.isEmpty()) {
				// not decided, so not lost: the learner stays open and is decided once the catalog is applied
				this.meters.counter("bridge.awards.unapplied.badge", "institution", institution, "rule",
						item.rule().id()).increment();
				logger.warn("Rule '{}' of institution '{}' holds for user {}, but its badge '{}' is not in OEB yet: "
						+ "apply the badge catalog", item.rule().id(), institution,
						item.progress().learner().userId(), item.rule().badge());
				continue;
			}
			badgeClasses.put(item.rule().id(), badgeClass.get());
			earned.add(item);
		}
		for (Earned item : earned) {
			LearnerProgress.Learner learner = item.progress().learner();
			Optional<String> email = usableEmail(learner.email());
			AwardState state = dryRun ? AwardState.DRY_RUN
					: email.isPresent() ? AwardState.PENDING : AwardState.PENDING_IDENTITY;
			Award award = new Award(item.rule().id(), learner.userId(), badgeClasses.get(item.rule().id()),
					email.orElse(""),
					learner.fullName(), item.rule().notifyLearner(), item.progress().lms(), item.progress().courseId(),
					item.achievement().achievedAt(), Instant.now(),
					this.json.writeValueAsString(item.achievement().evidence()));
			// only a time the LMS gave shows an achievement after the award closed; the time of a poll does not
			toRecord.add(new AwardLedger.Decision(state, award,
					item.rule().reEarnable() && !item.achievement().timeObserved()));
		}
		List<AwardLedger.DecideResult> results = this.ledger.decideAll(institution, toRecord);
		Map<String, String> emails = new HashMap<>();
		toRecord.stream()
			.filter((decision) -> !decision.award().email().isEmpty())
			.forEach((decision) -> emails.put(decision.userId(), decision.award().email()));
		this.ledger.rememberLearners(institution, emails);
		List<Decision> decisions = new ArrayList<>();
		for (int i = 0; i < earned.size(); i++) {
			AwardLedger.Decision recorded = toRecord.get(i);
			AwardLedger.DecideResult result = results.get(i);
			if (result.kind() != AwardLedger.DecideResult.Kind.EXISTS) {
				this.meters
					.counter("bridge.awards.decisions", "institution", institution, "rule", recorded.ruleId(), "state",
							recorded.state().value())
					.increment();
				logger.info("Decided award of rule '{}' for user {} of institution '{}': {}{}", recorded.ruleId(),
						recorded.userId(), institution, recorded.state().value(),
						(result.kind() == AwardLedger.DecideResult.Kind.PROMOTED)
								? " (was " + result.previous().value() + ")" : "");
			}
			AwardState now = (result.kind() == AwardLedger.DecideResult.Kind.EXISTS) ? result.previous()
					: recorded.state();
			decisions.add(new Decision(recorded.ruleId(), recorded.userId(), now, result.kind(),
					earned.get(i).achievement().achievedAt()));
		}
		return decisions;
	}

	private Map<String, LearnerProgress> coursesOf(LearnerProgress progress, List<Rule> candidates) {
		boolean spansCourses = candidates.stream().anyMatch((rule) -> rule.condition().courses().size() > 1);
		if (!spansCourses) {
			return Map.of(progress.courseId(), progress);
		}
		// rules over several courses need the learner's other courses, kept from earlier observations
		String key = this.ledger.keys(progress.institution()).progress(progress.learner().userId());
		this.redis.opsForHash().put(key, progress.courseId(), this.json.writeValueAsString(progress));
		this.redis.expire(key, SNAPSHOT_LIFETIME);
		Map<String, LearnerProgress> courses = new HashMap<>();
		this.redis.opsForHash()
			.entries(key)
			.forEach((course, snapshot) -> courses.put((String) course,
					this.json.readValue((String) snapshot, LearnerProgress.class)));
		courses.put(progress.courseId(), progress);
		return courses;
	}

	static Optional<String> usableEmail(String email) {
		if (email == null) {
			return Optional.empty();
		}
		String normalized = email.trim().toLowerCase(Locale.ROOT);
		return EMAIL.matcher(normalized).matches() ? Optional.of(normalized) : Optional.empty();
	}

	private record InstitutionRules(List<Rule> rules, boolean dryRun, Set<String> revokedWhenLost,
			Set<String> reEarnable) {

		InstitutionRules(List<Rule> rules, boolean dryRun) {
			this(rules, dryRun,
					rules.stream().filter(Rule::revokesWhenLost).map(Rule::id).collect(java.util.stream.Collectors.toSet()),
					rules.stream().filter(Rule::reEarnable).map(Rule::id).collect(java.util.stream.Collectors.toSet()));
		}

	}

	private record Earned(LearnerProgress progress, Rule rule, Achievement achievement) {
	}

	/** One rule that holds for the learner, and what the ledger made of it. */
	public record Decision(String ruleId, String userId, AwardState state, AwardLedger.DecideResult.Kind outcome,
			Instant achievedAt) {

		/** True unless the ledger already held this decision. */
		public boolean isNew() {
			return this.outcome != AwardLedger.DecideResult.Kind.EXISTS;
		}

	}

	/** What a sweep found. */
	public record SweepReport(String institution, int snapshots, int newDecisions, int promoted) {
	}

}

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

	private final Map<String, InstitutionRules> institutions = new HashMap<>();

	private final AwardLedger ledger;

	private final StringRedisTemplate redis;

	private final MeterRegistry meters;

	private final JsonMapper json = JsonMapper.builder().build();

	public AwardEngine(AwardsProperties properties, AwardLedger ledger, StringRedisTemplate redis,
			MeterRegistry meters) {
		this.ledger = ledger;
		this.redis = redis;
		this.meters = meters;
		properties.institutions()
			.forEach((id, institution) -> this.institutions.put(id,
					new InstitutionRules(institution.compiledRules(), institution.dryRun())));
	}

	/** Evaluates one snapshot and records what it earns. */
	public List<Decision> observe(LearnerProgress progress) {
		InstitutionRules institution = this.institutions.get(progress.institution());
		if (institution == null) {
			throw new IllegalArgumentException("No award rules are configured for institution '"
					+ progress.institution() + "' (bridge.awards.institutions." + progress.institution() + ")");
		}
		List<Rule> candidates = institution.rules()
			.stream()
			.filter((rule) -> rule.condition().courses().contains(progress.courseId()))
			.toList();
		if (candidates.isEmpty()) {
			return List.of();
		}
		Map<String, LearnerProgress> courses = coursesOf(progress, candidates);
		List<Decision> decisions = new ArrayList<>();
		for (Rule rule : candidates) {
			rule.evaluate(courses).ifPresent((achievement) -> decisions
				.add(record(progress, institution.dryRun(), rule, achievement)));
		}
		return decisions;
	}

	/**
	 * A full sweep: every snapshot the connector has re-read from the LMS. Earned awards that
	 * were never recorded (a lost hint, lost Redis data, a rule added later) are decided now;
	 * the ledger keeps the others from firing twice.
	 */
	public SweepReport reconcile(String institution, Iterable<LearnerProgress> snapshots) {
		int observed = 0;
		int decided = 0;
		int promoted = 0;
		for (LearnerProgress progress : snapshots) {
			if (!institution.equals(progress.institution())) {
				throw new IllegalArgumentException("A sweep of institution '" + institution
						+ "' received a snapshot of institution '" + progress.institution() + "'");
			}
			observed++;
			for (Decision decision : observe(progress)) {
				if (decision.outcome() == AwardLedger.DecideResult.Kind.DECIDED) {
					decided++;
				}
				else if (decision.outcome() == AwardLedger.DecideResult.Kind.PROMOTED) {
					promoted++;
				}
			}
		}
		logger.info("Sweep of institution '{}': {} snapshots, {} new decisions, {} promoted", institution, observed,
				decided, promoted);
		return new SweepReport(institution, observed, decided, promoted);
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

	private Decision record(LearnerProgress progress, boolean dryRun, Rule rule, Achievement achievement) {
		LearnerProgress.Learner learner = progress.learner();
		Optional<String> email = usableEmail(learner.email());
		AwardState state = dryRun ? AwardState.DRY_RUN
				: email.isPresent() ? AwardState.PENDING : AwardState.PENDING_IDENTITY;
		Map<String, String> fields = new LinkedHashMap<>();
		fields.put("rule", rule.id());
		fields.put("user", learner.userId());
		fields.put("badgeClass", rule.badgeClass());
		fields.put("email", email.orElse(""));
		fields.put("name", (learner.fullName() != null) ? learner.fullName() : "");
		fields.put("notify", Boolean.toString(rule.notifyLearner()));
		fields.put("lms", progress.lms());
		fields.put("course", progress.courseId());
		fields.put("achievedAt", achievement.achievedAt().toString());
		fields.put("decidedAt", Instant.now().toString());
		fields.put("evidence", this.json.writeValueAsString(achievement.evidence()));
		AwardLedger.DecideResult result = this.ledger.decide(progress.institution(), rule.id(), learner.userId(),
				state, fields);
		if (result.kind() != AwardLedger.DecideResult.Kind.EXISTS) {
			this.meters
				.counter("bridge.awards.decisions", "institution", progress.institution(), "rule", rule.id(), "state",
						state.value())
				.increment();
			logger.info("Decided award of rule '{}' for user {} of institution '{}': {}{}", rule.id(),
					learner.userId(), progress.institution(), state.value(),
					(result.kind() == AwardLedger.DecideResult.Kind.PROMOTED)
							? " (was " + result.previous().value() + ")" : "");
		}
		AwardState now = (result.kind() == AwardLedger.DecideResult.Kind.EXISTS) ? result.previous() : state;
		return new Decision(rule.id(), learner.userId(), now, result.kind(), achievement.achievedAt());
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

	private record InstitutionRules(List<Rule> rules, boolean dryRun) {
	}

	/** One rule that holds for the learner, and what the ledger made of it. */
	public record Decision(String ruleId, String userId, AwardState state, AwardLedger.DecideResult.Kind outcome,
			Instant achievedAt) {
	}

	/** What a sweep found. */
	public record SweepReport(String institution, int snapshots, int newDecisions, int promoted) {
	}

}

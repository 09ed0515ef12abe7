package org.oeb.bridge.common.batches;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.oeb.bridge.common.awards.Award;
import org.oeb.bridge.common.awards.AwardKeys;
import org.oeb.bridge.common.awards.AwardLedger;
import org.oeb.bridge.common.awards.AwardState;
import org.oeb.bridge.common.awards.LedgerScripts;
import org.oeb.bridge.common.privacy.LearnerDataEndpoint.LearnerBusyException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Manual batches in Redis. Each recipient of a batch is an award of the rule
 * {@code batch:<batch id>} (no configured rule id holds a ':'), for a user id derived from the
 * e-mail, decided through the ledger like any rule's award, so the issuing workers send it with
 * their look-ups, retries and dead letters, and a second submission finds it decided. Per batch
 * an index holds its recipients' user ids with the line that entered them; progress is read from
 * the awards themselves.
 */
class Batches {

	static final String LMS = "manual";

	private static final String RULE_PREFIX = "batch:";

	private static final RedisScript<List> ENTER = LedgerScripts.load("batch-enter", List.class);

	private static final int PAGE = 200;

	private static final List<String> SHOWN_FIELDS = List.of("state", "email", "assertion", "issuedAt", "lastError",
			"deadReason", "nextAttemptAt");

	private final AwardLedger ledger;

	private final StringRedisTemplate redis;

	private final int maxRecipients;

	private final JsonMapper json = JsonMapper.builder().build();

	Batches(AwardLedger ledger, StringRedisTemplate redis, int maxRecipients) {
		this.ledger = ledger;
		this.redis = redis;
		this.maxRecipients = maxRecipients;
	}

	static String ruleId(String batch) {
		return RULE_PREFIX + batch;
	}

	/**
	 * The user id of a recipient who has no LMS id: {@code mail-} and 128 bits of the hash of
	 * institution and e-mail, the same in every batch, and within the ids the learner data
	 * endpoint accepts.
	 */
	static String userId(String institution, String email) {
		return "mail-" + AwardLedger.emailHash(institution, email).substring(0, 32);
	}

	/**
	 * Enters the recipients into the batch and decides their awards. Recipients already in the
	 * batch are found decided and left as they are.
	 */
	Entered enter(String institution, Submission submission, AwardState state) {
		AwardKeys keys = this.ledger.keys(institution);
		Instant now = Instant.now();
		List<String> args = new ArrayList<>(List.of(submission.batch(), submission.badgeClass(),
				Long.toString(now.toEpochMilli()), now.toString(), Integer.toString(this.maxRecipients)));
		for (RecipientList.Recipient recipient : submission.recipients()) {
			args.add(userId(institution, recipient.email()));
			args.add(Integer.toString(recipient.line()));
		}
		List<?> entered = this.redis.execute(ENTER,
				List.of(keys.batches(), keys.batch(submission.batch()), keys.batchRecipients(submission.batch())),
				args.toArray());
		String verdict = String.valueOf(entered.get(0));
		if ("conflict".equals(verdict)) {
			return Entered.conflict(String.valueOf(entered.get(1)));
		}
		if ("full".equals(verdict)) {
			return Entered.full(Integer.parseInt(String.valueOf(entered.get(1))));
		}
		String evidence = evidence(submission.evidence(), submission.evidenceUrl());
		List<AwardLedger.Decision> decisions = new ArrayList<>();
		for (RecipientList.Recipient recipient : submission.recipients()) {
			Award award = new Award(ruleId(submission.batch()), userId(institution, recipient.email()),
					submission.badgeClass(), recipient.email(), recipient.name(), submission.notifyLearner(), LMS, "", now, now,
					evidence);
			decisions.add(new AwardLedger.Decision(state, award));
		}
		int decided = 0;
		int existing = 0;
		for (int from = 0; from < decisions.size(); from += PAGE) {
			List<AwardLedger.Decision> page = decisions.subList(from, Math.min(from + PAGE, decisions.size()));
			for (AwardLedger.DecideResult result : this.ledger.decideAll(institution, page)) {
				if (result.kind() == AwardLedger.DecideResult.Kind.EXISTS) {
					existing++;
				}
				else {
					decided++;
				}
			}
		}
		return new Entered(Entered.Kind.ENTERED, null, decided, existing);
	}

	/** OEB's evidence items as the award's evidence JSON holds them (see OebIssuer). */
	private String evidence(String narrative, String url) {
		ArrayNode items = this.json.createArrayNode();
		if (!narrative.isEmpty() || !url.isEmpty()) {
			ObjectNode item = items.addObject();
			if (!url.isEmpty()) {
				item.put("url", url);
			}
			item.put("narrative", narrative);
		}
		return this.json.writeValueAsString(items);
	}

	long count(String institution) {
		Long batches = this.redis.opsForZSet().zCard(this.ledger.keys(institution).batches());
		return (batches != null) ? batches : 0;
	}

	/** The institution's batches, newest first, each with its recipients counted by state. */
	List<Map<String, Object>> list(String institution, int limit) {
		AwardKeys keys = this.ledger.keys(institution);
		Set<String> ids = this.redis.opsForZSet().reverseRange(keys.batches(), 0, limit - 1);
		List<Map<String, Object>> batches = new ArrayList<>();
		for (String batch : (ids != null) ? ids : Set.<String>of()) {
			Map<String, Object> summary = summary(institution, batch);
			summary.put("counts", counts(recipients(institution, batch)));
			batches.add(summary);
		}
		return batches;
	}

	/** One batch with every recipient's state, in the order of their lines; empty when unknown. */
	Optional<Map<String, Object>> detail(String institution, String batch, String stateFilter) {
		Map<String, Object> summary = summary(institution, batch);
		if (summary.get("badgeClass") == null) {
			return Optional.empty();
		}
		List<Map<String, String>> recipients = recipients(institution, batch);
		summary.put("counts", counts(recipients));
		summary.put("recipients", recipients.stream()
			.filter((recipient) -> stateFilter == null || stateFilter.equals(recipient.get("state")))
			.toList());
		return Optional.of(summary);
	}

	private Map<String, Object> summary(String institution, String batch) {
		Map<Object, Object> fields = this.redis.opsForHash().entries(this.ledger.keys(institution).batch(batch));
		Map<String, Object> summary = new LinkedHashMap<>();
		summary.put("batch", batch);
		summary.put("rule", ruleId(batch));
		summary.put("badgeClass", fields.get("badgeClass"));
		summary.put("createdAt", fields.get("createdAt"));
		summary.put("lastSubmittedAt", fields.get("lastSubmittedAt"));
		Object submissions = fields.get("submissions");
		summary.put("submissions", (submissions != null) ? Long.parseLong(submissions.toString()) : 0L);
		return summary;
	}

	private static Map<String, Long> counts(List<Map<String, String>> recipients) {
		Map<String, Long> counts = new TreeMap<>();
		recipients.forEach((recipient) -> counts.merge(recipient.get("state"), 1L, Long::sum));
		counts.put("total", (long) recipients.size());
		return counts;
	}

	/**
	 * The batch's recipients as the ledger holds their awards, by line; {@code missing} for one
	 * whose award is gone (erased) or was never decided (a submission cut off midway; submitting
	 * it again decides it).
	 */
	private List<Map<String, String>> recipients(String institution, String batch) {
		AwardKeys keys = this.ledger.keys(institution);
		Map<Object, Object> index = this.redis.opsForHash().entries(keys.batchRecipients(batch));
		List<String> users = new ArrayList<>();
		List<Integer> lines = new ArrayList<>();
		index.forEach((user, line) -> {
			users.add((String) user);
			lines.add(Integer.parseInt((String) line));
		});
		String rule = ruleId(batch);
		byte[][] fields = SHOWN_FIELDS.stream().map((field) -> field.getBytes(StandardCharsets.UTF_8))
			.toArray(byte[][]::new);
		List<Object> awards = this.redis.executePipelined((RedisCallback<Object>) (connection) -> {
			for (String user : users) {
				connection.hashCommands().hMGet(keys.award(rule, user).getBytes(StandardCharsets.UTF_8), fields);
			}
			return null;
		});
		List<Map<String, String>> recipients = new ArrayList<>();
		for (int i = 0; i < users.size(); i++) {
			List<?> values = (List<?>) awards.get(i);
			Map<String, String> recipient = new LinkedHashMap<>();
			recipient.put("line", Integer.toString(lines.get(i)));
			recipient.put("user", users.get(i));
			recipient.put("state", (values.get(0) != null) ? values.get(0).toString() : "missing");
			for (int f = 1; f < SHOWN_FIELDS.size(); f++) {
				Object value = values.get(f);
				if (value != null) {
					String text = value.toString();
					recipient.put(SHOWN_FIELDS.get(f),
							"email".equals(SHOWN_FIELDS.get(f)) ? org.oeb.bridge.common.operations.IssuanceEndpoint.maskEmail(text)
									: text);
				}
			}
			recipients.add(recipient);
		}
		recipients.sort(Comparator.comparingInt((Map<String, String> recipient) -> Integer.parseInt(recipient.get("line")))
			.thenComparing((recipient) -> recipient.get("user")));
		return recipients;
	}

	/** The batches a learner is in, with the line that entered them, for an export. */
	Map<String, Object> exportLearner(String institution, String userId) {
		Map<String, Object> export = new LinkedHashMap<>();
		List<Map<String, String>> memberships = new ArrayList<>();
		membershipsOf(institution, userId).forEach((batch, line) -> memberships.add(Map.of("batch", batch, "line", line)));
		export.put("batches", memberships);
		return export;
	}

	/**
	 * Takes a learner out of every batch's index (their awards are the ledger's to erase);
	 * refused while one of their batch awards is being issued.
	 */
	long eraseLearner(String institution, String userId) {
		AwardKeys keys = this.ledger.keys(institution);
		Map<String, String> memberships = membershipsOf(institution, userId);
		for (String batch : memberships.keySet()) {
			if (AwardState.PENDING.value().equals(this.redis.opsForHash().get(keys.award(ruleId(batch), userId), "state"))) {
				throw new LearnerBusyException("an award of the learner in batch '" + batch + "' is being issued right "
						+ "now; erase again once it is issued or dead");
			}
		}
		long removed = 0;
		for (String batch : memberships.keySet()) {
			removed += this.redis.opsForHash().delete(keys.batchRecipients(batch), userId);
		}
		return removed;
	}

	private Map<String, String> membershipsOf(String institution, String userId) {
		AwardKeys keys = this.ledger.keys(institution);
		Set<String> batches = this.redis.opsForZSet().range(keys.batches(), 0, -1);
		List<String> ids = List.copyOf((batches != null) ? batches : Set.<String>of());
		List<Object> lines = this.redis.executePipelined((RedisCallback<Object>) (connection) -> {
			for (String batch : ids) {
				connection.hashCommands()
					.hGet(keys.batchRecipients(batch).getBytes(StandardCharsets.UTF_8),
							userId.getBytes(StandardCharsets.UTF_8));
			}
			return null;
		});
		Map<String, String> memberships = new LinkedHashMap<>();
		for (int i = 0; i < ids.size(); i++) {
			if (lines.get(i) != null) {
				memberships.put(ids.get(i), lines.get(i).toString());
			}
		}
		return memberships;
	}

	/** What an operator submits, validated. */
	record Submission(String batch, String badgeClass, boolean notifyLearner, String evidence, String evidenceUrl,
			List<RecipientList.Recipient> recipients) {
	}

	/** What became of a submission's valid recipients. */
	record Entered(Kind kind, String badgeClassHeld, int decided, int existing) {

		static Entered conflict(String badgeClassHeld) {
			return new Entered(Kind.CONFLICT, badgeClassHeld, 0, 0);
		}

		static Entered full(int held) {
			return new Entered(Kind.FULL, null, 0, held);
		}

		enum Kind {

			/** Entered; {@code decided} awards are new (or promoted from dry-run), {@code existing} were there. */
			ENTERED,
			/** The batch holds another badge class; nothing was entered. */
			CONFLICT,
			/** The batch would grow past its limit; nothing was entered ({@code existing} = recipients held). */
			FULL

		}

	}

}

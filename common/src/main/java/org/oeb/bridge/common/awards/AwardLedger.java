package org.oeb.bridge.common.awards;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The award ledger in Redis. Every state change is one Lua script (under
 * {@code resources/oeb-bridge/ledger/}), so the ledger entry, the per-state counts and the
 * issuance stream never disagree: a decision is recorded and its job appended in one atomic
 * step. Claiming jobs and recording their outcomes belong to the issuing side
 * ({@code JobStream}). Every key of a script carries the institution's hash tag.
 */
public class AwardLedger {

	private static final RedisScript<List> DECIDE = LedgerScripts.load("decide", List.class);

	private static final RedisScript<Long> REQUEUE = LedgerScripts.load("requeue", Long.class);

	private static final RedisScript<String> REPLAY = LedgerScripts.load("replay", String.class);

	private static final RedisScript<String> DISCARD = LedgerScripts.load("discard", String.class);

	private static final RedisScript<Long> RESUME = LedgerScripts.load("resume", Long.class);

	private static final RedisScript<String> EPOCH = LedgerScripts.load("epoch", String.class);

	private static final RedisScript<String> OPEN = LedgerScripts.load("open", String.class);

	private static final RedisScript<Long> ORPHANS = LedgerScripts.load("orphans", Long.class);

	private static final RedisScript<String> FEED_OWN = LedgerScripts.load("feed-own", String.class);

	private static final RedisScript<String> FEED_FOREIGN = LedgerScripts.load("feed-foreign", String.class);

	private static final RedisScript<String> EXPIRE = LedgerScripts.load("expire", String.class);

	private static final RedisScript<String> ERASE = LedgerScripts.load("erase", String.class);

	private static final RedisScript<Long> LOSS = LedgerScripts.load("loss", Long.class);

	private static final RedisScript<String> REVOKED = LedgerScripts.load("revoked", String.class);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Set<String> MAY_CHANGE = Set.of(AwardState.PENDING_IDENTITY.value(),
			AwardState.DRY_RUN.value(), AwardState.DEAD.value());

	private static final Set<String> REOPENABLE = Set.of(AwardState.REVOKED.value(), AwardState.EXPIRED.value());

	private static final byte[] STATE_FIELD = "state".getBytes(StandardCharsets.UTF_8);

	private final StringRedisTemplate redis;

	private final String prefix;

	public AwardLedger(StringRedisTemplate redis, String prefix) {
		this.redis = redis;
		this.prefix = prefix;
	}

	public AwardKeys keys(String institution) {
		return new AwardKeys(this.prefix, institution);
	}

	/**
	 * Records a decision unless one exists. An existing {@code pending-identity} or
	 * {@code dry-run} entry is promoted when the new state differs (an e-mail appeared, or
	 * dry-run was switched off).
	 */
	public DecideResult decide(String institution, AwardState state, Award award) {
		return decideAll(institution, List.of(new Decision(state, award))).get(0);
	}

	/**
	 * Records the decisions of one page of observations: the settled ones are recognised by one
	 * pipelined read and skipped, the rest go to Redis in one script call. Results come back in
	 * the order of {@code decisions}.
	 */
	public List<DecideResult> decideAll(String institution, List<Decision> decisions) {
		if (decisions.isEmpty()) {
			return List.of();
		}
		AwardKeys keys = keys(institution);
		List<String> states = states(keys, decisions);
		List<DecideResult> results = new ArrayList<>(Collections.nCopies(decisions.size(), null));
		List<Integer> toRecord = new ArrayList<>();
		List<String> scriptKeys = new ArrayList<>(
				List.of(keys.counts(), keys.issuance(), keys.epoch(), keys.swept(), keys.erased()));
		List<String> args = new ArrayList<>(List.of(Long.toString(System.currentTimeMillis()), AwardKeys.GROUP));
		for (int i = 0; i < decisions.size(); i++) {
			Decision decision = decisions.get(i);
			String current = states.get(i);
			boolean mayReopen = decision.reEarnable() && current != null && REOPENABLE.contains(current);
			if (current != null && !mayReopen
					&& (current.equals(decision.state().value()) || !MAY_CHANGE.contains(current))) {
				results.set(i, new DecideResult(DecideResult.Kind.EXISTS, AwardState.of(current)));
				continue;
			}
			toRecord.add(i);
			scriptKeys.add(keys.award(decision.ruleId(), decision.userId()));
			Map<String, Object> json = new LinkedHashMap<>();
			json.put("state", decision.state().value());
			json.put("rule", decision.ruleId());
			json.put("user", decision.userId());
			json.put("fields", decision.award().ledgerFields());
			// an erased learner's award may still be in OEB: the script marks it to be looked up before issuing
			json.put("tombstone", tombstone(institution, decision.userId()));
			json.put("reEarn", decision.reEarnable());
			json.put("achievedMs", (decision.award().achievedAt() != null)
					? decision.award().achievedAt().toEpochMilli() : 0);
			args.add(JSON.writeValueAsString(json));
		}
		if (!toRecord.isEmpty()) {
			List<?> recorded = this.redis.execute(DECIDE, scriptKeys, args.toArray());
			for (int j = 0; j < toRecord.size(); j++) {
				results.set(toRecord.get(j), DecideResult.parse(String.valueOf(recorded.get(j))));
			}
		}
		return results;
	}

	private List<String> states(AwardKeys keys, List<Decision> decisions) {
		List<Object> states = this.redis.executePipelined((RedisCallback<Object>) (connection) -> {
			for (Decision decision : decisions) {
				connection.hashCommands()
					.hGet(keys.award(decision.ruleId(), decision.userId()).getBytes(StandardCharsets.UTF_8),
							STATE_FIELD);
			}
			return null;
		});
		List<String> result = new ArrayList<>();
		states.forEach((state) -> result.add((state != null) ? state.toString() : null));
		return result;
	}

	public Map<String, String> award(String institution, String ruleId, String userId) {
		Map<Object, Object> entries = this.redis.opsForHash().entries(keys(institution).award(ruleId, userId));
		Map<String, String> award = new LinkedHashMap<>();
		entries.forEach((key, value) -> award.put((String) key, (String) value));
		return award;
	}

	public Optional<String> pausedReason(String institution) {
		return Optional.ofNullable(this.redis.opsForValue().get(keys(institution).paused()));
	}

	public Optional<Duration> pausedFor(String institution) {
		Long millis = this.redis.getExpire(keys(institution).paused(), java.util.concurrent.TimeUnit.MILLISECONDS);
		return (millis != null && millis > 0) ? Optional.of(Duration.ofMillis(millis)) : Optional.empty();
	}

	/**
	 * Makes sure the institution's issuance stream and consumer group exist; a group missing
	 * under a live ledger starts a new epoch, so that the pending awards whose jobs were lost
	 * get them again (see {@link #requeueOrphansOnce}). Returns {@code exists}, {@code created}
	 * or {@code recreated}.
	 */
	public String openStream(String institution) {
		AwardKeys keys = keys(institution);
		return this.redis.execute(OPEN, List.of(keys.issuance(), keys.epoch(), keys.swept()), AwardKeys.GROUP,
				Long.toString(System.currentTimeMillis()));
	}

	/** Lifts a pause and makes the parked jobs due now. */
	public void resume(String institution) {
		AwardKeys keys = keys(institution);
		this.redis.execute(RESUME, List.of(keys.paused(), keys.retries()));
	}

	/** Moves jobs whose retry time has come back into the issuance stream (not while paused). */
	public long requeueDue(String institution, int limit) {
		AwardKeys keys = keys(institution);
		Long moved = this.redis.execute(REQUEUE, List.of(keys.retries(), keys.issuance(), keys.paused()),
				Long.toString(System.currentTimeMillis()), Integer.toString(limit));
		return (moved != null) ? moved : 0;
	}

	/**
	 * The ledger's epoch: when it last started empty. A full sweep reads it when it starts and
	 * hands it to {@link #sweepFinished}.
	 */
	public String epoch(String institution) {
		AwardKeys keys = keys(institution);
		return this.redis.execute(EPOCH, List.of(keys.epoch(), keys.swept(), keys.issuance()), "read", "",
				Long.toString(System.currentTimeMillis()), AwardKeys.GROUP);
	}

	/**
	 * Records that a full sweep that started in {@code epoch} has finished: from now on the
	 * ledger is complete again, and first attempts need no look-up. Returns false when the
	 * ledger was lost again during the sweep.
	 */
	public boolean sweepFinished(String institution, String epoch) {
		AwardKeys keys = keys(institution);
		return "swept".equals(this.redis.execute(EPOCH, List.of(keys.epoch(), keys.swept(), keys.issuance()),
				"swept", epoch, Long.toString(System.currentTimeMillis()), AwardKeys.GROUP));
	}

	/**
	 * Once per epoch (a new ledger, or one whose issuance stream was lost): gives every pending
	 * award decided in an earlier epoch a job again, as its job may have gone with the stream.
	 * Scans the institution's award keys, so it runs only when the epoch changed. Returns the
	 * awards re-queued.
	 */
	public long requeueOrphansOnce(String institution) {
		AwardKeys keys = keys(institution);
		String epoch = this.redis.opsForValue().get(keys.epoch());
		if (epoch == null || epoch.equals(this.redis.opsForValue().get(keys.orphansScanned()))) {
			return 0;
		}
		long queued = 0;
		List<String> batch = new ArrayList<>();
		ScanOptions options = ScanOptions.scanOptions().match(keys.awardPattern()).count(500).build();
		try (Cursor<String> cursor = this.redis.scan(options)) {
			while (cursor.hasNext()) {
				batch.add(cursor.next());
				if (batch.size() == 200 || !cursor.hasNext()) {
					List<String> scriptKeys = new ArrayList<>(List.of(keys.issuance(), keys.retries(), keys.epoch()));
					scriptKeys.addAll(batch);
					Long done = this.redis.execute(ORPHANS, scriptKeys);
					queued += (done != null) ? done : 0;
					batch.clear();
				}
			}
		}
		this.redis.opsForValue().set(keys.orphansScanned(), epoch);
		return queued;
	}

	/** Records that {@code course} was swept in {@code epoch} (by any replica). */
	public void courseSwept(String institution, String course, String epoch) {
		this.redis.opsForHash().put(keys(institution).sweptCourses(), course, epoch);
	}

	/**
	 * Finishes the sweep of {@code epoch} once every one of {@code courses} was swept in it,
	 * whichever replica swept it. Returns whether the ledger is complete now.
	 */
	public boolean sweepFinished(String institution, String epoch, java.util.Collection<String> courses) {
		List<Object> marks = this.redis.opsForHash().multiGet(keys(institution).sweptCourses(), List.copyOf(courses));
		if (marks.stream().anyMatch((mark) -> !epoch.equals(mark))) {
			return false;
		}
		return sweepFinished(institution, epoch);
	}

	/** Of {@code courses}, those swept in {@code epoch}. */
	public java.util.Set<String> coursesSweptIn(String institution, String epoch, java.util.Collection<String> courses) {
		List<String> asked = List.copyOf(courses);
		List<Object> marks = this.redis.opsForHash().multiGet(keys(institution).sweptCourses(), List.copyOf(asked));
		java.util.Set<String> swept = new java.util.LinkedHashSet<>();
		for (int i = 0; i < asked.size(); i++) {
			if (epoch.equals(marks.get(i))) {
				swept.add(asked.get(i));
			}
		}
		return swept;
	}

	/** Whether a full sweep has finished since the ledger last started empty. */
	public boolean verified(String institution) {
		AwardKeys keys = keys(institution);
		List<String> values = this.redis.opsForValue().multiGet(List.of(keys.epoch(), keys.swept()));
		return values != null && values.get(0) != null && values.get(0).equals(values.get(1));
	}

	/**
	 * The users for whom at least one of the rules has not settled yet: no decision, one
	 * parked for a missing e-mail or by dry-run, or a dead one (whose replay uses the newest
	 * observation). Pollers skip the others.
	 */
	public java.util.Set<String> usersStillOpen(String institution, java.util.Collection<String> ruleIds,
			java.util.Collection<String> userIds) {
		return usersStillOpen(institution, ruleIds, userIds, Set.of(), Set.of());
	}

	/**
	 * As {@link #usersStillOpen(String, java.util.Collection, java.util.Collection)}, where an
	 * issued award of a rule in {@code watchIssued} (revoked when the achievement is lost) and a
	 * revoked or expired one of a rule in {@code watchClosed} (may be re-earned) also count as open.
	 */
	public java.util.Set<String> usersStillOpen(String institution, java.util.Collection<String> ruleIds,
			java.util.Collection<String> userIds, Set<String> watchIssued, Set<String> watchClosed) {
		AwardKeys keys = keys(institution);
		List<String> users = List.copyOf(userIds);
		List<String> rules = List.copyOf(ruleIds);
		List<Object> states = this.redis.executePipelined((org.springframework.data.redis.core.RedisCallback<Object>) (
				connection) -> {
			for (String user : users) {
				for (String rule : rules) {
					connection.hashCommands()
						.hGet(keys.award(rule, user).getBytes(java.nio.charset.StandardCharsets.UTF_8),
								"state".getBytes(java.nio.charset.StandardCharsets.UTF_8));
				}
			}
			return null;
		});
		java.util.Set<String> open = new java.util.LinkedHashSet<>();
		for (int u = 0; u < users.size(); u++) {
			for (int r = 0; r < rules.size(); r++) {
				Object state = states.get(u * rules.size() + r);
				String rule = rules.get(r);
				if (state == null || MAY_CHANGE.contains(state.toString())
						|| watchIssued.contains(rule) && AwardState.ISSUED.value().equals(state.toString())
						|| watchClosed.contains(rule) && REOPENABLE.contains(state.toString())) {
					open.add(users.get(u));
					break;
				}
			}
		}
		return open;
	}

	/**
	 * Puts a dead award back into issuing, re-decided from the newest observation that came in
	 * after it died, and with {@code badgeClass} (the rule's badge class today; null keeps the
	 * stored one).
	 */
	public String replay(String institution, String ruleId, String userId, String badgeClass) {
		AwardKeys keys = keys(institution);
		return this.redis.execute(REPLAY,
				List.of(keys.award(ruleId, userId), keys.counts(), keys.issuance(), keys.dead()),
				Instant.now().toString(), (badgeClass != null) ? badgeClass : "");
	}

	public String discard(String institution, String ruleId, String userId) {
		AwardKeys keys = keys(institution);
		return this.redis.execute(DISCARD, List.of(keys.award(ruleId, userId), keys.counts(), keys.dead()),
				Instant.now().toString());
	}

	/** One count of {@link #counts}: awards in {@code state}, or {@code foreign}. */
	public long count(String institution, String state) {
		Object count = this.redis.opsForHash().get(keys(institution).counts(), state);
		return (count != null) ? Long.parseLong(count.toString()) : 0;
	}

	public Map<String, Long> counts(String institution) {
		Map<String, Long> counts = new LinkedHashMap<>();
		for (AwardState state : AwardState.values()) {
			counts.put(state.value(), 0L);
		}
		// assertions of the institution that the bridge did not issue
		counts.put("foreign", 0L);
		this.redis.opsForHash()
			.entries(keys(institution).counts())
			.forEach((state, count) -> counts.put((String) state, Long.parseLong((String) count)));
		return counts;
	}

	/** The newest dead letters, newest first. */
	public List<Map<String, String>> deadLetters(String institution, int limit) {
		List<MapRecord<String, Object, Object>> records = this.redis.opsForStream()
			.reverseRange(keys(institution).dead(), Range.unbounded(),
					org.springframework.data.redis.connection.Limit.limit().count(limit));
		List<Map<String, String>> letters = new ArrayList<>();
		if (records != null) {
			for (MapRecord<String, Object, Object> record : records) {
				Map<String, String> letter = new LinkedHashMap<>();
				letter.put("entry", record.getId().getValue());
				record.getValue().forEach((key, value) -> letter.put((String) key, (String) value));
				letters.add(letter);
			}
		}
		return letters;
	}

	/** Awards in one state, for operators; scans the institution's keys, so keep {@code limit} small. */
	public List<Map<String, String>> inState(String institution, AwardState state, int limit) {
		List<Map<String, String>> found = new ArrayList<>();
		ScanOptions options = ScanOptions.scanOptions().match(keys(institution).awardPattern()).count(500).build();
		try (Cursor<String> cursor = this.redis.scan(options)) {
			while (cursor.hasNext() && found.size() < limit) {
				String key = cursor.next();
				Object current = this.redis.opsForHash().get(key, "state");
				if (state.value().equals(current)) {
					Map<String, String> award = new LinkedHashMap<>();
					this.redis.opsForHash().entries(key).forEach((k, v) -> award.put((String) k, (String) v));
					found.add(award);
				}
			}
		}
		return Collections.unmodifiableList(found);
	}

	/** Outstanding jobs of the institution: queued or held by a worker, plus those waiting to retry. */
	public long backlog(String institution) {
		AwardKeys keys = keys(institution);
		Long queued = this.redis.opsForStream().size(keys.issuance());
		Long waiting = this.redis.opsForZSet().zCard(keys.retries());
		return ((queued != null) ? queued : 0) + ((waiting != null) ? waiting : 0);
	}

	/** How long the oldest job in the issuance stream has waited there (zero when the stream is empty). */
	public Duration oldestQueuedJobAge(String institution) {
		List<MapRecord<String, Object, Object>> oldest = this.redis.opsForStream()
			.range(keys(institution).issuance(), Range.unbounded(),
					org.springframework.data.redis.connection.Limit.limit().count(1));
		if (oldest == null || oldest.isEmpty()) {
			return Duration.ZERO;
		}
		long millis = oldest.get(0).getId().getTimestamp();
		return Duration.ofMillis(Math.max(0, System.currentTimeMillis() - millis));
	}

	/** Of {@code assertionIds}, those the bridge issued, mapped to their award's {@code rule:user}. */
	public Map<String, String> ownersOf(String institution, List<String> assertionIds) {
		Map<String, String> owners = new LinkedHashMap<>();
		if (assertionIds.isEmpty()) {
			return owners;
		}
		List<Object> found = this.redis.opsForHash().multiGet(keys(institution).assertions(), List.copyOf(assertionIds));
		for (int i = 0; i < assertionIds.size(); i++) {
			if (found.get(i) != null) {
				owners.put(assertionIds.get(i), (String) found.get(i));
			}
		}
		return owners;
	}

	/**
	 * Records what OEB says about an assertion the bridge issued for the award {@code member}
	 * ({@code rule:user}). Returns {@code revoked}, {@code expired}, {@code renewed},
	 * {@code unchanged} or {@code other} (the award holds another assertion by now).
	 */
	public String recordOwnAssertion(String institution, String member, AssertionState assertion) {
		AwardKeys keys = keys(institution);
		Instant now = Instant.now();
		return this.redis.execute(FEED_OWN, List.of(keys.awardOf(member), keys.counts(), keys.expiries()),
				assertion.entityId(), assertion.revoked() ? "1" : "0",
				(assertion.revocationReason() != null) ? assertion.revocationReason() : "",
				(assertion.expires() != null) ? assertion.expires().toString() : "",
				(assertion.expires() != null) ? Long.toString(assertion.expires().toEpochMilli()) : "",
				Long.toString(now.toEpochMilli()), now.toString(), member);
	}

	/**
	 * Records an assertion the bridge did not issue, for the learner whose e-mail hashes to
	 * {@code emailHash}; {@code ownAwards} are the keys of that learner's awards of the same
	 * badge class, which make it the bridge's own after all while one of them is being issued.
	 * Returns {@code foreign}, {@code updated}, {@code own}, or {@code indexed:rule:user} for an award
	 * issued before assertions were indexed (the caller records it as the bridge's own).
	 */
	public String recordForeignAssertion(String institution, String assertionId, String entryJson, String emailHash,
			List<String> ownAwards) {
		AwardKeys keys = keys(institution);
		List<String> scriptKeys = new ArrayList<>(
				List.of(keys.assertions(), keys.foreign(), keys.foreignByLearner(), keys.counts()));
		scriptKeys.addAll(ownAwards);
		List<String> args = new ArrayList<>(List.of(assertionId, entryJson, emailHash));
		ownAwards.forEach((award) -> args.add(award.substring(keys.awardPrefix().length())));
		return this.redis.execute(FEED_FOREIGN, scriptKeys, args.toArray());
	}

	/** Marks issued awards whose expiry date has passed as expired; returns how many. */
	public int expireDue(String institution, int limit) {
		AwardKeys keys = keys(institution);
		Instant now = Instant.now();
		Set<String> due = this.redis.opsForZSet().rangeByScore(keys.expiries(), 0, now.toEpochMilli(), 0, limit);
		int expired = 0;
		for (String member : (due != null) ? due : Set.<String>of()) {
			String result = this.redis.execute(EXPIRE, List.of(keys.awardOf(member), keys.counts(), keys.expiries()),
					member, Long.toString(now.toEpochMilli()), now.toString());
			if ("expired".equals(result)) {
				expired++;
			}
		}
		return expired;
	}

	/**
	 * Remembers which LMS user an e-mail belongs to (for assertions the bridge did not issue)
	 * and the user's e-mail (for OEB's per-learner embeds). The e-mail goes into values only,
	 * never into a key.
	 */
	public void rememberLearners(String institution, Map<String, String> emailsByUser) {
		if (emailsByUser.isEmpty()) {
			return;
		}
		AwardKeys keys = keys(institution);
		Map<String, String> byHash = new LinkedHashMap<>();
		emailsByUser.forEach((user, email) -> byHash.put(emailHash(institution, email), user));
		this.redis.executePipelined((RedisCallback<Object>) (connection) -> {
			byte[] learners = keys.learners().getBytes(StandardCharsets.UTF_8);
			byte[] emails = keys.learnerEmails().getBytes(StandardCharsets.UTF_8);
			byHash.forEach((hash, user) -> connection.hashCommands()
				.hSet(learners, hash.getBytes(StandardCharsets.UTF_8), user.getBytes(StandardCharsets.UTF_8)));
			emailsByUser.forEach((user, email) -> connection.hashCommands()
				.hSet(emails, user.getBytes(StandardCharsets.UTF_8), email.getBytes(StandardCharsets.UTF_8)));
			return null;
		});
	}

	/** The LMS user an e-mail hash belongs to, if the bridge has met them. */
	public Optional<String> learnerOf(String institution, String emailHash) {
		return Optional.ofNullable((String) this.redis.opsForHash().get(keys(institution).learners(), emailHash));
	}

	/** The e-mail of an LMS user, if the bridge has met them. */
	public Optional<String> emailOf(String institution, String userId) {
		return Optional.ofNullable((String) this.redis.opsForHash().get(keys(institution).learnerEmails(), userId));
	}

	/** The ledger entries of one learner for {@code ruleIds} (absent ones left out). */
	public List<Map<String, String>> awardsOf(String institution, String userId, java.util.Collection<String> ruleIds) {
		AwardKeys keys = keys(institution);
		List<String> rules = List.copyOf(ruleIds);
		List<Object> entries = this.redis.executePipelined((RedisCallback<Object>) (connection) -> {
			for (String rule : rules) {
				connection.hashCommands().hGetAll(keys.award(rule, userId).getBytes(StandardCharsets.UTF_8));
			}
			return null;
		});
		List<Map<String, String>> awards = new ArrayList<>();
		for (Object entry : entries) {
			if (entry instanceof Map<?, ?> map && !map.isEmpty()) {
				Map<String, String> award = new LinkedHashMap<>();
				map.forEach((k, v) -> award.put(String.valueOf(k), String.valueOf(v)));
				awards.add(award);
			}
		}
		return awards;
	}

	/** The entries (JSON) of the assertions the bridge did not issue that a learner holds. */
	public List<String> foreignOf(String institution, String emailHash) {
		AwardKeys keys = keys(institution);
		String ids = (String) this.redis.opsForHash().get(keys.foreignByLearner(), emailHash);
		if (ids == null || ids.isBlank()) {
			return List.of();
		}
		List<Object> entries = this.redis.opsForHash().multiGet(keys.foreign(), List.of((Object[]) ids.split(" ")));
		return entries.stream().filter(java.util.Objects::nonNull).map(String::valueOf).toList();
	}

	/**
	 * The hash that stands for a learner's e-mail in the ledger: SHA-256 over the institution
	 * and the trimmed, lower-cased address.
	 */
	public static String emailHash(String institution, String email) {
		try {
			java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
			byte[] hash = digest.digest((institution + "\n" + email.trim().toLowerCase(java.util.Locale.ROOT))
				.getBytes(StandardCharsets.UTF_8));
			return java.util.HexFormat.of().formatHex(hash);
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Everything the ledger holds about one learner, for an export. */
	public Map<String, Object> exportLearner(String institution, String userId) {
		AwardKeys keys = keys(institution);
		Map<String, Object> export = new LinkedHashMap<>();
		List<Map<String, String>> awards = new ArrayList<>();
		for (String key : learnerAwardKeys(keys, userId)) {
			Map<String, String> award = new LinkedHashMap<>();
			this.redis.opsForHash().entries(key).forEach((k, v) -> award.put((String) k, (String) v));
			awards.add(award);
		}
		export.put("awards", awards);
		Optional<String> email = emailOf(institution, userId);
		export.put("email", email.orElse(null));
		export.put("foreignAssertions",
				email.map((address) -> foreignOf(institution, emailHash(institution, address))).orElse(List.of()));
		Map<Object, Object> snapshots = this.redis.opsForHash().entries(keys.progress(userId));
		export.put("progressSnapshots", snapshots);
		export.put("deadLetters", deadLettersOf(keys, userId));
		return export;
	}

	/**
	 * Erases everything the ledger holds about one learner: their awards, snapshots, e-mail,
	 * the assertions of them the bridge did not issue, and their dead letters. A tombstone that
	 * names no one (a hash of institution and user id) stays, so that a later decision for the
	 * same learner is looked up in OEB before it is issued: OEB's award outlives the erasure.
	 * Refused while one of their awards is being issued.
	 */
	public long eraseLearner(String institution, String userId) {
		AwardKeys keys = keys(institution);
		long removed = 0;
		List<String> awardKeys = learnerAwardKeys(keys, userId);
		for (String key : awardKeys) {
			if ("pending".equals(this.redis.opsForHash().get(key, "state"))) {
				throw new org.oeb.bridge.common.privacy.LearnerDataEndpoint.LearnerBusyException(
						"an award of the learner is being issued right now; erase again once it is issued or dead");
			}
		}
		this.redis.opsForSet().add(keys.erased(), tombstone(institution, userId));
		for (String key : awardKeys) {
			String member = key.substring(keys.awardPrefix().length());
			String result = this.redis.execute(ERASE,
					List.of(key, keys.counts(), keys.assertions(), keys.expiries(), keys.revocations()), member);
			if ("busy".equals(result)) {
				throw new org.oeb.bridge.common.privacy.LearnerDataEndpoint.LearnerBusyException(
						"an award of the learner is being issued right now; erase again once it is issued or dead");
			}
			removed += "erased".equals(result) ? 1 : 0;
		}
		Optional<String> email = emailOf(institution, userId);
		if (email.isPresent()) {
			String hash = emailHash(institution, email.get());
			String ids = (String) this.redis.opsForHash().get(keys.foreignByLearner(), hash);
			if (ids != null && !ids.isBlank()) {
				Long gone = this.redis.opsForHash().delete(keys.foreign(), (Object[]) ids.split(" "));
				removed += (gone != null) ? gone : 0;
				if (gone != null && gone > 0) {
					this.redis.opsForHash().increment(keys.counts(), "foreign", -gone);
				}
			}
			this.redis.opsForHash().delete(keys.foreignByLearner(), hash);
			removed += this.redis.opsForHash().delete(keys.learners(), hash);
		}
		removed += this.redis.opsForHash().delete(keys.learnerEmails(), userId);
		removed += Boolean.TRUE.equals(this.redis.delete(keys.progress(userId))) ? 1 : 0;
		for (Map<String, String> letter : deadLettersOf(keys, userId)) {
			Long gone = this.redis.opsForStream().delete(keys.dead(), letter.get("entry"));
			removed += (gone != null) ? gone : 0;
		}
		return removed;
	}

	/** The learner's dead letters, read through the whole stream a page at a time. */
	private List<Map<String, String>> deadLettersOf(AwardKeys keys, String userId) {
		List<Map<String, String>> found = new ArrayList<>();
		String from = "-";
		while (true) {
			List<MapRecord<String, Object, Object>> page = this.redis.opsForStream()
				.range(keys.dead(), "-".equals(from) ? Range.unbounded() : Range.leftOpen(from, "+"),
						org.springframework.data.redis.connection.Limit.limit().count(1000));
			if (page == null || page.isEmpty()) {
				return found;
			}
			for (MapRecord<String, Object, Object> record : page) {
				if (userId.equals(record.getValue().get("user"))) {
					Map<String, String> letter = new LinkedHashMap<>();
					letter.put("entry", record.getId().getValue());
					record.getValue().forEach((key, value) -> letter.put((String) key, (String) value));
					found.add(letter);
				}
			}
			from = page.get(page.size() - 1).getId().getValue();
		}
	}

	private List<String> learnerAwardKeys(AwardKeys keys, String userId) {
		List<String> found = new ArrayList<>();
		ScanOptions options = ScanOptions.scanOptions().match(keys.awardPrefix() + "*:" + userId).count(1000).build();
		try (Cursor<String> cursor = this.redis.scan(options)) {
			cursor.forEachRemaining((key) -> {
				// a user id holds no ':' (a rule id may: manual batches), so the user is everything after the last one
				String member = key.substring(keys.awardPrefix().length());
				if (member.substring(member.lastIndexOf(':') + 1).equals(userId)) {
					found.add(key);
				}
			});
		}
		return found;
	}

	private static String tombstone(String institution, String userId) {
		return emailHash(institution, "user:" + userId);
	}

	/**
	 * Records that learners lost, or got back, the achievement of awards whose rules revoke when
	 * it is lost: a lost one is scheduled for revocation after its grace period (once; a later
	 * observation does not move the date), one got back is taken off the schedule. Returns how
	 * many awards changed.
	 */
	public int recordLosses(String institution, List<LossChange> changes) {
		AwardKeys keys = keys(institution);
		List<String> scriptKeys = new ArrayList<>(List.of(keys.revocations()));
		Instant now = Instant.now();
		List<String> args = new ArrayList<>(List.of(Long.toString(now.toEpochMilli()), now.toString()));
		for (LossChange change : changes) {
			scriptKeys.add(keys.award(change.ruleId(), change.userId()));
			args.add(change.lost() ? "lost" : "regained");
			args.add(change.ruleId() + ":" + change.userId());
			args.add(Long.toString(change.gracePeriod().toMillis()));
		}
		Long changed = this.redis.execute(LOSS, scriptKeys, args.toArray());
		return (changed != null) ? changed.intValue() : 0;
	}

	/** Awards due for revocation because the learner lost the achievement ({@code rule:user}, oldest first). */
	public List<String> revocationsDue(String institution, int limit) {
		Set<String> due = this.redis.opsForZSet()
			.rangeByScore(keys(institution).revocations(), 0, System.currentTimeMillis(), 0, limit);
		return (due != null) ? List.copyOf(due) : List.of();
	}

	/** Awards scheduled for revocation, with when, for operators (soonest first). */
	public List<Map<String, String>> revocationsScheduled(String institution, int limit) {
		AwardKeys keys = keys(institution);
		Set<org.springframework.data.redis.core.ZSetOperations.TypedTuple<String>> scheduled = this.redis.opsForZSet()
			.rangeWithScores(keys.revocations(), 0, limit - 1);
		List<Map<String, String>> listed = new ArrayList<>();
		for (var tuple : (scheduled != null) ? scheduled : Set.<org.springframework.data.redis.core.ZSetOperations.TypedTuple<String>>of()) {
			String member = tuple.getValue();
			Map<String, String> entry = new LinkedHashMap<>();
			entry.put("rule", member.substring(0, member.lastIndexOf(':')));
			entry.put("user", member.substring(member.lastIndexOf(':') + 1));
			entry.put("revokeAt", Instant.ofEpochMilli(tuple.getScore().longValue()).toString());
			Object lostSince = this.redis.opsForHash().get(keys.awardOf(member), "lostSince");
			Object error = this.redis.opsForHash().get(keys.awardOf(member), "revokeError");
			if (lostSince != null) {
				entry.put("lostSince", lostSince.toString());
			}
			if (error != null) {
				entry.put("lastError", error.toString());
			}
			listed.add(entry);
		}
		return listed;
	}

	/**
	 * Records that the bridge revoked the award's assertion in OEB (or found it revoked). Returns
	 * {@code revoked}, {@code unchanged} or {@code other} (the award moved on meanwhile).
	 */
	public String revokedByBridge(String institution, String member, String assertion, String reason) {
		AwardKeys keys = keys(institution);
		Instant now = Instant.now();
		return this.redis.execute(REVOKED, List.of(keys.awardOf(member), keys.counts(), keys.revocations(),
				keys.expiries()), assertion, reason, now.toString(), member, Long.toString(now.toEpochMilli()));
	}

	/** A revocation that failed: tried again at {@code retryAt}, the error shown to operators. */
	public void revocationFailed(String institution, String member, String error, Instant retryAt) {
		AwardKeys keys = keys(institution);
		this.redis.opsForHash().put(keys.awardOf(member), "revokeError", error);
		this.redis.opsForZSet().add(keys.revocations(), member, retryAt.toEpochMilli());
	}

	/** Takes an award off the revocation schedule (it is not issued any more, or was erased). */
	public void dropRevocation(String institution, String member) {
		this.redis.opsForZSet().remove(keys(institution).revocations(), member);
	}

	/** A learner lost ({@code lost}) or got back the achievement of one award. */
	public record LossChange(String ruleId, String userId, boolean lost, Duration gracePeriod) {
	}

	/** What OEB's change feed says about one assertion. */
	public record AssertionState(String entityId, boolean revoked, String revocationReason, Instant expires) {
	}

	/** The result of {@link #decide}. */
	public record DecideResult(Kind kind, AwardState previous) {

		/** What happened. */
		public enum Kind {

			/** A new decision was recorded. */
			DECIDED,
			/** A parked decision moved on (identity appeared, dry-run off). */
			PROMOTED,
			/** A revoked or expired award of a rule that may be re-earned was decided again. */
			REOPENED,
			/** The rule had already fired for the learner; nothing changed. */
			EXISTS

		}

		static DecideResult parse(String result) {
			if ("decided".equals(result)) {
				return new DecideResult(Kind.DECIDED, null);
			}
			String previous = result.substring(result.indexOf(':') + 1);
			Kind kind = result.startsWith("promoted") ? Kind.PROMOTED
					: result.startsWith("reopened") ? Kind.REOPENED : Kind.EXISTS;
			return new DecideResult(kind, AwardState.of(previous));
		}

	}

	/**
	 * A decision to record: the award in {@code state}; {@code reEarnable} when its rule may be
	 * earned again after a revocation or expiry.
	 */
	public record Decision(AwardState state, Award award, boolean reEarnable) {

		public Decision(AwardState state, Award award) {
			this(state, award, false);
		}

		public String ruleId() {
			return this.award.ruleId();
		}

		public String userId() {
			return this.award.userId();
		}

	}

}

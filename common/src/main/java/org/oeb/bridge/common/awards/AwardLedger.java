package org.oeb.bridge.common.awards;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The award ledger in Redis. Every state change is one Lua script, so the ledger entry, the
 * per-state counts and the issuance stream never disagree: a decision is recorded and its
 * job appended in one atomic step, and a job is acknowledged in the same step that records
 * its outcome.
 */
public class AwardLedger {

	private static final RedisScript<String> DECIDE = RedisScript.of("""
			local current = redis.call('HGET', KEYS[1], 'state')
			local desired = ARGV[1]
			if current then
			  if current == desired or (current ~= 'pending-identity' and current ~= 'dry-run') then
			    return 'exists:' .. current
			  end
			  redis.call('HINCRBY', KEYS[2], current, -1)
			end
			redis.call('HSET', KEYS[1], 'state', desired, unpack(ARGV, 4))
			redis.call('HINCRBY', KEYS[2], desired, 1)
			if desired == 'pending' then
			  redis.call('XADD', KEYS[3], '*', 'rule', ARGV[2], 'user', ARGV[3])
			end
			if current then return 'promoted:' .. current end
			return 'decided'
			""", String.class);

	private static final String ACK = """
			if ARGV[2] ~= '' then
			  redis.call('XACK', KEYS[3], ARGV[1], ARGV[2])
			  redis.call('XDEL', KEYS[3], ARGV[2])
			end
			""";

	private static final RedisScript<String> MARK_ISSUED = RedisScript.of("""
			local current = redis.call('HGET', KEYS[1], 'state')
			if current == 'pending' then
			  redis.call('HSET', KEYS[1], 'state', 'issued', 'assertion', ARGV[3], 'issuedAt', ARGV[4], 'issuedBy', ARGV[5])
			  redis.call('HDEL', KEYS[1], 'lastError', 'nextAttemptAt')
			  redis.call('HINCRBY', KEYS[2], 'pending', -1)
			  redis.call('HINCRBY', KEYS[2], 'issued', 1)
			end
			""" + ACK + """
			return current or 'missing'
			""", String.class);

	private static final RedisScript<String> RETRY_LATER = RedisScript.of("""
			local current = redis.call('HGET', KEYS[1], 'state')
			if current == 'pending' then
			  redis.call('HSET', KEYS[1], 'lastError', ARGV[4], 'nextAttemptAt', ARGV[3])
			  redis.call('ZADD', KEYS[2], ARGV[3], KEYS[1])
			end
			""" + ACK + """
			return current or 'missing'
			""", String.class);

	private static final RedisScript<String> DEAD_LETTER = RedisScript.of("""
			local current = redis.call('HGET', KEYS[1], 'state')
			if current == 'pending' then
			  local entry = redis.call('XADD', KEYS[4], '*', 'rule', ARGV[4], 'user', ARGV[5], 'reason', ARGV[3], 'at', ARGV[6])
			  redis.call('HSET', KEYS[1], 'state', 'dead', 'deadReason', ARGV[3], 'deadEntry', entry, 'deadAt', ARGV[6])
			  redis.call('HDEL', KEYS[1], 'nextAttemptAt')
			  redis.call('HINCRBY', KEYS[2], 'pending', -1)
			  redis.call('HINCRBY', KEYS[2], 'dead', 1)
			end
			""" + ACK + """
			return current or 'missing'
			""", String.class);

	private static final RedisScript<String> PAUSE = RedisScript.of("""
			redis.call('SET', KEYS[4], ARGV[3], 'PX', ARGV[4])
			local current = redis.call('HGET', KEYS[1], 'state')
			if current == 'pending' then
			  redis.call('HSET', KEYS[1], 'lastError', ARGV[3], 'nextAttemptAt', ARGV[5])
			  redis.call('ZADD', KEYS[2], ARGV[5], KEYS[1])
			end
			""" + ACK + """
			return current or 'missing'
			""", String.class);

	private static final RedisScript<Long> MOVE_DUE_RETRIES = RedisScript.of("""
			local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
			for _, award in ipairs(due) do
			  redis.call('ZREM', KEYS[1], award)
			  local fields = redis.call('HMGET', award, 'state', 'rule', 'user')
			  if fields[1] == 'pending' then
			    redis.call('XADD', KEYS[2], '*', 'rule', fields[2], 'user', fields[3])
			  end
			end
			return #due
			""", Long.class);

	private static final RedisScript<String> REPLAY = RedisScript.of("""
			local fields = redis.call('HMGET', KEYS[1], 'state', 'deadEntry', 'rule', 'user')
			if fields[1] ~= 'dead' then return fields[1] or 'missing' end
			redis.call('HSET', KEYS[1], 'state', 'pending', 'failures', 0, 'replayedAt', ARGV[1])
			redis.call('HDEL', KEYS[1], 'deadReason', 'deadEntry', 'deadAt', 'lastError', 'nextAttemptAt')
			redis.call('HINCRBY', KEYS[2], 'dead', -1)
			redis.call('HINCRBY', KEYS[2], 'pending', 1)
			if fields[2] then redis.call('XDEL', KEYS[4], fields[2]) end
			redis.call('XADD', KEYS[3], '*', 'rule', fields[3], 'user', fields[4])
			return 'replayed'
			""", String.class);

	private static final RedisScript<String> DISCARD = RedisScript.of("""
			local fields = redis.call('HMGET', KEYS[1], 'state', 'deadEntry')
			if fields[1] ~= 'dead' then return fields[1] or 'missing' end
			redis.call('HSET', KEYS[1], 'state', 'discarded', 'discardedAt', ARGV[1])
			redis.call('HINCRBY', KEYS[2], 'dead', -1)
			redis.call('HINCRBY', KEYS[2], 'discarded', 1)
			if fields[2] then redis.call('XDEL', KEYS[3], fields[2]) end
			return 'discarded'
			""", String.class);

	private static final RedisScript<List> RECLAIM = RedisScript.of("""
			local claimed = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], '0-0', 'COUNT', ARGV[4])
			local flat = {}
			for _, entry in ipairs(claimed[2]) do
			  local id, fields = entry[1], entry[2]
			  local rule, user = '', ''
			  for i = 1, #fields, 2 do
			    if fields[i] == 'rule' then rule = fields[i + 1] elseif fields[i] == 'user' then user = fields[i + 1] end
			  end
			  table.insert(flat, id)
			  table.insert(flat, rule)
			  table.insert(flat, user)
			end
			for _, id in ipairs(claimed[3] or {}) do
			  redis.call('XACK', KEYS[1], ARGV[1], id)
			end
			return flat
			""", List.class);

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
	public DecideResult decide(String institution, String ruleId, String userId, AwardState state,
			Map<String, String> fields) {
		AwardKeys keys = keys(institution);
		List<String> args = new ArrayList<>(List.of(state.value(), ruleId, userId));
		fields.forEach((name, value) -> {
			args.add(name);
			args.add((value != null) ? value : "");
		});
		String result = this.redis.execute(DECIDE, List.of(keys.award(ruleId, userId), keys.counts(), keys.issuance()),
				args.toArray());
		if ("decided".equals(result)) {
			return new DecideResult(DecideResult.Kind.DECIDED, null);
		}
		String previous = result.substring(result.indexOf(':') + 1);
		return new DecideResult(result.startsWith("promoted") ? DecideResult.Kind.PROMOTED : DecideResult.Kind.EXISTS,
				AwardState.of(previous));
	}

	public Map<String, String> award(String institution, String ruleId, String userId) {
		Map<Object, Object> entries = this.redis.opsForHash().entries(keys(institution).award(ruleId, userId));
		Map<String, String> award = new LinkedHashMap<>();
		entries.forEach((key, value) -> award.put((String) key, (String) value));
		return award;
	}

	public long countPostAttempt(String institution, String ruleId, String userId) {
		return this.redis.opsForHash().increment(keys(institution).award(ruleId, userId), "attempts", 1);
	}

	public long countFailure(String institution, String ruleId, String userId) {
		return this.redis.opsForHash().increment(keys(institution).award(ruleId, userId), "failures", 1);
	}

	public void markIssued(String institution, String ruleId, String userId, String streamEntry, String assertionId,
			String issuedBy) {
		AwardKeys keys = keys(institution);
		this.redis.execute(MARK_ISSUED, List.of(keys.award(ruleId, userId), keys.counts(), keys.issuance()),
				AwardKeys.GROUP, nullToEmpty(streamEntry), assertionId, Instant.now().toString(), issuedBy);
	}

	public void retryLater(String institution, String ruleId, String userId, String streamEntry, Instant at,
			String error) {
		AwardKeys keys = keys(institution);
		this.redis.execute(RETRY_LATER, List.of(keys.award(ruleId, userId), keys.retries(), keys.issuance()),
				AwardKeys.GROUP, nullToEmpty(streamEntry), Long.toString(at.toEpochMilli()), error);
	}

	public void deadLetter(String institution, String ruleId, String userId, String streamEntry, String reason) {
		AwardKeys keys = keys(institution);
		this.redis.execute(DEAD_LETTER,
				List.of(keys.award(ruleId, userId), keys.counts(), keys.issuance(), keys.dead()), AwardKeys.GROUP,
				nullToEmpty(streamEntry), reason, ruleId, userId, Instant.now().toString());
	}

	/** Stops the institution's issuing for {@code duration} and parks this job until then. */
	public void pause(String institution, String ruleId, String userId, String streamEntry, String reason,
			Duration duration) {
		AwardKeys keys = keys(institution);
		Instant resumeAt = Instant.now().plus(duration);
		this.redis.execute(PAUSE,
				List.of(keys.award(ruleId, userId), keys.retries(), keys.issuance(), keys.paused()), AwardKeys.GROUP,
				nullToEmpty(streamEntry), reason, Long.toString(duration.toMillis()),
				Long.toString(resumeAt.toEpochMilli()));
	}

	public Optional<String> pausedReason(String institution) {
		return Optional.ofNullable(this.redis.opsForValue().get(keys(institution).paused()));
	}

	public Optional<Duration> pausedFor(String institution) {
		Long millis = this.redis.getExpire(keys(institution).paused(), java.util.concurrent.TimeUnit.MILLISECONDS);
		return (millis != null && millis > 0) ? Optional.of(Duration.ofMillis(millis)) : Optional.empty();
	}

	/** Lifts a pause and makes the parked jobs due now. */
	public void resume(String institution) {
		AwardKeys keys = keys(institution);
		this.redis.delete(keys.paused());
		Long parked = this.redis.opsForZSet().zCard(keys.retries());
		if (parked != null && parked > 0) {
			this.redis.opsForZSet()
				.rangeWithScores(keys.retries(), 0, -1)
				.forEach((entry) -> this.redis.opsForZSet().add(keys.retries(), entry.getValue(), 0));
		}
	}

	/** Moves jobs whose retry time has come back into the issuance stream. */
	public long moveDueRetries(String institution, int limit) {
		AwardKeys keys = keys(institution);
		Long moved = this.redis.execute(MOVE_DUE_RETRIES, List.of(keys.retries(), keys.issuance()),
				Long.toString(Instant.now().toEpochMilli()), Integer.toString(limit));
		return (moved != null) ? moved : 0;
	}

	/** Takes over jobs another worker has held longer than {@code minIdle}: (entry, rule, user) triples. */
	public List<StreamJob> reclaim(String institution, String consumer, Duration minIdle, int count) {
		AwardKeys keys = keys(institution);
		@SuppressWarnings("unchecked")
		List<Object> flat = this.redis.execute(RECLAIM, List.of(keys.issuance()), AwardKeys.GROUP, consumer,
				Long.toString(minIdle.toMillis()), Integer.toString(count));
		List<StreamJob> jobs = new ArrayList<>();
		if (flat != null) {
			for (int i = 0; i + 2 < flat.size(); i += 3) {
				jobs.add(new StreamJob(institution, (String) flat.get(i), (String) flat.get(i + 1),
						(String) flat.get(i + 2), true));
			}
		}
		return jobs;
	}

	/**
	 * The users for whom at least one of the rules has not settled yet: no decision, or one
	 * parked for a missing e-mail or by dry-run. Pollers skip the others.
	 */
	public java.util.Set<String> usersStillOpen(String institution, java.util.Collection<String> ruleIds,
			java.util.Collection<String> userIds) {
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
				if (state == null || AwardState.PENDING_IDENTITY.value().equals(state)
						|| AwardState.DRY_RUN.value().equals(state)) {
					open.add(users.get(u));
					break;
				}
			}
		}
		return open;
	}

	/** Acknowledges a job that needs no work (its award is no longer pending). */
	public void acknowledge(String institution, String streamEntry) {
		AwardKeys keys = keys(institution);
		this.redis.opsForStream().acknowledge(keys.issuance(), AwardKeys.GROUP, streamEntry);
		this.redis.opsForStream().delete(keys.issuance(), streamEntry);
	}

	public String replay(String institution, String ruleId, String userId) {
		AwardKeys keys = keys(institution);
		return this.redis.execute(REPLAY,
				List.of(keys.award(ruleId, userId), keys.counts(), keys.issuance(), keys.dead()),
				Instant.now().toString());
	}

	public String discard(String institution, String ruleId, String userId) {
		AwardKeys keys = keys(institution);
		return this.redis.execute(DISCARD, List.of(keys.award(ruleId, userId), keys.counts(), keys.dead()),
				Instant.now().toString());
	}

	public Map<String, Long> counts(String institution) {
		Map<String, Long> counts = new LinkedHashMap<>();
		for (AwardState state : AwardState.values()) {
			counts.put(state.value(), 0L);
		}
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

	private static String nullToEmpty(String value) {
		return (value != null) ? value : "";
	}

	/** The result of {@link #decide}. */
	public record DecideResult(Kind kind, AwardState previous) {

		/** What happened. */
		public enum Kind {

			/** A new decision was recorded. */
			DECIDED,
			/** A parked decision moved on (identity appeared, dry-run off). */
			PROMOTED,
			/** The rule had already fired for the learner; nothing changed. */
			EXISTS

		}

	}

	/** A job read from (or reclaimed in) an issuance stream. */
	public record StreamJob(String institution, String entry, String ruleId, String userId, boolean redelivered) {
	}

}

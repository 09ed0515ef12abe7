package org.oeb.bridge.common.issuance;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.oeb.bridge.common.awards.AwardKeys;
import org.oeb.bridge.common.awards.AwardLedger;
import org.oeb.bridge.common.awards.LedgerScripts;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Reading and claiming an institution's issuance stream, and recording what became of a
 * claimed job. Claiming makes a worker the award's only owner: the claim script raises the
 * award's fence number and leases it to the worker, the worker's heartbeat renews the lease,
 * and an outcome is recorded only with the current fence. A worker whose lease ran out (it
 * died, or lost Redis) finds its outcome refused and must stop. Every call touches one
 * institution's keys only.
 */
class JobStream {

	private static final RedisScript<List> CLAIM = LedgerScripts.load("claim", List.class);

	private static final RedisScript<List> RENEW = LedgerScripts.load("renew", List.class);

	private static final RedisScript<String> POST = LedgerScripts.load("post", String.class);

	private static final RedisScript<String> OUTCOME = LedgerScripts.load("outcome", String.class);

	private final StringRedisTemplate redis;

	private final AwardLedger ledger;

	private final Duration lease;

	private final Map<String, String> takeoverCursors = new java.util.concurrent.ConcurrentHashMap<>();

	JobStream(StringRedisTemplate redis, AwardLedger ledger, Duration lease) {
		this.redis = redis;
		this.ledger = ledger;
		this.lease = lease;
	}

	/** Up to {@code count} new jobs, now owned by {@code consumer}; recreates a lost consumer group. */
	List<ClaimedJob> claimNew(String institution, String consumer, int count) {
		return claim(institution, consumer, count, "new", Duration.ZERO);
	}

	/**
	 * Up to {@code count} jobs whose worker has not renewed its claim for {@code silentFor};
	 * the scan goes on where the previous one of this stream stopped.
	 */
	List<ClaimedJob> takeOver(String institution, String consumer, int count, Duration silentFor) {
		return claim(institution, consumer, count, "takeover", silentFor);
	}

	private List<ClaimedJob> claim(String institution, String consumer, int count, String mode, Duration idle) {
		AwardKeys keys = this.ledger.keys(institution);
		String cursor = this.takeoverCursors.getOrDefault(institution, "0-0");
		List<?> reply = this.redis.execute(CLAIM,
				List.of(keys.issuance(), keys.epoch(), keys.swept(), keys.paused(), keys.retries()),
				AwardKeys.GROUP, consumer, Integer.toString(count), Long.toString(System.currentTimeMillis()),
				Long.toString(this.lease.toMillis()), keys.awardPrefix(), mode, Long.toString(idle.toMillis()), cursor);
		List<ClaimedJob> jobs = new ArrayList<>();
		if (reply == null || reply.size() < 3) {
			return jobs;
		}
		boolean verified = number(reply.get(0)) == 1;
		int jobCount = (int) number(reply.get(1));
		if ("takeover".equals(mode)) {
			this.takeoverCursors.put(institution, String.valueOf(reply.get(2)));
		}
		int at = 3;
		for (int i = 0; i < jobCount; i++) {
			String entry = String.valueOf(reply.get(at));
			long fence = number(reply.get(at + 1));
			boolean posted = number(reply.get(at + 2)) == 1;
			int fieldCount = (int) number(reply.get(at + 3));
			Map<String, String> award = new LinkedHashMap<>();
			for (int f = 0; f < fieldCount; f += 2) {
				award.put(String.valueOf(reply.get(at + 4 + f)), String.valueOf(reply.get(at + 5 + f)));
			}
			at += 4 + fieldCount;
			// decided while the ledger was incomplete: looked up as if the ledger were still lost
			boolean awardVerified = verified && !award.containsKey("unverified");
			jobs.add(new ClaimedJob(institution, entry, fence, posted, awardVerified, Map.copyOf(award)));
		}
		return jobs;
	}

	/**
	 * Renews the claims {@code consumer} holds on {@code jobs} (all of one institution) and
	 * returns the entries it no longer owns.
	 */
	Set<String> renew(String institution, String consumer, Collection<ClaimedJob> jobs) {
		if (jobs.isEmpty()) {
			return Set.of();
		}
		AwardKeys keys = this.ledger.keys(institution);
		List<String> scriptKeys = new ArrayList<>(List.of(keys.issuance()));
		List<String> args = new ArrayList<>(List.of(AwardKeys.GROUP, consumer,
				Long.toString(System.currentTimeMillis() + this.lease.toMillis())));
		for (ClaimedJob job : jobs) {
			scriptKeys.add(keys.award(job.ruleId(), job.userId()));
			args.add(job.entry());
			args.add(Long.toString(job.fence()));
		}
		List<?> lost = this.redis.execute(RENEW, scriptKeys, args.toArray());
		return (lost != null) ? Set.copyOf(lost.stream().map(String::valueOf).toList()) : Set.of();
	}

	/** Records the POST about to be sent; false when the worker no longer owns the award. */
	boolean beforePost(ClaimedJob job, String consumer) {
		AwardKeys keys = this.ledger.keys(job.institution());
		return "ok".equals(this.redis.execute(POST, List.of(keys.award(job.ruleId(), job.userId())), consumer,
				Long.toString(job.fence()), Long.toString(System.currentTimeMillis())));
	}

	/**
	 * Records a verdict and acknowledges the job; false when the worker no longer owns the
	 * award. {@code fate} says what became of the attempt's POST, for the next look-up's wait.
	 */
	boolean record(ClaimedJob job, String consumer, Verdict verdict, PostFate fate, Instant now) {
		AwardKeys keys = this.ledger.keys(job.institution());
		List<String> args = new ArrayList<>(List.of("", consumer, Long.toString(job.fence()), AwardKeys.GROUP,
				Long.toString(now.toEpochMilli()), now.toString(), fate.value()));
		if (verdict instanceof Verdict.Issued issued) {
			args.set(0, "issued");
			args.addAll(List.of(issued.assertionId(), issued.how(), issued.revoked() ? "revoked" : "issued"));
		}
		else if (verdict instanceof Verdict.RetryAt retry) {
			args.set(0, "retry");
			args.addAll(List.of(Long.toString(retry.at().toEpochMilli()), retry.reason(),
					retry.countsAsFailure() ? "1" : "0"));
		}
		else if (verdict instanceof Verdict.DeadLetter dead) {
			args.set(0, "dead");
			args.add(dead.reason());
		}
		else if (verdict instanceof Verdict.Pause pause) {
			args.set(0, "pause");
			args.addAll(List.of(pause.reason(), Long.toString(pause.duration().toMillis()),
					Long.toString(now.plus(pause.duration()).toEpochMilli())));
		}
		else if (verdict instanceof Verdict.Release) {
			args.set(0, "release");
		}
		else {
			throw new IllegalArgumentException("not an outcome to record: " + verdict);
		}
		return "ok".equals(this.redis.execute(OUTCOME,
				List.of(keys.award(job.ruleId(), job.userId()), keys.counts(), keys.issuance(), keys.retries(),
						keys.dead(), keys.paused(), keys.assertions(), keys.foreign()),
				args.toArray()));
	}

	private static long number(Object value) {
		return (value instanceof Number number) ? number.longValue() : Long.parseLong(String.valueOf(value));
	}


	/** What became of an attempt's POST. */
	enum PostFate {

		/** No POST in this attempt, or it succeeded. */
		NONE("none"),
		/** Answered "not processed" (429, 503, 408, 401/403, 402, a 4xx refusal), or never sent. */
		UNSENT("unsent"),
		/** OEB may still store it (timeout, reset, 500, 502, 504). */
		AMBIGUOUS("ambiguous");

		private final String value;

		PostFate(String value) {
			this.value = value;
		}

		String value() {
			return this.value;
		}

	}

}

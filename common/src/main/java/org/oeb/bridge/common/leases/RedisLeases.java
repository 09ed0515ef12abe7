package org.oeb.bridge.common.leases;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * One replica at a time per key (a course's poll cycle, an institution's catalog apply): a lease
 * in Redis, renewed while the work runs, released compare-and-delete at its end. A replica that
 * dies stops renewing, and its lease lapses after the timeout.
 */
public class RedisLeases {

	private static final RedisScript<Long> RENEW = RedisScript.of(
			"if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end",
			Long.class);

	private static final RedisScript<Long> RELEASE = RedisScript.of(
			"if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
			Long.class);

	private final StringRedisTemplate redis;

	private final String replica = UUID.randomUUID().toString();

	private final ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "lease-renewal");
		thread.setDaemon(true);
		return thread;
	});

	public RedisLeases(StringRedisTemplate redis) {
		this.redis = redis;
	}

	/** The lease, or {@code null} when another replica holds it. */
	public Lease acquire(String key, Duration timeout) {
		if (!Boolean.TRUE.equals(this.redis.opsForValue().setIfAbsent(key, this.replica, timeout))) {
			return null;
		}
		Lease lease = new Lease(key, timeout);
		long every = Math.max(1, timeout.toMillis() / 3);
		lease.renewal = this.renewals.scheduleWithFixedDelay(lease::renew, every, every, TimeUnit.MILLISECONDS);
		return lease;
	}

	public void stop() {
		this.renewals.shutdownNow();
	}

	/** A held lease; closing it releases it. */
	public final class Lease implements AutoCloseable {

		private final String key;

		private final Duration timeout;

		private volatile ScheduledFuture<?> renewal;

		private volatile boolean lost;

		private Lease(String key, Duration timeout) {
			this.key = key;
			this.timeout = timeout;
		}

		private void renew() {
			try {
				Long renewed = RedisLeases.this.redis.execute(RENEW, List.of(this.key), RedisLeases.this.replica,
						Long.toString(this.timeout.toMillis()));
				if (renewed == null || renewed == 0) {
					this.lost = true;
					this.renewal.cancel(false);
				}
			}
			catch (RuntimeException ex) {
				// Redis unreachable for a moment: the next renewal tries again before the lease lapses
			}
		}

		/** True when the lease lapsed while the work ran (another replica may have taken it). */
		public boolean lost() {
			return this.lost;
		}

		@Override
		public void close() {
			if (this.renewal != null) {
				this.renewal.cancel(false);
			}
			RedisLeases.this.redis.execute(RELEASE, List.of(this.key), RedisLeases.this.replica);
		}

	}

}

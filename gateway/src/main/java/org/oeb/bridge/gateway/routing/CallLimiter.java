package org.oeb.bridge.gateway.routing;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * A non-blocking semaphore for one institution's upstream calls: a call over the limit waits
 * in line for at most {@code maxWait}, then fails with {@link LimitExceeded}.
 */
final class CallLimiter {

	private final int limit;

	private final Duration maxWait;

	private final Deque<Waiter> waiting = new ArrayDeque<>();

	private int inUse;

	CallLimiter(int limit, Duration maxWait) {
		this.limit = limit;
		this.maxWait = maxWait;
	}

	/** A permit, as the action that gives it back; calling it twice gives it back once. */
	Mono<Runnable> acquire() {
		// a free slot is handed out at once: no sink and no timer for the common case
		return Mono.defer(() -> {
			synchronized (this) {
				if (this.inUse < this.limit && this.waiting.isEmpty()) {
					this.inUse++;
					return Mono.just(permit());
				}
			}
			return waitForSlot();
		});
	}

	private Mono<Runnable> waitForSlot() {
		return Mono.<Runnable>create((sink) -> {
			Waiter waiter = new Waiter(sink);
			synchronized (this) {
				if (this.inUse < this.limit) {
					this.inUse++;
					waiter.claimed.set(true);
				}
				else {
					this.waiting.addLast(waiter);
				}
			}
			if (waiter.claimed.get()) {
				sink.success(permit());
				return;
			}
			sink.onCancel(() -> {
				if (waiter.claimed.compareAndSet(false, true)) {
					synchronized (this) {
						this.waiting.remove(waiter);
					}
				}
				else {
					// the permit was handed over just as the caller gave up: give it back
					release();
				}
			});
		})
			.timeout(this.maxWait)
			.onErrorMap(TimeoutException.class, (ex) -> new LimitExceeded());
	}

	synchronized int inUse() {
		return this.inUse;
	}

	private Runnable permit() {
		AtomicBoolean released = new AtomicBoolean();
		return () -> {
			if (released.compareAndSet(false, true)) {
				release();
			}
		};
	}

	private void release() {
		while (true) {
			Waiter next;
			synchronized (this) {
				next = this.waiting.pollFirst();
				if (next == null) {
					this.inUse--;
					return;
				}
			}
			if (next.claimed.compareAndSet(false, true)) {
				next.sink.success(permit());
				return;
			}
		}
	}

	private static final class Waiter {

		private final MonoSink<Runnable> sink;

		private final AtomicBoolean claimed = new AtomicBoolean();

		private Waiter(MonoSink<Runnable> sink) {
			this.sink = sink;
		}

	}

	/** The call waited its maximum without getting a slot. */
	static final class LimitExceeded extends RuntimeException {

		LimitExceeded() {
			super("concurrency limit reached", null, false, false);
		}

	}

}

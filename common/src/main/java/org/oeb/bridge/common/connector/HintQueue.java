package org.oeb.bridge.common.connector;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.DisposableBean;

/**
 * What every webhook receiver hands its hints to. Runs the re-read a hint asks for, in the background and at once; a hint that is already
 * waiting for the same learner and course is not queued twice, and at most
 * {@code max-queued-hints} wait at once. Hints are not stored: losing one costs only latency,
 * the next poll reads the same state.
 */
public class HintQueue implements DisposableBean {

	private final Reread reread;

	private final MeterRegistry meters;

	private final int capacity;

	private final Set<String> waiting = ConcurrentHashMap.newKeySet();

	private final ExecutorService executor = Executors.newFixedThreadPool(2, (task) -> {
		Thread thread = new Thread(task, "connector-hints");
		thread.setDaemon(true);
		return thread;
	});

	private final String lms;

	public HintQueue(String lms, Reread reread, MeterRegistry meters, int capacity) {
		this.lms = lms;
		this.reread = reread;
		this.meters = meters;
		this.capacity = capacity;
	}

	/** Queues the re-read; false when the queue is full (the caller answers 429). */
	public boolean submit(String institution, String course, String userId, String event) {
		this.meters.counter("bridge.connector.hints", "lms", this.lms, "institution", institution, "event", event)
			.increment();
		String key = institution + "/" + course + "/" + userId;
		if (this.waiting.contains(key)) {
			return true;
		}
		synchronized (this.waiting) {
			if (this.waiting.size() >= this.capacity) {
				this.meters.counter("bridge.connector.hints.refused", "lms", this.lms, "institution", institution)
					.increment();
				return false;
			}
			if (!this.waiting.add(key)) {
				return true;
			}
		}
		java.time.Instant arrivedAt = java.time.Instant.now();
		this.executor.execute(() -> {
			this.waiting.remove(key);
			this.reread.reread(institution, course, userId, arrivedAt);
		});
		return true;
	}

	@Override
	public void destroy() {
		this.executor.shutdownNow();
	}

	/** What a hint asks for: read one learner in one course again. */
	@FunctionalInterface
	public interface Reread {

		void reread(String institution, String course, String userId, java.time.Instant arrivedAt);

	}

}

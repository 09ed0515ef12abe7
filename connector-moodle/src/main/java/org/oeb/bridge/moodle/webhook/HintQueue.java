package org.oeb.bridge.moodle.webhook;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.micrometer.core.instrument.MeterRegistry;
import org.oeb.bridge.moodle.poll.CoursePoller;

import org.springframework.beans.factory.DisposableBean;

/**
 * Runs the re-read a hint asks for, in the background and at once; a hint that is already
 * waiting for the same learner and course is not queued twice. Hints are not stored: losing
 * one costs only latency, the next poll reads the same state.
 */
public class HintQueue implements DisposableBean {

	private final CoursePoller poller;

	private final MeterRegistry meters;

	private final Set<String> waiting = ConcurrentHashMap.newKeySet();

	private final ExecutorService executor = Executors.newFixedThreadPool(2, (task) -> {
		Thread thread = new Thread(task, "moodle-hints");
		thread.setDaemon(true);
		return thread;
	});

	public HintQueue(CoursePoller poller, MeterRegistry meters) {
		this.poller = poller;
		this.meters = meters;
	}

	void submit(String institution, String course, String userId, String event) {
		this.meters.counter("bridge.moodle.hints", "institution", institution, "event", event).increment();
		String key = institution + "/" + course + "/" + userId;
		if (!this.waiting.add(key)) {
			return;
		}
		this.executor.execute(() -> {
			this.waiting.remove(key);
			this.poller.reread(institution, course, userId);
		});
	}

	@Override
	public void destroy() {
		this.executor.shutdownNow();
	}

}

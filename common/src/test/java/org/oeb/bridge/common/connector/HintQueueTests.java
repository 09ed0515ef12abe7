package org.oeb.bridge.common.connector;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The hint queue is bounded and never queues the same learner twice. */
class HintQueueTests {

	@Test
	void aFullQueueRefusesNewHintsButAcceptsOnesAlreadyWaitingAndEmptiesAsReReadsFinish() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch bothThreadsBusy = new CountDownLatch(2);
		List<String> reread = new CopyOnWriteArrayList<>();
		HintQueue queue = new HintQueue("moodle", (institution, course, user, arrivedAt) -> {
			bothThreadsBusy.countDown();
			try {
				release.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			reread.add(course + "/" + user);
		}, new SimpleMeterRegistry(), 3);
		try {
			assertThat(queue.submit("uni-a", "42", "1", "course_completed")).isTrue();
			assertThat(queue.submit("uni-a", "42", "2", "course_completed")).isTrue();
			assertThat(queue.submit("uni-a", "42", "3", "course_completed")).isTrue();
			assertThat(bothThreadsBusy.await(10, TimeUnit.SECONDS)).isTrue();
			// the two threads took hints 1 and 2; hint 3 waits, and so do the next ones up to the bound
			assertThat(queue.submit("uni-a", "42", "4", "course_completed")).isTrue();
			assertThat(queue.submit("uni-a", "42", "5", "course_completed")).isTrue();
			assertThat(queue.submit("uni-a", "42", "6", "course_completed")).isFalse();
			assertThat(queue.submit("uni-a", "42", "5", "user_graded")).as("already waiting").isTrue();

			release.countDown();
			org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> reread.size() == 5);
			assertThat(reread).doesNotContain("42/6").containsOnlyOnce("42/5");
			assertThat(queue.submit("uni-a", "42", "6", "course_completed")).isTrue();
		}
		finally {
			queue.destroy();
		}
	}

}

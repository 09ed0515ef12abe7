package org.oeb.bridge.common.connector;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.oeb.bridge.common.connector.CourseRead.RosterEntry;

import static org.assertj.core.api.Assertions.assertThat;

/** The rolling re-check reads every open learner within the bound, a slice per cycle. */
class RecheckSliceTests {

	private static final Instant START = Instant.parse("2026-12-01T00:00:00Z");

	@Test
	void eachCycleReadsTheCeilingOfOpenTimesIntervalOverBoundTheLongestUnreadFirst() {
		List<RosterEntry> learners = learners(100);
		Map<Object, Object> readAt = new HashMap<>();
		for (int i = 0; i < 100; i++) {
			readAt.put(learners.get(i).userId(), Long.toString(START.getEpochSecond() + i));
		}

		List<RosterEntry> slice = CoursePoller.recheckSlice(learners, readAt, 100,
				settings(Duration.ofMinutes(5), Duration.ofHours(1)), START.plusSeconds(200));

		// ⌈100 × 5 min ÷ 60 min⌉ = 9
		assertThat(slice).extracting(RosterEntry::userId).containsExactly("u0", "u1", "u2", "u3", "u4", "u5", "u6",
				"u7", "u8");
	}

	@Test
	void overManyCyclesNoOpenLearnerWaitsLongerThanTheBound() {
		List<RosterEntry> learners = learners(1000);
		Map<Object, Object> readAt = new HashMap<>();
		// everyone read in the same first cycle: the worst start
		learners.forEach((learner) -> readAt.put(learner.userId(), Long.toString(START.getEpochSecond())));
		PollSettings settings = settings(Duration.ofMinutes(5), Duration.ofHours(2));
		long bound = settings.recheckWithin().toSeconds();
		int largest = 0;
		for (int cycle = 1; cycle <= 200; cycle++) {
			Instant now = START.plus(settings.pollInterval().multipliedBy(cycle));
			List<RosterEntry> slice = CoursePoller.recheckSlice(learners, readAt, learners.size(), settings, now);
			largest = Math.max(largest, slice.size());
			slice.forEach((learner) -> readAt.put(learner.userId(), Long.toString(now.getEpochSecond())));
			for (RosterEntry learner : learners) {
				long waited = now.getEpochSecond() - Long.parseLong(readAt.get(learner.userId()).toString());
				assertThat(waited).as("cycle %d, %s", cycle, learner.userId()).isLessThanOrEqualTo(bound);
			}
		}
		// ⌈1000 × 5 ÷ 120⌉ = 42 per cycle once spread out; the first round may take more
		assertThat(largest).isLessThanOrEqualTo(1000);
		Instant later = START.plus(settings.pollInterval().multipliedBy(201));
		assertThat(CoursePoller.recheckSlice(learners, readAt, learners.size(), settings, later)).hasSize(42);
	}

	@Test
	void learnersNeverReadComeFirstAndZeroTurnsItOff() {
		List<RosterEntry> learners = learners(10);
		Map<Object, Object> readAt = new HashMap<>();
		learners.subList(0, 9).forEach((learner) -> readAt.put(learner.userId(), Long.toString(START.getEpochSecond())));

		assertThat(CoursePoller.recheckSlice(learners, readAt, 10, settings(Duration.ofMinutes(5), Duration.ofHours(1)),
				START.plusSeconds(60)))
			.extracting(RosterEntry::userId)
			.first()
			.isEqualTo("u9");
		assertThat(CoursePoller.recheckSlice(learners, readAt, 10, settings(Duration.ofMinutes(5), Duration.ZERO),
				START.plusSeconds(60 * 60 * 24))).isEmpty();
	}

	@Test
	void aBoundOfOnePollIntervalReadsEveryOpenLearnerEveryCycle() {
		List<RosterEntry> learners = learners(7);
		Set<String> read = new HashSet<>();
		CoursePoller.recheckSlice(learners, Map.of(), 7, settings(Duration.ofMinutes(5), Duration.ofMinutes(5)),
				START)
			.forEach((learner) -> read.add(learner.userId()));
		assertThat(read).hasSize(7);
	}

	private static PollSettings settings(Duration interval, Duration within) {
		return new PollSettings(interval, "0 30 2 * * *", Duration.ofMinutes(2), within, 4);
	}

	private static List<RosterEntry> learners(int count) {
		List<RosterEntry> learners = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			learners.add(new RosterEntry("u" + i, "u" + i + "@uni.example", "U " + i, "Course"));
		}
		return learners;
	}

}

package org.oeb.bridge.common.rules;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A condition that holds: when it was achieved (by the LMS's clock, not when it was seen) and
 * the evidence that shows it. {@code timeObserved} when the LMS gave no time and the time the
 * bridge saw it stands in (such a time says nothing about whether it was achieved again).
 */
public record Achievement(Instant achievedAt, List<Evidence> evidence, boolean timeObserved) {

	public Achievement {
		evidence = List.copyOf(evidence);
	}

	public Achievement(Instant achievedAt, List<Evidence> evidence) {
		this(achievedAt, evidence, false);
	}

	/** This achievement, marked as timed by observation when {@code observed}. */
	Achievement observedIf(boolean observed) {
		return new Achievement(this.achievedAt, this.evidence, this.timeObserved || observed);
	}

	static Achievement of(Instant achievedAt, URI url, String narrative) {
		return new Achievement(achievedAt, List.of(new Evidence(url, narrative)));
	}

	static List<Evidence> evidenceOf(Collection<Achievement> achievements) {
		List<Evidence> evidence = new ArrayList<>();
		achievements.forEach((achievement) -> evidence.addAll(achievement.evidence()));
		return evidence;
	}

	/** One evidence item as OEB takes it: a link into the LMS and a sentence. */
	public record Evidence(URI url, String narrative) {
	}

}

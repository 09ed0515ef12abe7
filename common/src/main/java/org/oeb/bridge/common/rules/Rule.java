package org.oeb.bridge.common.rules;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.oeb.bridge.common.progress.LearnerProgress;

/**
 * An award rule: when its condition holds (within the optional achievement-date window), the
 * learner earns the OEB badge class.
 *
 * @param id stable id; a rule fires once per (institution, id, LMS user id)
 * @param badgeClass OEB badge-class entityId
 * @param condition what must hold
 * @param notifyLearner whether OEB mails the learner (OEB mails a first-ever award anyway)
 * @param notBefore achievements before this time do not count ({@code null}: no bound)
 * @param notAfter achievements after this time do not count ({@code null}: no bound)
 */
public record Rule(String id, String badgeClass, Condition condition, boolean notifyLearner, Instant notBefore,
		Instant notAfter) {

	public Optional<Achievement> evaluate(Map<String, LearnerProgress> courses) {
		return this.condition.evaluate(courses).filter(this::withinWindow);
	}

	private boolean withinWindow(Achievement achievement) {
		Instant at = achievement.achievedAt();
		return (this.notBefore == null || !at.isBefore(this.notBefore))
				&& (this.notAfter == null || !at.isAfter(this.notAfter));
	}

}

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
 * @param badgeClass OEB badge-class entityId, or {@code null} when {@code badge} names it
 * @param condition what must hold
 * @param notifyLearner whether OEB mails the learner (OEB mails a first-ever award anyway)
 * @param notBefore achievements before this time do not count ({@code null}: no bound)
 * @param notAfter achievements after this time do not count ({@code null}: no bound)
 * @param loss what happens when the condition no longer holds for a learner who holds the badge
 * @param reEarnable whether a learner whose award was revoked or expired earns it again with a
 * later achievement
 * @param badge the badge-catalog key of the badge class, or {@code null} when {@code badgeClass}
 * names it
 */
public record Rule(String id, String badgeClass, Condition condition, boolean notifyLearner, Instant notBefore,
		Instant notAfter, Loss loss, boolean reEarnable, String badge) {

	public Rule(String id, String badgeClass, Condition condition, boolean notifyLearner, Instant notBefore,
			Instant notAfter, Loss loss, boolean reEarnable) {
		this(id, badgeClass, condition, notifyLearner, notBefore, notAfter, loss, reEarnable, null);
	}

	/** The rule's defaults: a lost achievement keeps the badge, and it is earned once. */
	public Rule(String id, String badgeClass, Condition condition, boolean notifyLearner, Instant notBefore,
			Instant notAfter) {
		this(id, badgeClass, condition, notifyLearner, notBefore, notAfter, Loss.KEEP, false);
	}

	public Rule {
		loss = (loss != null) ? loss : Loss.KEEP;
	}

	public boolean revokesWhenLost() {
		return this.loss.revoke();
	}

	public Optional<Achievement> evaluate(Map<String, LearnerProgress> courses) {
		return this.condition.evaluate(courses).filter(this::withinWindow);
	}

	private boolean withinWindow(Achievement achievement) {
		Instant at = achievement.achievedAt();
		return (this.notBefore == null || !at.isBefore(this.notBefore))
				&& (this.notAfter == null || !at.isAfter(this.notAfter));
	}

	/**
	 * What happens when the condition no longer holds (a grade withdrawn, a completion reset).
	 *
	 * @param revoke revoke the badge in OEB
	 * @param gracePeriod how long the condition must stay lost before the badge is revoked
	 * @param reason the revocation reason OEB shows
	 */
	public record Loss(boolean revoke, java.time.Duration gracePeriod, String reason) {

		/** Keep the badge. */
		public static final Loss KEEP = new Loss(false, java.time.Duration.ZERO, null);

	}

}

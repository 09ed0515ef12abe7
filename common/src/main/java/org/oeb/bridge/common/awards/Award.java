package org.oeb.bridge.common.awards;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One award as the ledger holds it: who gets which badge class for what. The names of its
 * fields in the ledger's Redis hash (read and written by the Lua scripts) appear here and in
 * the scripts only.
 *
 * @param ruleId the rule that was met
 * @param userId the LMS user id
 * @param badgeClass OEB's badge class entity id
 * @param email the recipient's e-mail, empty while the LMS hides it
 * @param name the learner's name for the certificate, may be empty
 * @param notifyLearner whether OEB mails the learner
 * @param lms the LMS the achievement was read from
 * @param course the LMS course id
 * @param achievedAt when the learner met the rule
 * @param decidedAt when the bridge decided the award
 * @param evidence the evidence items as a JSON array
 */
public record Award(String ruleId, String userId, String badgeClass, String email, String name, boolean notifyLearner,
		String lms, String course, Instant achievedAt, Instant decidedAt, String evidence) {

	public Award {
		email = (email != null) ? email : "";
		name = (name != null) ? name : "";
		evidence = (evidence != null && !evidence.isEmpty()) ? evidence : "[]";
	}

	/** The award from the ledger's hash fields; fields it does not know are ignored. */
	public static Award fromLedger(Map<String, String> fields) {
		return new Award(fields.get("rule"), fields.get("user"), fields.getOrDefault("badgeClass", ""),
				fields.get("email"), fields.get("name"), Boolean.parseBoolean(fields.getOrDefault("notify", "true")),
				fields.getOrDefault("lms", ""), fields.getOrDefault("course", ""), instant(fields.get("achievedAt")),
				instant(fields.get("decidedAt")), fields.get("evidence"));
	}

	/** The fields the DECIDE script stores in the award's hash. */
	Map<String, String> ledgerFields() {
		Map<String, String> fields = new LinkedHashMap<>();
		fields.put("rule", this.ruleId);
		fields.put("user", this.userId);
		fields.put("badgeClass", this.badgeClass);
		fields.put("email", this.email);
		fields.put("name", this.name);
		fields.put("notify", Boolean.toString(this.notifyLearner));
		fields.put("lms", (this.lms != null) ? this.lms : "");
		fields.put("course", (this.course != null) ? this.course : "");
		fields.put("achievedAt", (this.achievedAt != null) ? this.achievedAt.toString() : "");
		fields.put("decidedAt", (this.decidedAt != null) ? this.decidedAt.toString() : "");
		fields.put("evidence", this.evidence);
		return fields;
	}

	private static Instant instant(String value) {
		try {
			return (value == null || value.isEmpty()) ? null : Instant.parse(value);
		}
		catch (java.time.format.DateTimeParseException ex) {
			return null;
		}
	}

	@Override
	public String toString() {
		return "Award[rule=" + this.ruleId + ", user=" + this.userId + ", badgeClass=" + this.badgeClass + "]";
	}

}

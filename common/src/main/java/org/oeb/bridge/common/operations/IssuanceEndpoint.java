package org.oeb.bridge.common.operations;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.oeb.bridge.common.awards.AwardEngine;
import org.oeb.bridge.common.awards.AwardLedger;
import org.oeb.bridge.common.awards.AwardState;
import org.oeb.bridge.common.awards.AwardsProperties;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * {@code /actuator/issuance}: per institution the awards by state (with revoked, expired and
 * foreign ones from OEB's change feed), the newest dead letters with their reasons, the
 * learners waiting for an e-mail, and revoked awards with their reasons; {@code POST} replays or
 * discards a dead letter, or resumes a paused institution. E-mail addresses are masked.
 */
@Endpoint(id = "issuance")
public class IssuanceEndpoint {

	private static final int LISTED = 20;

	private static final int BULK_LIMIT = 10_000;

	private static final Set<String> ACTIONS = Set.of("replay", "discard", "resume");

	private final AwardsProperties awards;

	private final AwardLedger ledger;

	private final AwardEngine engine;

	public IssuanceEndpoint(AwardsProperties awards, AwardLedger ledger, AwardEngine engine) {
		this.awards = awards;
		this.ledger = ledger;
		this.engine = engine;
	}

	@ReadOperation
	public Map<String, Object> institutions() {
		Map<String, Object> all = new LinkedHashMap<>();
		for (String institution : this.awards.institutions().keySet()) {
			Map<String, Object> summary = new LinkedHashMap<>();
			summary.put("dryRun", this.engine.isDryRun(institution));
			summary.put("paused", pauseOf(institution));
			summary.put("counts", this.ledger.counts(institution));
			summary.put("backlog", this.ledger.backlog(institution));
			all.put(institution, summary);
		}
		return all;
	}

	@ReadOperation
	public WebEndpointResponse<Map<String, Object>> institution(@Selector String institution) {
		if (!this.awards.institutions().containsKey(institution)) {
			return new WebEndpointResponse<>(Map.of("error", "unknown institution '" + institution + "'"), 404);
		}
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("dryRun", this.engine.isDryRun(institution));
		details.put("paused", pauseOf(institution));
		details.put("counts", this.ledger.counts(institution));
		details.put("backlog", this.ledger.backlog(institution));
		details.put("lastFailures", this.ledger.deadLetters(institution, LISTED)
			.stream()
			.map((letter) -> masked(letter, List.of("entry", "rule", "user", "reason", "at")))
			.toList());
		details.put("pendingIdentity", this.ledger.inState(institution, AwardState.PENDING_IDENTITY, LISTED)
			.stream()
			.map((award) -> masked(award, List.of("rule", "user", "course", "decidedAt")))
			.toList());
		details.put("dryRunDecisions", this.ledger.inState(institution, AwardState.DRY_RUN, LISTED)
			.stream()
			.map((award) -> masked(award, List.of("rule", "user", "email", "course", "achievedAt")))
			.toList());
		details.put("revoked", this.ledger.inState(institution, AwardState.REVOKED, LISTED)
			.stream()
			.map((award) -> masked(award, List.of("rule", "user", "assertion", "revokedAt", "revocationReason",
					"revokedBy")))
			.toList());
		// in dry-run these are listed only: nothing is revoked
		details.put("revocationsScheduled", this.ledger.revocationsScheduled(institution, LISTED));
		return new WebEndpointResponse<>(details, 200);
	}

	/**
	 * {@code POST /actuator/issuance/{institution}} with {@code {"action": "replay" | "discard",
	 * "rule": "…", "user": "…"}} for one dead letter, {@code {"action": "replay" | "discard",
	 * "reason": "…"}} for every dead letter whose reason contains the text, or
	 * {@code {"action": "resume"}}. A replay re-decides from the newest observation of the
	 * learner and the rule's badge class today.
	 */
	@WriteOperation
	public WebEndpointResponse<Map<String, Object>> act(@Selector String institution, String action,
			@Nullable String rule, @Nullable String user, @Nullable String reason) {
		if (!this.awards.institutions().containsKey(institution)) {
			return answer(404, "unknown institution '" + institution + "'");
		}
		if (action == null || !ACTIONS.contains(action)) {
			return answer(400, "action must be one of " + ACTIONS);
		}
		if ("resume".equals(action)) {
			this.ledger.resume(institution);
			return answer(200, "issuing for '" + institution + "' resumed");
		}
		boolean one = rule != null && !rule.isBlank() && user != null && !user.isBlank();
		boolean byReason = reason != null && !reason.isBlank();
		if (one == byReason) {
			return answer(400, action + " needs either 'rule' and 'user' (one dead letter) or 'reason' (every dead "
					+ "letter whose reason contains it)");
		}
		if (byReason) {
			return bulk(institution, action, reason);
		}
		String result = apply(institution, action, rule, user);
		if ("replayed".equals(result) || "discarded".equals(result)) {
			return answer(200, "award of rule '" + rule + "' for user " + user + " " + result);
		}
		if ("missing".equals(result)) {
			return answer(404, "no award of rule '" + rule + "' for user " + user);
		}
		return answer(409, "the award is " + result + ", not dead; only dead letters can be replayed or discarded");
	}

	private WebEndpointResponse<Map<String, Object>> bulk(String institution, String action, String reason) {
		int done = 0;
		for (Map<String, String> letter : this.ledger.deadLetters(institution, BULK_LIMIT)) {
			String itsReason = letter.getOrDefault("reason", "");
			if (itsReason.contains(reason)) {
				String result = apply(institution, action, letter.get("rule"), letter.get("user"));
				if ("replayed".equals(result) || "discarded".equals(result)) {
					done++;
				}
			}
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("result", done + " dead letters " + ("replay".equals(action) ? "replayed" : "discarded"));
		body.put("count", done);
		return new WebEndpointResponse<>(body, 200);
	}

	private String apply(String institution, String action, String rule, String user) {
		if ("discard".equals(action)) {
			return this.ledger.discard(institution, rule, user);
		}
		// the class the rule issues today, as a decision would resolve it: its entityId, or the class its catalog
		// key was applied as; the stored one when the rule is gone or its key not applied
		String badgeClass = this.engine.rules(institution)
			.stream()
			.filter((candidate) -> candidate.id().equals(rule))
			.findFirst()
			.flatMap((candidate) -> this.engine.badgeClassOf(institution, candidate))
			.orElse(null);
		return this.ledger.replay(institution, rule, user, badgeClass);
	}

	private Map<String, Object> pauseOf(String institution) {
		return this.ledger.pausedReason(institution).<Map<String, Object>>map((reason) -> {
			Map<String, Object> pause = new LinkedHashMap<>();
			pause.put("reason", reason);
			this.ledger.pausedFor(institution).ifPresent((left) -> pause.put("resumesInSeconds", left.toSeconds()));
			return pause;
		}).orElse(null);
	}

	private static Map<String, String> masked(Map<String, String> source, List<String> fields) {
		Map<String, String> shown = new LinkedHashMap<>();
		for (String field : fields) {
			String value = source.get(field);
			if (value != null) {
				shown.put(field, "email".equals(field) ? maskEmail(value) : value);
			}
		}
		return shown;
	}

	/** {@code max.muster@example.org} becomes {@code m***@example.org}. */
	public static String maskEmail(String email) {
		int at = email.indexOf('@');
		if (at <= 0) {
			return email.isEmpty() ? "" : "***";
		}
		return email.charAt(0) + "***" + email.substring(at);
	}

	private static WebEndpointResponse<Map<String, Object>> answer(int status, String message) {
		return new WebEndpointResponse<>(Map.of((status < 300) ? "result" : "error", message), status);
	}

}

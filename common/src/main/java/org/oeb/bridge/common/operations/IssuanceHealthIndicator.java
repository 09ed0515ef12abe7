package org.oeb.bridge.common.operations;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.oeb.bridge.common.awards.AwardLedger;
import org.oeb.bridge.common.awards.AwardsProperties;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health component {@code issuance}: DOWN while an institution's issuing is paused (quota, a
 * refused connector key) or its issuance stream cannot be read, with the reason; also DOWN
 * when the ledger cannot be read at all.
 */
public class IssuanceHealthIndicator implements HealthIndicator {

	private final AwardsProperties awards;

	private final AwardLedger ledger;

	private final Supplier<Map<String, String>> unreadable;

	public IssuanceHealthIndicator(AwardsProperties awards, AwardLedger ledger,
			Supplier<Map<String, String>> unreadable) {
		this.awards = awards;
		this.ledger = ledger;
		this.unreadable = unreadable;
	}

	@Override
	public Health health() {
		Map<String, Object> institutions = new LinkedHashMap<>();
		boolean anyPaused = false;
		Map<String, String> unreadable = this.unreadable.get();
		for (String institution : this.awards.institutions().keySet()) {
			Map<String, Object> state = new LinkedHashMap<>();
			String readError = unreadable.get(institution);
			if (readError != null) {
				state.put("issuing", "stream unreadable");
				state.put("reason", readError);
				institutions.put(institution, state);
				anyPaused = true;
				continue;
			}
			var paused = this.ledger.pausedReason(institution);
			state.put("issuing", paused.isPresent() ? "paused" : "active");
			paused.ifPresent((reason) -> state.put("reason", reason));
			this.ledger.pausedFor(institution).ifPresent((left) -> state.put("resumesInSeconds", left.toSeconds()));
			state.put("ledger", this.ledger.verified(institution) ? "complete"
					: "lost or new: looking awards up before issuing until the next full sweep");
			Map<String, Long> counts = this.ledger.counts(institution);
			state.put("dead", counts.get("dead"));
			state.put("pendingIdentity", counts.get("pending-identity"));
			state.put("backlog", this.ledger.backlog(institution));
			institutions.put(institution, state);
			anyPaused |= paused.isPresent();
		}
		return (anyPaused ? Health.down() : Health.up()).withDetails(institutions).build();
	}

}

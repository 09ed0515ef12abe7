package org.oeb.bridge.common.operations;

import java.util.LinkedHashMap;
import java.util.Map;

import org.oeb.bridge.common.awards.AwardLedger;
import org.oeb.bridge.common.awards.AwardsProperties;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** Health component {@code issuance}: DOWN while an institution's issuing is paused (quota), with the reason. */
public class IssuanceHealthIndicator implements HealthIndicator {

	private final AwardsProperties awards;

	private final AwardLedger ledger;

	public IssuanceHealthIndicator(AwardsProperties awards, AwardLedger ledger) {
		this.awards = awards;
		this.ledger = ledger;
	}

	@Override
	public Health health() {
		Map<String, Object> institutions = new LinkedHashMap<>();
		boolean anyPaused = false;
		for (String institution : this.awards.institutions().keySet()) {
			Map<String, Object> state = new LinkedHashMap<>();
			var paused = this.ledger.pausedReason(institution);
			state.put("issuing", paused.isPresent() ? "paused" : "active");
			paused.ifPresent((reason) -> state.put("reason", reason));
			this.ledger.pausedFor(institution).ifPresent((left) -> state.put("resumesInSeconds", left.toSeconds()));
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

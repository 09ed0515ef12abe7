package org.oeb.bridge.common.issuance;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.oeb.bridge.common.issuance.OebIssuer.Match;
import org.oeb.bridge.common.issuance.OebIssuer.Outcome;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** Which of OEB's assertions a look-up counts as the award. */
class LookUpMatchTests {

	private static final String BADGE = "CourseBadge0000000000A";

	private static final Instant DECIDED = Instant.parse("2026-12-03T10:00:00Z");

	private static final Instant NOW = DECIDED.plusSeconds(600);

	private static final Match THIS_AWARD = Match.thisAward(DECIDED.minusSeconds(120), NOW);

	@Test
	void assertionOfThisBadgeToThisLearnerIssuedAfterTheDecisionIsTheAward() {
		assertThat(match(assertion("NEW", BADGE, " Ada@Uni-A.example ", DECIDED.plusSeconds(5), false, null),
				THIS_AWARD)).isEqualTo(new Outcome.Issued("NEW"));
	}

	@Test
	void issuedWithinTheClockSkewBeforeTheDecisionStillCounts() {
		assertThat(match(assertion("SKEW", BADGE, "ada@uni-a.example", DECIDED.minusSeconds(60), false, null),
				THIS_AWARD)).isEqualTo(new Outcome.Issued("SKEW"));
	}

	@Test
	void olderOrForeignAssertionsAreNotThisAward() {
		String older = assertion("OLD", BADGE, "ada@uni-a.example", DECIDED.minusSeconds(365L * 86400), false, null);
		String olderRevoked = assertion("ORV", BADGE, "ada@uni-a.example", DECIDED.minusSeconds(86400), true, null);
		String otherClass = assertion("CLS", "OtherBadge00000000000A", "ada@uni-a.example", DECIDED.plusSeconds(5),
				false, null);
		String otherLearner = assertion("LRN", BADGE, "grace@uni-a.example", DECIDED.plusSeconds(5), false, null);

		for (String foreign : new String[] { older, olderRevoked, otherClass, otherLearner }) {
			assertThat(match(foreign, THIS_AWARD)).as(foreign).isEqualTo(new Outcome.NotFound());
		}
		assertThat(match(older + "," + olderRevoked, THIS_AWARD)).isEqualTo(new Outcome.NotFound());
	}

	@Test
	void ourOwnAwardRevokedOrExpiredSinceItWasIssuedIsStillOursAndNotIssuedAgain() {
		String revoked = assertion("REV", BADGE, "ada@uni-a.example", DECIDED.plusSeconds(5), true, null);
		String expired = assertion("EXP", BADGE, "ada@uni-a.example", DECIDED.plusSeconds(5), false,
				NOW.minusSeconds(1));

		assertThat(match(revoked, THIS_AWARD)).isEqualTo(new Outcome.FoundRevoked("REV"));
		assertThat(match(expired, THIS_AWARD)).isEqualTo(new Outcome.Issued("EXP"));
		assertThat(match(revoked + "," + expired, THIS_AWARD)).isEqualTo(new Outcome.Issued("EXP"));
	}

	@Test
	void afterLostLedgerDataAnyEarlierAwardCountsAndARevokedOneIsReportedAsRevoked() {
		Match anyEver = Match.anyEver(NOW);
		String older = assertion("OLD", BADGE, "ada@uni-a.example", DECIDED.minusSeconds(365L * 86400), false, null);
		String revoked = assertion("REV", BADGE, "ada@uni-a.example", DECIDED.minusSeconds(86400), true, null);

		assertThat(match(older, anyEver)).isEqualTo(new Outcome.Issued("OLD"));
		assertThat(match(revoked, anyEver)).isEqualTo(new Outcome.FoundRevoked("REV"));
		assertThat(match(revoked + "," + older, anyEver)).isEqualTo(new Outcome.Issued("OLD"));
	}

	@Test
	void anAwardEarnedAgainNeverTakesTheAssertionOfTheEarlierAwardForItself() {
		String earlier = assertion("OLD", BADGE, "ada@uni-a.example", DECIDED.plusSeconds(5), false, null);
		String revokedEarlier = assertion("REV", BADGE, "ada@uni-a.example", DECIDED.plusSeconds(5), true, null);
		java.util.Set<String> previous = java.util.Set.of("OLD", "REV");

		assertThat(match(earlier, Match.anyEver(NOW).excluding(previous))).isEqualTo(new Outcome.NotFound());
		assertThat(match(earlier + "," + revokedEarlier, THIS_AWARD.excluding(previous)))
			.isEqualTo(new Outcome.NotFound());
		assertThat(match(earlier, THIS_AWARD)).isEqualTo(new Outcome.Issued("OLD"));
	}

	@Test
	void duplicateRefusalCountsAnyActiveAwardOnly() {
		String older = assertion("OLD", BADGE, "ada@uni-a.example", DECIDED.minusSeconds(365L * 86400), false, null);
		String revoked = assertion("REV", BADGE, "ada@uni-a.example", DECIDED.plusSeconds(5), true, null);
		assertThat(match(older, Match.activeAward(NOW))).isEqualTo(new Outcome.Issued("OLD"));
		assertThat(match(revoked, Match.activeAward(NOW))).isEqualTo(new Outcome.NotFound());
	}

	private static Outcome match(String assertions, Match match) {
		JsonNode result = JsonMapper.builder().build().readTree("[" + assertions + "]");
		return OebIssuer.match(result, BADGE, "ada@uni-a.example", match);
	}

	private static String assertion(String id, String badgeClass, String recipient, Instant issuedOn, boolean revoked,
			Instant expires) {
		return "{\"entityId\":\"" + id + "\",\"badgeclass\":\"" + badgeClass + "\",\"recipient\":{\"identity\":"
				+ "\"sha256$00\",\"hashed\":true,\"type\":\"email\",\"plaintextIdentity\":\"" + recipient
				+ "\"},\"issuedOn\":\"" + issuedOn + "\",\"revoked\":" + revoked + ",\"expires\":"
				+ ((expires != null) ? "\"" + expires + "\"" : "null") + "}";
	}

}

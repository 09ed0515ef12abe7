package org.oeb.bridge.common.awards;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.oeb.bridge.common.rules.ConditionParser;
import org.oeb.bridge.common.rules.Rule;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Award rules per institution.
 *
 * @param institutions by institution id (the same id as in the gateway)
 * @param redisKeyPrefix prefix of the ledger, stream and snapshot keys in Redis
 */
@Validated
@ConfigurationProperties(prefix = "bridge.awards", ignoreUnknownFields = false)
public record AwardsProperties(Map<String, @Valid @NotNull Institution> institutions,
		@DefaultValue("oeb-bridge") @NotBlank String redisKeyPrefix) {

	private static final Pattern INSTITUTION_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

	private static final Pattern RULE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

	private static final Pattern ENTITY_ID = Pattern.compile("[A-Za-z0-9_-]{22}");

	private static final Pattern CATALOG_KEY = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

	public AwardsProperties {
		institutions = (institutions != null) ? Map.copyOf(institutions) : Map.of();
		institutions.forEach(AwardsProperties::validate);
	}

	private static void validate(String id, Institution institution) {
		String key = "bridge.awards.institutions." + id;
		if (!INSTITUTION_ID.matcher(id).matches()) {
			throw new IllegalArgumentException(key + ": an institution id must be lower-case letters, digits and '-'");
		}
		Set<String> ruleIds = new HashSet<>();
		for (int i = 0; i < institution.rules().size(); i++) {
			RuleProperties rule = institution.rules().get(i);
			String where = key + ".rules[" + i + "]" + ((rule.id() != null) ? " (rule '" + rule.id() + "')" : "");
			if (rule.id() == null || !RULE_ID.matcher(rule.id()).matches()) {
				throw new IllegalArgumentException(where + ": id must be 1-64 letters, digits, '.', '_' or '-'");
			}
			if (!ruleIds.add(rule.id())) {
				throw new IllegalArgumentException(where + ": the id is used twice; a rule id must stay unique and "
						+ "stable, it is part of the award ledger key");
			}
			if (rule.badgeClass() != null && rule.badge() != null) {
				throw new IllegalArgumentException(where + ": name the badge class once, by badge-class (its OEB "
						+ "entityId) or by badge (its key in the badge catalog), not both");
			}
			if (rule.badge() != null && !CATALOG_KEY.matcher(rule.badge()).matches()) {
				throw new IllegalArgumentException(where + ": badge must be a key of the institution's badge catalog "
						+ "(lower-case letters, digits and '-'; got '" + rule.badge() + "')");
			}
			if (rule.badge() == null && (rule.badgeClass() == null || !ENTITY_ID.matcher(rule.badgeClass()).matches())) {
				throw new IllegalArgumentException(where + ": badge-class must be the 22-character OEB entityId of "
						+ "the badge class (got '" + rule.badgeClass() + "'), or badge a key of the badge catalog");
			}
			try {
				ConditionParser.parse(rule.when());
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException(where + ": when: " + ex.getMessage(), ex);
			}
			if (rule.revokeGracePeriod() != null && rule.revokeGracePeriod().isNegative()) {
				throw new IllegalArgumentException(where + ": revoke-grace-period must not be negative");
			}
			if (rule.revocationReason() != null && rule.revocationReason().length() > 500) {
				throw new IllegalArgumentException(where + ": revocation-reason is longer than 500 characters");
			}
			if (rule.notBefore() != null && rule.notAfter() != null && rule.notAfter().isBefore(rule.notBefore())) {
				throw new IllegalArgumentException(where + ": not-after is before not-before");
			}
		}
	}

	/**
	 * One institution.
	 *
	 * @param gatewayApiKey the connector key this institution's calls present to the gateway
	 * @param dryRun decide and record, but issue nothing
	 * @param rules its award rules
	 */
	public record Institution(@NotBlank String gatewayApiKey, @DefaultValue("false") boolean dryRun,
			List<@Valid @NotNull RuleProperties> rules) {

		public Institution {
			rules = (rules != null) ? List.copyOf(rules) : List.of();
		}

		public List<Rule> compiledRules() {
			return this.rules.stream()
				.map((rule) -> new Rule(rule.id(), rule.badgeClass(), ConditionParser.parse(rule.when()),
						rule.notifyLearner(), rule.notBefore(), rule.notAfter(),
						rule.revokeWhenLost()
								? new Rule.Loss(true, rule.revokeGracePeriod(),
										(rule.revocationReason() != null && !rule.revocationReason().isBlank())
												? rule.revocationReason()
												: "The achievement this badge was awarded for no longer holds in the "
														+ "learning platform")
								: Rule.Loss.KEEP,
						rule.reEarnable(), rule.badge()))
				.toList();
		}

		@Override
		public String toString() {
			return "Institution[gatewayApiKey=******, dryRun=" + this.dryRun + ", rules=" + this.rules + "]";
		}

	}

	/**
	 * One rule.
	 *
	 * @param id stable id; renaming it makes every learner eligible again
	 * @param badgeClass OEB badge-class entityId (or {@code badge})
	 * @param badge the key of the badge class in the institution's badge catalog (or {@code badgeClass})
	 * @param when the condition, e.g. {@code course-completed(course=42)}
	 * @param notifyLearner whether OEB mails the learner
	 * @param notBefore achievements before this instant do not count
	 * @param notAfter achievements after this instant do not count
	 * @param revokeWhenLost revoke the badge in OEB when the condition no longer holds
	 * @param revokeGracePeriod how long the condition must stay lost before the badge is revoked
	 * @param revocationReason the reason OEB shows for such a revocation
	 * @param reEarnable a revoked or expired award is earned again by a later achievement
	 */
	public record RuleProperties(String id, String badgeClass, String badge, String when,
			@DefaultValue("true") boolean notifyLearner, Instant notBefore, Instant notAfter,
			@DefaultValue("false") boolean revokeWhenLost, @DefaultValue("24h") java.time.Duration revokeGracePeriod,
			String revocationReason, @DefaultValue("false") boolean reEarnable) {
	}

}

package org.oeb.bridge.common.wallet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.oeb.bridge.common.awards.AwardEngine;
import org.oeb.bridge.common.awards.AwardLedger;
import org.oeb.bridge.common.awards.AwardsProperties;
import org.oeb.bridge.common.rules.Rule;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The wallet projection: a learner's badges from their awards in the ledger (kept current by
 * the change feed) and the assertions the bridge did not issue, with the badge classes'
 * names, categories and competencies, and their progress on the learning paths.
 */
public class Wallets {

	private static final Set<String> WITH_ASSERTION = Set.of("issued", "revoked", "expired");

	private final WalletProperties properties;

	private final AwardsProperties awards;

	private final AwardEngine engine;

	private final AwardLedger ledger;

	private final StringRedisTemplate redis;

	private final BadgeClasses badgeClasses;

	private final OebReads oeb;

	private final JsonMapper json = JsonMapper.builder().build();

	Wallets(WalletProperties properties, AwardsProperties awards, AwardEngine engine, AwardLedger ledger,
			StringRedisTemplate redis, BadgeClasses badgeClasses, OebReads oeb) {
		this.properties = properties;
		this.awards = awards;
		this.engine = engine;
		this.ledger = ledger;
		this.redis = redis;
		this.badgeClasses = badgeClasses;
		this.oeb = oeb;
	}

	public boolean knowsInstitution(String institution) {
		return this.awards.institutions().containsKey(institution);
	}

	/**
	 * Binds an LMS user to an e-mail the LMS vouched for (a signed LTI launch), so that badges
	 * the bridge did not issue find their learner.
	 */
	public void rememberLearner(String institution, String userId, String email) {
		if (email != null && !email.isBlank()) {
			this.ledger.rememberLearners(institution, Map.of(userId, email.trim().toLowerCase(java.util.Locale.ROOT)));
		}
	}

	public LearnerWallet of(String institution, String userId) {
		Instant now = Instant.now();
		List<Entry> entries = new ArrayList<>();
		List<String> ruleIds = this.engine.rules(institution).stream().map(Rule::id).toList();
		for (Map<String, String> award : this.ledger.awardsOf(institution, userId, ruleIds)) {
			String assertion = award.get("assertion");
			if (assertion == null || assertion.isEmpty() || !WITH_ASSERTION.contains(award.get("state"))) {
				continue;
			}
			entries.add(new Entry(assertion, award.get("badgeClass"), instant(award.get("issuedAt")),
					instant(award.get("expires")), "revoked".equals(award.get("state")), award.get("revocationReason"),
					null, "bridge"));
		}
		Set<String> own = new HashSet<>();
		entries.forEach((entry) -> own.add(entry.assertion()));
		this.ledger.emailOf(institution, userId).ifPresent((email) -> {
			for (String foreign : this.ledger.foreignOf(institution, AwardLedger.emailHash(institution, email))) {
				JsonNode node = this.json.readTree(foreign);
				String assertion = OebReads.text(node.path("assertion"));
				if (assertion != null && own.add(assertion)) {
					entries.add(new Entry(assertion, OebReads.text(node.path("badgeClass")),
							instant(OebReads.text(node.path("issuedOn"))), instant(OebReads.text(node.path("expires"))),
							node.path("revoked").asBoolean(false), OebReads.text(node.path("revocationReason")),
							OebReads.text(node.path("openBadgeId")), "oeb"));
				}
			}
		});
		Map<String, BadgeClassInfo> classes = this.badgeClasses.of(institution, apiKey(institution),
				entries.stream().map(Entry::badgeClass).filter(java.util.Objects::nonNull).toList());
		List<LearnerWallet.Badge> badges = new ArrayList<>();
		Map<String, int[]> minutes = new LinkedHashMap<>();
		Map<String, BadgeClassInfo.Competency> named = new LinkedHashMap<>();
		Set<String> validClasses = new HashSet<>();
		for (Entry entry : entries) {
			BadgeClassInfo info = classes.getOrDefault(entry.badgeClass(), BadgeClassInfo.unknown(entry.badgeClass()));
			boolean expired = entry.expires() != null && !entry.expires().isAfter(now);
			String openBadgeId = entry.openBadgeId();
			String publicUrl = (openBadgeId != null && (openBadgeId.startsWith("https://") || openBadgeId.startsWith("http://")))
					? openBadgeId : publicUrl(entry.assertion());
			badges.add(new LearnerWallet.Badge(entry.assertion(), entry.badgeClass(), info.name(), info.image(),
					info.category(), entry.issuedOn(), entry.expires(), expired, entry.revoked(),
					entry.revoked() ? entry.revocationReason() : null, publicUrl, publicUrl(entry.assertion()) + "?v=3_0",
					entry.issuedBy()));
			if (entry.revoked() || expired) {
				continue;
			}
			validClasses.add(entry.badgeClass());
			for (BadgeClassInfo.Competency competency : info.competencies()) {
				String key = (competency.uri() != null) ? competency.uri() : "name:" + competency.name();
				named.putIfAbsent(key, competency);
				minutes.computeIfAbsent(key, (k) -> new int[1])[0] += competency.minutes();
			}
		}
		badges.sort(Comparator.comparing(LearnerWallet.Badge::issuedOn, Comparator.nullsLast(Comparator.reverseOrder())));
		List<LearnerWallet.CompetencyTotal> competencies = new ArrayList<>();
		named.forEach((key, competency) -> competencies.add(new LearnerWallet.CompetencyTotal(competency.uri(),
				competency.name(), minutes.get(key)[0], competency.category())));
		return new LearnerWallet(institution, userId, badges, competencies, progress(institution, validClasses));
	}

	/** A single-use URL of OEB's page of {@code view} for the learner, or empty when their e-mail is not known. */
	public Optional<String> embedUrl(String institution, String userId, String view, String language) {
		Optional<String> email = this.ledger.emailOf(institution, userId);
		if (email.isEmpty()) {
			return Optional.empty();
		}
		String lang = (language != null) ? language : this.properties.embedLanguage();
		return Optional.of(this.oeb.embedUrl(institution, apiKey(institution), view, email.get(), lang));
	}

	private List<LearnerWallet.PathProgress> progress(String institution, Set<String> held) {
		String stored = this.redis.opsForValue().get(this.ledger.keys(institution).learningPaths());
		List<LearnerWallet.PathProgress> progress = new ArrayList<>();
		if (stored == null) {
			return progress;
		}
		for (JsonNode node : this.json.readTree(stored)) {
			LearningPathInfo path = this.json.treeToValue(node, LearningPathInfo.class);
			if (!path.activated()) {
				continue;
			}
			int have = (int) path.badges().stream().filter(held::contains).count();
			int required = Math.max(1, path.requiredBadges());
			boolean completed = path.microDegreeBadge() != null && held.contains(path.microDegreeBadge());
			int percent = completed ? 100 : Math.min(100, have * 100 / required);
			progress.add(new LearnerWallet.PathProgress(path.entityId(), path.name(), path.requiredBadges(),
					Math.min(have, required), percent, completed));
		}
		return progress;
	}

	private String publicUrl(String assertion) {
		String base = this.properties.oebPublicUrl().toString().replaceAll("/+$", "");
		return base + "/public/assertions/" + assertion;
	}

	private String apiKey(String institution) {
		return this.awards.institutions().get(institution).gatewayApiKey();
	}

	private static Instant instant(String value) {
		return ChangeFeedSync.instant(value);
	}

	private record Entry(String assertion, String badgeClass, Instant issuedOn, Instant expires, boolean revoked,
			String revocationReason, String openBadgeId, String issuedBy) {
	}

}

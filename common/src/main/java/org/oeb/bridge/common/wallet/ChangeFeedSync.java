package org.oeb.bridge.common.wallet;

import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.oeb.bridge.common.awards.AwardEngine;
import org.oeb.bridge.common.awards.AwardKeys;
import org.oeb.bridge.common.awards.AwardLedger;
import org.oeb.bridge.common.awards.AwardsProperties;
import org.oeb.bridge.common.rules.Rule;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Reads each institution's OEB change feeds ({@code /v2/assertions/changed},
 * {@code /v2/badgeclasses/changed}) through the gateway, on one replica at a time (a lease per
 * institution). A page is recorded before the cursor moves past it, so a crash re-reads at
 * most one page, and recording is idempotent.
 */
public class ChangeFeedSync implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(ChangeFeedSync.class);

	static final String ASSERTIONS = "assertions";

	static final String BADGE_CLASSES = "badgeclasses";

	private static final String FIRST_SINCE = "1970-01-01T00:00:00Z";

	private static final RedisScript<Long> RENEW = RedisScript.of(
			"if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0",
			Long.class);

	private static final RedisScript<Long> RELEASE = RedisScript
		.of("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0", Long.class);

	private final WalletProperties properties;

	private final AwardsProperties awards;

	private final AwardEngine engine;

	private final AwardLedger ledger;

	private final StringRedisTemplate redis;

	private final OebReads oeb;

	private final BadgeClasses badgeClasses;

	private final MeterRegistry meters;

	private final String owner = UUID.randomUUID().toString();

	private final JsonMapper json = JsonMapper.builder().build();

	private volatile ScheduledExecutorService scheduler;

	ChangeFeedSync(WalletProperties properties, AwardsProperties awards, AwardEngine engine, AwardLedger ledger,
			StringRedisTemplate redis, OebReads oeb, BadgeClasses badgeClasses, MeterRegistry meters) {
		this.properties = properties;
		this.awards = awards;
		this.engine = engine;
		this.ledger = ledger;
		this.redis = redis;
		this.oeb = oeb;
		this.badgeClasses = badgeClasses;
		this.meters = meters;
	}

	@Override
	public void start() {
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "oeb-wallet-sync");
			thread.setDaemon(true);
			return thread;
		});
		executor.scheduleWithFixedDelay(this::syncAll, 0, this.properties.syncInterval().toMillis(),
				TimeUnit.MILLISECONDS);
		this.scheduler = executor;
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor = this.scheduler;
		this.scheduler = null;
		if (executor != null) {
			executor.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

	private void syncAll() {
		for (String institution : this.awards.institutions().keySet()) {
			try {
				sync(institution);
			}
			catch (RuntimeException ex) {
				logger.warn("Wallet sync of institution '{}' failed: {}", institution, ex.getMessage());
			}
			catch (Error error) {
				logger.error("Wallet sync of institution '{}' failed", institution, error);
			}
		}
	}

	/**
	 * One cycle for one institution, if this replica gets its lease: both change feeds, the
	 * learning paths and the awards that expired. Returns false when another replica holds it.
	 */
	public boolean sync(String institution) {
		AwardKeys keys = this.ledger.keys(institution);
		Boolean leased = this.redis.opsForValue()
			.setIfAbsent(keys.syncLease(), this.owner, this.properties.leaseTimeout());
		if (!Boolean.TRUE.equals(leased)) {
			return false;
		}
		try {
			readFeed(institution, BADGE_CLASSES, (items) -> items.forEach((item) -> this.badgeClasses.store(institution, item)));
			if (!renew(keys)) {
				return true;
			}
			readFeed(institution, ASSERTIONS, (items) -> recordAssertions(institution, items));
			if (this.properties.learningPaths() && renew(keys)) {
				readLearningPaths(institution);
			}
			if (!renew(keys)) {
				return true;
			}
			int expired = this.ledger.expireDue(institution, 1000);
			if (expired > 0) {
				logger.info("{} awards of institution '{}' expired", expired, institution);
			}
			if (renew(keys)) {
				revokeLostAchievements(institution);
			}
			return true;
		}
		finally {
			this.redis.execute(RELEASE, List.of(keys.syncLease()), this.owner);
		}
	}

	/**
	 * Revokes in OEB the awards whose learners lost the achievement and did not get it back
	 * within the rule's grace period. In dry-run, nothing is revoked: operators see the schedule.
	 */
	private void revokeLostAchievements(String institution) {
		if (this.engine.isDryRun(institution)) {
			return;
		}
		String apiKey = this.awards.institutions().get(institution).gatewayApiKey();
		Map<String, Rule> rules = new LinkedHashMap<>();
		this.engine.rules(institution).forEach((rule) -> rules.put(rule.id(), rule));
		AwardKeys keys = this.ledger.keys(institution);
		for (String member : this.ledger.revocationsDue(institution, 100)) {
			if (!renew(keys)) {
				// another replica holds the institution now, and sends the rest
				return;
			}
			String ruleId = member.substring(0, member.lastIndexOf(':'));
			String userId = member.substring(member.lastIndexOf(':') + 1);
			Map<String, String> award = this.ledger.award(institution, ruleId, userId);
			Rule rule = rules.get(ruleId);
			String assertion = award.get("assertion");
			if (rule == null || !rule.revokesWhenLost() || !"issued".equals(award.get("state"))
					|| award.get("lostSince") == null || assertion == null) {
				this.ledger.dropRevocation(institution, member);
				continue;
			}
			String reason = rule.loss().reason();
			OebReads.RevokeAnswer answer = this.oeb.revoke(institution, apiKey, assertion, reason);
			this.meters.counter("bridge.wallet.revocations", "institution", institution, "outcome",
					answer.name().toLowerCase(java.util.Locale.ROOT)).increment();
			switch (answer) {
				case REVOKED, ALREADY_REVOKED -> {
					this.ledger.revokedByBridge(institution, member, assertion, reason);
					logger.info("Revoked the award of rule '{}' for user {} of institution '{}': the achievement was lost "
							+ "since {}", ruleId, userId, institution, award.get("lostSince"));
				}
				case NOT_FOUND, REFUSED -> {
					this.ledger.revocationFailed(institution, member, "OEB refused the revocation (" + answer.name()
							+ "); check that the connector key may 'revoke'", Instant.now().plus(java.time.Duration.ofHours(1)));
					logger.warn("OEB refused to revoke the award of rule '{}' for user {} of institution '{}' ({})", ruleId,
							userId, institution, answer);
				}
				// due again at once: the next cycle sends it again, and OEB's "already revoked" tells a lost answer
				case RETRY -> this.ledger.revocationFailed(institution, member,
						"OEB did not answer; sent again in the next cycle", Instant.now());
			}
		}
	}

	/** Renews this replica's lease; false when another replica has it by now. */
	private boolean renew(AwardKeys keys) {
		Long renewed = this.redis.execute(RENEW, List.of(keys.syncLease()), this.owner,
				Long.toString(this.properties.leaseTimeout().toMillis()));
		return renewed != null && renewed == 1;
	}

	private void readFeed(String institution, String feed, java.util.function.Consumer<List<JsonNode>> record) {
		AwardKeys keys = this.ledger.keys(institution);
		String apiKey = this.awards.institutions().get(institution).gatewayApiKey();
		String cursorKey = keys.feedCursor(feed);
		for (int page = 0; page < this.properties.maxPagesPerCycle(); page++) {
			Map<Object, Object> cursor = this.redis.opsForHash().entries(cursorKey);
			String next = (String) cursor.get("next");
			Map<String, String> query;
			if (next != null) {
				query = nextQuery(next, feed);
			}
			else {
				query = new LinkedHashMap<>();
				query.put("since", (String) cursor.getOrDefault("since", FIRST_SINCE));
				query.put("num", Integer.toString(this.properties.pageSize()));
			}
			OebReads.FeedPage read;
			try {
				read = this.oeb.changed(institution, apiKey, feed, query);
			}
			catch (OebReads.OebReadException ex) {
				this.meters.counter("bridge.wallet.feed.failures", "institution", institution, "feed", feed).increment();
				if (ex.status() == 400 && next != null) {
					// OEB no longer knows the page it named (a cursor that expired): read again from the last since
					this.redis.opsForHash().delete(cursorKey, "next", "pendingSince");
				}
				logger.warn("OEB's {} change feed of institution '{}' could not be read: {}", feed, institution,
						ex.getMessage());
				return;
			}
			// the server time before the first page's query is the next cycle's since
			String pendingSince = (next != null) ? (String) cursor.get("pendingSince") : since(read.timestamp());
			record.accept(read.items());
			this.meters.counter("bridge.wallet.feed.pages", "institution", institution, "feed", feed).increment();
			if (read.next() != null) {
				try {
					nextQuery(read.next(), feed);
				}
				catch (RuntimeException ex) {
					this.meters.counter("bridge.wallet.feed.failures", "institution", institution, "feed", feed).increment();
					logger.warn("OEB named a next page of the {} change feed of institution '{}' that cannot be "
							+ "followed; the feed is read again from the last since", feed, institution);
					this.redis.opsForHash().delete(cursorKey, "next", "pendingSince");
					return;
				}
				Map<String, String> moved = new LinkedHashMap<>();
				moved.put("next", read.next());
				if (pendingSince != null) {
					moved.put("pendingSince", pendingSince);
				}
				this.redis.opsForHash().putAll(cursorKey, moved);
				this.redis.execute(RENEW, List.of(keys.syncLease()), this.owner,
						Long.toString(this.properties.leaseTimeout().toMillis()));
				continue;
			}
			if (pendingSince != null) {
				this.redis.opsForHash().put(cursorKey, "since", pendingSince);
			}
			this.redis.opsForHash().delete(cursorKey, "next", "pendingSince");
			return;
		}
	}

	/**
	 * The query of the page OEB named next. Only its query is taken: the call goes to the same
	 * feed through the gateway, whatever host or path the link names.
	 */
	private static Map<String, String> nextQuery(String next, String feed) {
		URI uri = URI.create(next);
		String path = (uri.getRawPath() != null) ? uri.getRawPath() : "";
		if (!path.endsWith("/v2/" + feed + "/changed")) {
			throw new IllegalStateException("OEB named a next page outside the " + feed + " change feed");
		}
		Map<String, String> query = new LinkedHashMap<>();
		UriComponentsBuilder.fromUri(uri)
			.build(true)
			.getQueryParams()
			.forEach((name, values) -> query.put(decode(name), decode(values.get(0))));
		return query;
	}

	private static String decode(String value) {
		return (value == null) ? "" : org.springframework.web.util.UriUtils.decode(value, java.nio.charset.StandardCharsets.UTF_8);
	}

	/** OEB's timestamp as an instant in UTC ({@code Z}), so no {@code +} needs encoding in the next query. */
	private static String since(String timestamp) {
		if (timestamp == null) {
			return null;
		}
		try {
			return OffsetDateTime.parse(timestamp).toInstant().toString();
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	private void recordAssertions(String institution, List<JsonNode> items) {
		List<String> ids = new ArrayList<>();
		items.forEach((item) -> {
			String id = OebReads.text(item.path("entityId"));
			if (id != null) {
				ids.add(id);
			}
		});
		Map<String, String> owners = this.ledger.ownersOf(institution, ids);
		for (JsonNode item : items) {
			String id = OebReads.text(item.path("entityId"));
			if (id == null) {
				continue;
			}
			AwardLedger.AssertionState state = new AwardLedger.AssertionState(id, item.path("revoked").asBoolean(false),
					OebReads.text(item.path("revocationReason")), instant(OebReads.text(item.path("expires"))));
			String outcome;
			String member = owners.get(id);
			if (member != null) {
				outcome = this.ledger.recordOwnAssertion(institution, member, state);
				if ("revoked".equals(outcome)) {
					logger.info("Award {} of institution '{}' was revoked in OEB", member, institution);
				}
			}
			else {
				outcome = recordForeign(institution, item, state);
			}
			this.meters.counter("bridge.wallet.feed.assertions", "institution", institution, "outcome", outcome)
				.increment();
		}
	}

	private String recordForeign(String institution, JsonNode item, AwardLedger.AssertionState state) {
		JsonNode recipient = item.path("recipient");
		String email = OebReads.text(recipient.path("plaintextIdentity"));
		if (email == null && !recipient.path("hashed").asBoolean(true)) {
			email = OebReads.text(recipient.path("identity"));
		}
		if (email == null || !"email".equals(String.valueOf(OebReads.text(recipient.path("type"))))
				&& recipient.has("type")) {
			return "not-email";
		}
		String hash = AwardLedger.emailHash(institution, email);
		String badgeClass = OebReads.text(item.path("badgeclass"));
		List<String> ownAwards = new ArrayList<>();
		this.ledger.learnerOf(institution, hash).ifPresent((user) -> {
			for (Rule rule : this.engine.rules(institution)) {
				if (this.engine.badgeClassOf(institution, rule).filter((id) -> id.equals(badgeClass)).isPresent()) {
					ownAwards.add(this.ledger.keys(institution).award(rule.id(), user));
				}
			}
		});
		ObjectNode entry = this.json.createObjectNode();
		entry.put("assertion", state.entityId());
		entry.put("badgeClass", badgeClass);
		entry.put("issuedOn", OebReads.text(item.path("issuedOn")));
		entry.put("expires", (state.expires() != null) ? state.expires().toString() : null);
		entry.put("revoked", state.revoked());
		entry.put("revocationReason", state.revocationReason());
		entry.put("openBadgeId", OebReads.text(item.path("openBadgeId")));
		String outcome = this.ledger.recordForeignAssertion(institution, state.entityId(), entry.toString(), hash,
				ownAwards);
		if (outcome.startsWith("indexed:")) {
			return this.ledger.recordOwnAssertion(institution, outcome.substring("indexed:".length()), state);
		}
		return outcome;
	}

	private void readLearningPaths(String institution) {
		String apiKey = this.awards.institutions().get(institution).gatewayApiKey();
		List<LearningPathInfo> paths = new ArrayList<>();
		for (String issuer : this.badgeClasses.issuers(institution)) {
			try {
				this.oeb.learningPaths(institution, apiKey, issuer)
					.forEach((path) -> paths.add(LearningPathInfo.from(path)));
			}
			catch (OebReads.OebReadException ex) {
				logger.warn("The learning paths of issuer {} (institution '{}') could not be read: {}", issuer,
						institution, ex.getMessage());
				return;
			}
		}
		this.redis.opsForValue().set(this.ledger.keys(institution).learningPaths(), this.json.writeValueAsString(paths));
	}

	static Instant instant(String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			return OffsetDateTime.parse(value).toInstant();
		}
		catch (DateTimeParseException ex) {
			try {
				return Instant.parse(value);
			}
			catch (DateTimeParseException again) {
				return null;
			}
		}
	}

}

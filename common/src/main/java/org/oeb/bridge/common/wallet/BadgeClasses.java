package org.oeb.bridge.common.wallet;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.oeb.bridge.common.awards.AwardLedger;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The institution's badge classes, cached in Redis: refreshed from OEB's badge-class change
 * feed, and read once from OEB when a wallet meets one the cache does not hold yet.
 */
class BadgeClasses {

	private final StringRedisTemplate redis;

	private final AwardLedger ledger;

	private final OebReads oeb;

	private final JsonMapper json = JsonMapper.builder().build();

	BadgeClasses(StringRedisTemplate redis, AwardLedger ledger, OebReads oeb) {
		this.redis = redis;
		this.ledger = ledger;
		this.oeb = oeb;
	}

	void store(String institution, JsonNode badgeClass) {
		BadgeClassInfo info = BadgeClassInfo.from(badgeClass);
		if (info.entityId() != null) {
			this.redis.opsForHash()
				.put(this.ledger.keys(institution).badgeClasses(), info.entityId(), this.json.writeValueAsString(info));
		}
	}

	/** The badge classes asked for; those missing from the cache are read from OEB now. */
	Map<String, BadgeClassInfo> of(String institution, String apiKey, Collection<String> ids) {
		List<String> asked = List.copyOf(new java.util.LinkedHashSet<>(ids));
		Map<String, BadgeClassInfo> found = new LinkedHashMap<>();
		if (asked.isEmpty()) {
			return found;
		}
		List<Object> cached = this.redis.opsForHash().multiGet(this.ledger.keys(institution).badgeClasses(), List.copyOf(asked));
		List<String> missing = new ArrayList<>();
		for (int i = 0; i < asked.size(); i++) {
			if (cached.get(i) != null) {
				found.put(asked.get(i), this.json.readValue((String) cached.get(i), BadgeClassInfo.class));
			}
			else {
				missing.add(asked.get(i));
			}
		}
		for (String id : missing) {
			Optional<JsonNode> read;
			try {
				read = this.oeb.badgeClass(institution, apiKey, id);
			}
			catch (OebReads.OebReadException ex) {
				read = Optional.empty();
			}
			read.ifPresent((badgeClass) -> store(institution, badgeClass));
			found.put(id, read.map(BadgeClassInfo::from).orElseGet(() -> BadgeClassInfo.unknown(id)));
		}
		return found;
	}

	/** The issuers of the cached badge classes. */
	List<String> issuers(String institution) {
		return this.redis.opsForHash()
			.values(this.ledger.keys(institution).badgeClasses())
			.stream()
			.map((value) -> this.json.readValue((String) value, BadgeClassInfo.class).issuer())
			.filter(java.util.Objects::nonNull)
			.distinct()
			.toList();
	}

}

package org.oeb.bridge.common.catalog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;

/**
 * What the bridge knows of an institution's catalog in OEB, in Redis: each key's entityId (active
 * or retired badge classes, active or archived learning paths), the image last sent per badge,
 * and the creates sent whose answer may have been lost.
 * The keys carry the institution as a hash tag, like the award ledger's.
 */
final class CatalogState {

	static final String BADGES = "badges";

	static final String RETIRED = "retired";

	static final String IMAGES = "images";

	static final String PATHS = "paths";

	static final String ARCHIVED = "archived";

	static final String INTENTS = "intents";

	/** ARGV: triples of (op, hash, field[, value]) applied in one step; op is "set" or "del". */
	private static final DefaultRedisScript<Long> RECORD = new DefaultRedisScript<>("""
			local prefix = KEYS[1]
			local i = 1
			while i <= #ARGV do
			  if ARGV[i] == 'set' then
			    redis.call('HSET', prefix .. ARGV[i + 1], ARGV[i + 2], ARGV[i + 3])
			    i = i + 4
			  else
			    redis.call('HDEL', prefix .. ARGV[i + 1], ARGV[i + 2])
			    i = i + 3
			  end
			end
			return 1
			""", Long.class);

	private final StringRedisTemplate redis;

	private final String prefix;

	CatalogState(StringRedisTemplate redis, String prefix) {
		this.redis = redis;
		this.prefix = prefix;
	}

	private String base(String institution) {
		return this.prefix + ":{" + institution + "}:catalog:";
	}

	Map<String, String> read(String institution, String hash) {
		Map<String, String> entries = new HashMap<>();
		this.redis.<String, String>opsForHash().entries(base(institution) + hash).forEach(entries::put);
		return entries;
	}

	Optional<String> badgeClass(String institution, String key) {
		return Optional.ofNullable(this.redis.<String, String>opsForHash().get(base(institution) + BADGES, key));
	}

	Changes change(String institution) {
		return new Changes(institution);
	}

	/** The key of the lease one apply of the institution holds. */
	String leaseKey(String institution) {
		return base(institution) + "lease";
	}

	/** Several changes to the state, written in one atomic step. */
	final class Changes {

		private final String institution;

		private final List<String> args = new ArrayList<>();

		private Changes(String institution) {
			this.institution = institution;
		}

		Changes set(String hash, String field, String value) {
			this.args.addAll(List.of("set", hash, field, value));
			return this;
		}

		Changes delete(String hash, String field) {
			this.args.addAll(List.of("del", hash, field));
			return this;
		}

		void write() {
			if (!this.args.isEmpty()) {
				CatalogState.this.redis.execute(RECORD, List.of(base(this.institution)), this.args.toArray());
			}
		}

	}

}

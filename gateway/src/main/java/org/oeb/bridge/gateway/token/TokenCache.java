package org.oeb.bridge.gateway.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * The Redis keys all gateway replicas share per institution: the cached token (encrypted,
 * see {@link TokenSealer}), the lock of the one replica allowed to request a new token, and
 * the back-off after a failed request.
 */
@Component
class TokenCache {

	private static final Logger logger = LoggerFactory.getLogger(TokenCache.class);

	private static final RedisScript<Long> DELETE_IF_EQUAL = RedisScript.of(
			"if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
			Long.class);

	private final ReactiveStringRedisTemplate redis;

	private final String prefix;

	private final TokenSealer sealer;

	private final Clock clock;

	private final AtomicBoolean unreadableReported = new AtomicBoolean();

	@Autowired
	TokenCache(ReactiveStringRedisTemplate redis, TokenProperties properties) {
		this(redis, properties, Clock.systemUTC());
	}

	TokenCache(ReactiveStringRedisTemplate redis, TokenProperties properties, Clock clock) {
		this.redis = redis;
		this.prefix = properties.redisKeyPrefix();
		this.sealer = new TokenSealer(properties.decodedEncryptionKeys());
		this.clock = clock;
	}

	/** The institution's token, unless none is stored, it has expired or it cannot be decrypted. */
	Mono<CachedToken> token(String institution) {
		return this.redis.opsForValue().get(tokenKey(institution)).flatMap((stored) -> {
			var opened = this.sealer.open(institution, stored);
			if (opened.isEmpty()) {
				if (this.unreadableReported.compareAndSet(false, true)) {
					logger.warn("The cached OEB token of institution '{}' cannot be decrypted with the configured "
							+ "bridge.gateway.token.encryption-keys (a removed key, or not written by a gateway); "
							+ "a new token will be requested", institution);
				}
				return Mono.empty();
			}
			if (!opened.get().expiresAt().isAfter(this.clock.instant())) {
				return Mono.empty();
			}
			return Mono.just(new CachedToken(opened.get().token(), stored, opened.get().expiresAt()));
		});
	}

	Mono<Duration> remainingLifetime(String institution) {
		return this.redis.getExpire(tokenKey(institution));
	}

	Mono<CachedToken> store(String institution, String token, Duration lifetime) {
		Instant expiresAt = this.clock.instant().plus(lifetime);
		String sealed = this.sealer.seal(institution, token, expiresAt);
		return this.redis.opsForValue()
			.set(tokenKey(institution), sealed, lifetime)
			.thenReturn(new CachedToken(token, sealed, expiresAt));
	}

	/** Forgets the token only if it is still the one OEB rejected; a newer one stays. */
	Mono<Boolean> evict(String institution, CachedToken rejected) {
		return deleteIfEqual(tokenKey(institution), rejected.stored());
	}

	Mono<Boolean> tryLock(String institution, String owner, Duration lifetime) {
		return this.redis.opsForValue().setIfAbsent(lockKey(institution), owner, lifetime);
	}

	Mono<Boolean> unlock(String institution, String owner) {
		return deleteIfEqual(lockKey(institution), owner);
	}

	Mono<Backoff> backoff(String institution) {
		String key = backoffKey(institution);
		return this.redis.opsForValue()
			.get(key)
			.flatMap((reason) -> this.redis.getExpire(key)
				.defaultIfEmpty(Duration.ofSeconds(1))
				.map((remaining) -> new Backoff(reason, remaining)));
	}

	Mono<Boolean> startBackoff(String institution, String reason, Duration lifetime) {
		return this.redis.opsForValue().set(backoffKey(institution), reason, lifetime);
	}

	private Mono<Boolean> deleteIfEqual(String key, String expected) {
		return this.redis.execute(DELETE_IF_EQUAL, List.of(key), List.of(expected)).next().map((deleted) -> deleted > 0);
	}

	private String tokenKey(String institution) {
		return this.prefix + ":token:" + institution;
	}

	private String lockKey(String institution) {
		return this.prefix + ":token-lock:" + institution;
	}

	private String backoffKey(String institution) {
		return this.prefix + ":token-backoff:" + institution;
	}

	/** A token as it is used (plain) and as it is stored (sealed), with its expiry. */
	record CachedToken(String value, String stored, Instant expiresAt) {

		@Override
		public String toString() {
			return "CachedToken[value=******, expiresAt=" + this.expiresAt + "]";
		}

	}

	/** A running back-off: why, and for how much longer. */
	record Backoff(String reason, Duration remaining) {
	}

}

package org.oeb.bridge.gateway.token;

import java.time.Duration;
import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * The Redis keys all gateway replicas share per institution: the cached token, the lock of
 * the one replica allowed to request a new token, and the back-off after a failed request.
 */
@Component
class TokenCache {

	private static final RedisScript<Long> DELETE_IF_EQUAL = RedisScript.of(
			"if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
			Long.class);

	private final ReactiveStringRedisTemplate redis;

	private final String prefix;

	TokenCache(ReactiveStringRedisTemplate redis, TokenProperties properties) {
		this.redis = redis;
		this.prefix = properties.redisKeyPrefix();
	}

	Mono<String> token(String institution) {
		return this.redis.opsForValue().get(tokenKey(institution));
	}

	Mono<Duration> remainingLifetime(String institution) {
		return this.redis.getExpire(tokenKey(institution));
	}

	Mono<Boolean> store(String institution, String token, Duration lifetime) {
		return this.redis.opsForValue().set(tokenKey(institution), token, lifetime);
	}

	/** Forgets the token only if it is still the one OEB rejected; a newer one stays. */
	Mono<Boolean> evict(String institution, String rejectedToken) {
		return deleteIfEqual(tokenKey(institution), rejectedToken);
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

	/** A running back-off: why, and for how much longer. */
	record Backoff(String reason, Duration remaining) {
	}

}

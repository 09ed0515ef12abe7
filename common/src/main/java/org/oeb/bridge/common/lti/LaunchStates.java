package org.oeb.bridge.common.lti;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Pattern;

import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The server side of the OIDC round trip, in Redis: each login initiation stores a fresh
 * {@code state} with its nonce and registration for the state lifetime; a launch takes it out
 * again with GETDEL, so a state works once. Nonces that a launch used are remembered until its
 * token expires, so that no token is accepted twice even if a state were.
 */
class LaunchStates {

	private static final SecureRandom RANDOM = new SecureRandom();

	/** 32 random bytes, base64url without padding. */
	private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");

	private final StringRedisTemplate redis;

	private final String prefix;

	private final Duration lifetime;

	LaunchStates(StringRedisTemplate redis, String prefix, Duration lifetime) {
		this.redis = redis;
		this.prefix = prefix;
		this.lifetime = lifetime;
	}

	/** A new state and nonce for a login initiation through the given registration. */
	Pending begin(String registration) {
		Pending pending = new Pending(randomToken(), randomToken(), registration);
		remember(pending);
		return pending;
	}

	void remember(Pending pending) {
		this.redis.opsForValue()
			.set(stateKey(pending.state()), pending.nonce() + " " + pending.registration(), this.lifetime);
	}

	/** The pending login this state belongs to, removed so that it cannot be used again; {@code null} if none. */
	Pending consume(String state) {
		if (state == null || !TOKEN.matcher(state).matches()) {
			return null;
		}
		String value = this.redis.opsForValue().getAndDelete(stateKey(state));
		if (value == null) {
			return null;
		}
		int space = value.indexOf(' ');
		return new Pending(state, value.substring(0, space), value.substring(space + 1));
	}

	/** Marks a nonce as used until the token carrying it expires; {@code false} if it was used already. */
	boolean useNonce(String registration, String nonce, Instant tokenExpiry, Duration skew) {
		Duration remaining = Duration.between(Instant.now(), tokenExpiry).plus(skew);
		if (remaining.compareTo(Duration.ofSeconds(1)) < 0) {
			remaining = Duration.ofSeconds(1);
		}
		Boolean first = this.redis.opsForValue()
			.setIfAbsent(this.prefix + ":nonce:" + registration + ":" + nonce, "1", remaining);
		return Boolean.TRUE.equals(first);
	}

	private String stateKey(String state) {
		return this.prefix + ":state:" + state;
	}

	private static String randomToken() {
		byte[] bytes = new byte[32];
		RANDOM.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	/** A login initiation waiting for its launch. */
	record Pending(String state, String nonce, String registration) {

		@Override
		public String toString() {
			return "Pending[registration=" + this.registration + "]";
		}

	}

}

package org.oeb.bridge.gateway.token;

import java.time.Duration;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the gateway obtains and keeps OEB access tokens.
 *
 * @param path OEB's token endpoint path
 * @param scope scope requested with {@code client_credentials}; without {@code rw:issuer}
 * OEB answers 404 to every issuing call
 * @param refreshBeforeExpiry a cached token is replaced this long before OEB's
 * {@code expires_in} runs out
 * @param requestTimeout how long one token request may take
 * @param failureBackoff after a rejected or failed token request, no new request is made
 * for this long (OEB lengthens its own back-off with every failed request)
 * @param throttledBackoff back-off after a 429 from the token endpoint that names no
 * duration
 * @param redisKeyPrefix prefix of the Redis keys shared by all gateway replicas
 */
@Validated
@ConfigurationProperties(prefix = "bridge.gateway.token", ignoreUnknownFields = false)
record TokenProperties(@DefaultValue("/o/token") @NotBlank String path,
		@DefaultValue("rw:issuer") @NotBlank String scope,
		@DefaultValue("1h") @NotNull Duration refreshBeforeExpiry,
		@DefaultValue("15s") @NotNull Duration requestTimeout, @DefaultValue("15s") @NotNull Duration failureBackoff,
		@DefaultValue("60s") @NotNull Duration throttledBackoff,
		@DefaultValue("oeb-gateway") @NotBlank String redisKeyPrefix) {

	TokenProperties {
		if (path != null && (!path.startsWith("/") || path.contains("?"))) {
			throw new IllegalArgumentException("bridge.gateway.token.path must be a path starting with '/' and "
					+ "without a query string (OEB rejects token requests with query parameters), got '" + path + "'");
		}
	}

	/** How long a token is served from the cache, given OEB's lifetime for it. */
	Duration cacheLifetime(Duration expiresIn) {
		Duration lifetime = expiresIn.minus(this.refreshBeforeExpiry);
		if (lifetime.compareTo(expiresIn.dividedBy(2)) < 0) {
			lifetime = expiresIn.dividedBy(2);
		}
		return lifetime.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : lifetime;
	}

	/** A lock holder that died mid-request frees the lock after this. */
	Duration lockLifetime() {
		return this.requestTimeout.plusSeconds(5);
	}

}

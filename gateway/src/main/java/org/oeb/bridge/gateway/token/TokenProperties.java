package org.oeb.bridge.gateway.token;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

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
 * @param requestTimeout how long one token request may take, in total
 * @param failureBackoff after a rejected or failed token request, no new request is made
 * for this long (OEB lengthens its own back-off with every failed request)
 * @param throttledBackoff back-off after a 429 from the token endpoint that names no
 * duration
 * @param redisKeyPrefix prefix of the Redis keys shared by all gateway replicas
 * @param localHold how long a replica uses a token it read from Redis before reading it
 * again (a 401 from OEB drops it at once); {@code 0s} reads Redis on every call
 * @param encryptionKeys base64 of 32 random bytes each ({@code openssl rand -base64 32}),
 * from the gateway's own Secret: tokens are stored in Redis encrypted with the first and
 * read with any of them, so a new key goes first and the old one is removed a token
 * lifetime later
 */
@Validated
@ConfigurationProperties(prefix = "bridge.gateway.token", ignoreUnknownFields = false)
public record TokenProperties(@DefaultValue("/o/token") @NotBlank String path,
		@DefaultValue("rw:issuer") @NotBlank String scope,
		@DefaultValue("1h") @NotNull Duration refreshBeforeExpiry,
		@DefaultValue("10s") @NotNull Duration requestTimeout, @DefaultValue("15s") @NotNull Duration failureBackoff,
		@DefaultValue("60s") @NotNull Duration throttledBackoff,
		@DefaultValue("oeb-gateway") @NotBlank String redisKeyPrefix, @DefaultValue("10s") @NotNull Duration localHold,
		List<String> encryptionKeys) {

	static final String ENCRYPTION_KEYS = "bridge.gateway.token.encryption-keys";

	public TokenProperties {
		encryptionKeys = (encryptionKeys != null) ? List.copyOf(encryptionKeys) : List.of();
		if (encryptionKeys.isEmpty()) {
			throw new IllegalArgumentException(ENCRYPTION_KEYS + " is required: OEB tokens are stored in Redis "
					+ "encrypted; set " + ENCRYPTION_KEYS + "[0] (env TOKEN_ENCRYPTION_KEYS) to the output of "
					+ "openssl rand -base64 32, from a Secret");
		}
		for (int i = 0; i < encryptionKeys.size(); i++) {
			decodeKey(i, encryptionKeys.get(i));
		}
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

	/**
	 * How long a call waits for another replica's token request: one lock lifetime, by when
	 * that replica has stored the token or a back-off, or its lock has lapsed and this replica
	 * has taken it over.
	 */
	Duration otherReplicaWait() {
		return lockLifetime();
	}

	/**
	 * The longest a call waits for a token: another replica's request ({@link #otherReplicaWait()}),
	 * then, if that replica died, a request of its own ({@code request-timeout}); Redis
	 * commands and one 25 ms poll come on top.
	 */
	public Duration longestTokenWait() {
		return otherReplicaWait().plus(this.requestTimeout);
	}

	List<byte[]> decodedEncryptionKeys() {
		List<byte[]> keys = new ArrayList<>();
		for (int i = 0; i < this.encryptionKeys.size(); i++) {
			keys.add(decodeKey(i, this.encryptionKeys.get(i)));
		}
		return keys;
	}

	private static byte[] decodeKey(int index, String encoded) {
		String key = ENCRYPTION_KEYS + "[" + index + "]";
		byte[] bytes;
		try {
			bytes = Base64.getDecoder().decode((encoded != null) ? encoded.trim() : "");
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(key + " is not base64; generate a key with openssl rand -base64 32");
		}
		if (bytes.length != 32) {
			throw new IllegalArgumentException(key + " must be 32 random bytes in base64 (AES-256), got "
					+ bytes.length + " bytes; generate one with openssl rand -base64 32");
		}
		return bytes;
	}

	@Override
	public String toString() {
		return "TokenProperties[path=" + this.path + ", scope=" + this.scope + ", refreshBeforeExpiry="
				+ this.refreshBeforeExpiry + ", requestTimeout=" + this.requestTimeout + ", localHold=" + this.localHold + ", encryptionKeys=("
				+ this.encryptionKeys.size() + " keys)]";
	}

}

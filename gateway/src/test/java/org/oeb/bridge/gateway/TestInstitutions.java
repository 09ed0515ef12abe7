package org.oeb.bridge.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.oeb.bridge.testing.FakeOeb;

import org.springframework.data.redis.core.StringRedisTemplate;

/** Two institutions, A and B, with their OEB clients and connector keys, for gateway tests. */
final class TestInstitutions {

	static final String A = "uni-a";

	static final String B = "uni-b";

	static final String KEY_A = "connector-key-of-a-" + UUID.randomUUID();

	static final String KEY_B = "connector-key-of-b-" + UUID.randomUUID();

	/** A second key of A, granted every operation. */
	static final String KEY_A_ALL = "connector-key-of-a-all-" + UUID.randomUUID();

	/** Two token encryption keys: the first seals, both open. */
	static final String ENCRYPTION_KEY = "x5w8r2Yy0G3Q9oJpL1m6cN4vT7bZsE0aK3dF8hU2qWo=";

	static final String OLD_ENCRYPTION_KEY = "Vb3nM6xZ9kQ2wE5rT8yU1iO4pA7sD0fG3hJ6kL9zX2c=";

	static final String CLIENT_A = "client-a-" + UUID.randomUUID();

	static final String SECRET_A = "secret-a-" + UUID.randomUUID();

	static final String CLIENT_B = "client-b-" + UUID.randomUUID();

	static final String SECRET_B = "secret-b-" + UUID.randomUUID();

	private TestInstitutions() {
	}

	static void registerClients(FakeOeb oeb) {
		oeb.registerClient(CLIENT_A, SECRET_A).registerClient(CLIENT_B, SECRET_B).badgeClass("Qs4bN3yTQoa5xNmY1aV0gw");
	}

	/** Forgets every call and token of the fake OEB and every gateway key under the prefix. */
	static void reset(FakeOeb oeb, StringRedisTemplate redis, String redisKeyPrefix) {
		oeb.reset();
		var keys = redis.keys(redisKeyPrefix + ":*");
		if (keys != null && !keys.isEmpty()) {
			redis.delete(keys);
		}
	}

	/** Gateway properties for A and B against the fake OEB, with Redis keys of their own. */
	static Map<String, String> gatewayProperties(FakeOeb oeb, String redisKeyPrefix) {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("bridge.gateway.oeb.base-url", oeb.baseUrl());
		properties.put("bridge.gateway.token.redis-key-prefix", redisKeyPrefix);
		properties.put("bridge.gateway.token.encryption-keys[0]", ENCRYPTION_KEY);
		properties.put("bridge.gateway.token.encryption-keys[1]", OLD_ENCRYPTION_KEY);
		String prefix = "bridge.gateway.tenancy.institutions.";
		properties.put(prefix + A + ".client-id", CLIENT_A);
		properties.put(prefix + A + ".client-secret", SECRET_A);
		properties.put(prefix + A + ".api-keys[0].sha256", sha256(KEY_A));
		properties.put(prefix + A + ".api-keys[1].sha256", sha256(KEY_A_ALL));
		properties.put(prefix + A + ".api-keys[1].operations", "issue,sync,embed,manage,revoke");
		properties.put(prefix + B + ".client-id", CLIENT_B);
		properties.put(prefix + B + ".client-secret", SECRET_B);
		properties.put(prefix + B + ".api-keys[0].sha256", sha256(KEY_B));
		return properties;
	}

	static String sha256(String value) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

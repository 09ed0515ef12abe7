package org.oeb.bridge.gateway.tenancy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

import org.springframework.stereotype.Component;

/**
 * Resolves a presented connector API key to its institution. Only SHA-256 hashes are held;
 * the key itself is hashed on arrival and never stored or logged.
 */
@Component
class ApiKeys {

	private final Map<String, String> institutionByHash = new HashMap<>();

	ApiKeys(TenancyProperties tenancy) {
		tenancy.institutions()
			.forEach((id, institution) -> institution.apiKeySha256()
				.forEach((hash) -> this.institutionByHash.put(hash, id)));
	}

	Optional<String> institutionOf(String presentedKey) {
		return Optional.ofNullable(this.institutionByHash.get(sha256Hex(presentedKey)));
	}

	static String sha256Hex(String value) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java runtime provides SHA-256", ex);
		}
	}

}

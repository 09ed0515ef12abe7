package org.oeb.bridge.gateway.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.oeb.bridge.gateway.tenancy.Operation;
import org.oeb.bridge.gateway.tenancy.TenancyProperties;

import org.springframework.stereotype.Component;

/**
 * Resolves a presented connector key to its institution and operations. Only SHA-256 hashes
 * are held; the key itself is hashed on arrival and never stored or logged.
 */
@Component
class ApiKeys {

	private final Map<String, Grant> grantByHash = new HashMap<>();

	ApiKeys(TenancyProperties tenancy) {
		tenancy.institutions()
			.forEach((id, institution) -> institution.apiKeys()
				.forEach((key) -> this.grantByHash.put(key.sha256(), new Grant(id, key.operations()))));
	}

	Optional<Grant> grantOf(String presentedKey) {
		return Optional.ofNullable(this.grantByHash.get(sha256Hex(presentedKey)));
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

	/** What one key may do: call the routes of one institution, for these operations. */
	record Grant(String institution, Set<Operation> operations) {
	}

}

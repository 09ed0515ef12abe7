package org.oeb.bridge.common.wallet;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Which institution a campus system's key belongs to. Keys are configured as SHA-256 hashes
 * and compared in constant time; every configured hash is compared, so timing says nothing
 * about which institution, if any, a key belongs to.
 */
class WalletApiKeys {

	private final Map<String, java.util.List<byte[]>> hashesByInstitution = new java.util.LinkedHashMap<>();

	WalletApiKeys(WalletProperties properties) {
		properties.clients()
			.forEach((institution, client) -> this.hashesByInstitution.put(institution,
					client.keySha256().stream().map(HexFormat.of()::parseHex).toList()));
	}

	Optional<String> institutionOf(String key) {
		if (key == null || key.isBlank()) {
			return Optional.empty();
		}
		byte[] presented = sha256(key);
		String owner = null;
		for (Map.Entry<String, java.util.List<byte[]>> institution : this.hashesByInstitution.entrySet()) {
			for (byte[] hash : institution.getValue()) {
				if (MessageDigest.isEqual(presented, hash)) {
					owner = institution.getKey();
				}
			}
		}
		return Optional.ofNullable(owner);
	}

	private static byte[] sha256(String key) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

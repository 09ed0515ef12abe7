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

	private final Map<String, WalletProperties.Client> clients;

	WalletApiKeys(WalletProperties properties) {
		this.clients = properties.clients();
	}

	Optional<String> institutionOf(String key) {
		if (key == null || key.isBlank()) {
			return Optional.empty();
		}
		byte[] presented = sha256(key);
		String owner = null;
		for (Map.Entry<String, WalletProperties.Client> client : this.clients.entrySet()) {
			for (String hash : client.getValue().keySha256()) {
				if (MessageDigest.isEqual(presented, HexFormat.of().parseHex(hash))) {
					owner = client.getKey();
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

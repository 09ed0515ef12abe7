package org.oeb.bridge.gateway.token;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts tokens before they go to Redis (AES-256-GCM) and decrypts them on the way back.
 * The first configured key seals; every configured key opens, so a key can be rotated by
 * putting the new one first and removing the old one a token lifetime later. The
 * institution and the expiry are authenticated with the token, so a sealed token copied to
 * another institution's key, or given a longer life, does not open.
 */
final class TokenSealer {

	private static final String VERSION = "v1";

	private static final int NONCE_BYTES = 12;

	private static final int TAG_BITS = 128;

	private final SecureRandom random = new SecureRandom();

	private final String sealingKeyId;

	private final Map<String, SecretKeySpec> keysById = new LinkedHashMap<>();

	TokenSealer(List<byte[]> keys) {
		if (keys.isEmpty()) {
			throw new IllegalArgumentException("at least one token encryption key is needed");
		}
		for (byte[] key : keys) {
			this.keysById.putIfAbsent(keyId(key), new SecretKeySpec(key, "AES"));
		}
		this.sealingKeyId = keyId(keys.get(0));
	}

	/** The token as stored: version, key id, expiry and the encrypted token. */
	String seal(String institution, String token, Instant expiresAt) {
		try {
			byte[] nonce = new byte[NONCE_BYTES];
			this.random.nextBytes(nonce);
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.ENCRYPT_MODE, this.keysById.get(this.sealingKeyId), new GCMParameterSpec(TAG_BITS, nonce));
			cipher.updateAAD(associatedData(institution, expiresAt.toEpochMilli()));
			byte[] sealed = cipher.doFinal(token.getBytes(StandardCharsets.UTF_8));
			byte[] payload = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
			return VERSION + "." + this.sealingKeyId + "." + expiresAt.toEpochMilli() + "."
					+ Base64.getUrlEncoder().withoutPadding().encodeToString(payload);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM is part of every Java runtime", ex);
		}
	}

	/** The token and its expiry, or empty when the value was sealed with an unknown key or altered. */
	Optional<Opened> open(String institution, String stored) {
		String[] parts = stored.split("\\.", 4);
		if (parts.length != 4 || !parts[0].equals(VERSION) || !this.keysById.containsKey(parts[1])) {
			return Optional.empty();
		}
		try {
			long expiresAt = Long.parseLong(parts[2]);
			byte[] payload = Base64.getUrlDecoder().decode(parts[3]);
			if (payload.length <= NONCE_BYTES) {
				return Optional.empty();
			}
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.DECRYPT_MODE, this.keysById.get(parts[1]),
					new GCMParameterSpec(TAG_BITS, payload, 0, NONCE_BYTES));
			cipher.updateAAD(associatedData(institution, expiresAt));
			byte[] token = cipher.doFinal(payload, NONCE_BYTES, payload.length - NONCE_BYTES);
			return Optional.of(new Opened(new String(token, StandardCharsets.UTF_8), Instant.ofEpochMilli(expiresAt)));
		}
		catch (IllegalArgumentException | GeneralSecurityException ex) {
			return Optional.empty();
		}
	}

	private static byte[] associatedData(String institution, long expiresAtMillis) {
		return ("oeb-token|" + institution + "|" + expiresAtMillis).getBytes(StandardCharsets.UTF_8);
	}

	static String keyId(byte[] key) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
			return HexFormat.of().formatHex(digest, 0, 4);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Every Java runtime provides SHA-256", ex);
		}
	}

	/** A token taken out of Redis. */
	record Opened(String token, Instant expiresAt) {

		@Override
		public String toString() {
			return "Opened[token=******, expiresAt=" + this.expiresAt + "]";
		}

	}

}

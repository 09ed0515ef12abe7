package org.oeb.bridge.common.lti;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ssl.pem.PemContent;

/**
 * The tool's own RSA key: from {@code bridge.lti.tool-key} (PEM, PKCS#8 or PKCS#1), or made at
 * start-up. Platforms ask for the tool's key set URL when the tool is registered; only the
 * public part ever leaves this class.
 */
class ToolKeys {

	private static final Logger logger = LoggerFactory.getLogger(ToolKeys.class);

	private static final int MINIMUM_BITS = 2048;

	/** With the private part, for what the tool will sign (Deep Linking responses, service assertions). */
	private final RSAKey key;

	private ToolKeys(RSAPublicKey publicKey, PrivateKey privateKey) {
		try {
			RSAKey withoutId = new RSAKey.Builder(publicKey).privateKey(privateKey)
				.keyUse(KeyUse.SIGNATURE)
				.algorithm(JWSAlgorithm.RS256)
				.build();
			this.key = new RSAKey.Builder(withoutId).keyID(withoutId.computeThumbprint().toString()).build();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("could not compute the tool key's thumbprint", ex);
		}
	}

	static ToolKeys from(String pem) {
		if (pem == null || pem.isBlank()) {
			logger.warn("bridge.lti.tool-key is not set: generated an RSA key for /lti/jwks that changes on each "
					+ "restart (and differs between replicas); set a PEM private key before platforms rely on it");
			KeyPair generated = generated();
			return new ToolKeys((RSAPublicKey) generated.getPublic(), generated.getPrivate());
		}
		RSAPrivateCrtKey privateKey = privateKeyOf(pem);
		return new ToolKeys(publicPartOf(privateKey), privateKey);
	}

	/** The public key set as {@code /lti/jwks} serves it. */
	Map<String, Object> publicKeySet() {
		return new JWKSet(this.key.toPublicJWK()).toJSONObject(true);
	}

	private static KeyPair generated() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(MINIMUM_BITS);
			return generator.generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("could not generate the tool's RSA key", ex);
		}
	}

	private static RSAPrivateCrtKey privateKeyOf(String pem) {
		PrivateKey privateKey;
		try {
			privateKey = PemContent.of(pem.trim()).getPrivateKey();
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException("bridge.lti.tool-key: not a readable PEM private key ("
					+ ex.getMessage() + ")", ex);
		}
		if (!(privateKey instanceof RSAPrivateCrtKey rsa)) {
			throw new IllegalArgumentException("bridge.lti.tool-key: must be an RSA private key (with its CRT "
					+ "parameters, as openssl writes it), not "
					+ ((privateKey != null) ? privateKey.getAlgorithm() : "nothing"));
		}
		if (rsa.getModulus().bitLength() < MINIMUM_BITS) {
			throw new IllegalArgumentException("bridge.lti.tool-key: the RSA key must have at least " + MINIMUM_BITS
					+ " bits");
		}
		return rsa;
	}

	private static RSAPublicKey publicPartOf(RSAPrivateCrtKey rsa) {
		try {
			return (RSAPublicKey) KeyFactory.getInstance("RSA")
				.generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalArgumentException("bridge.lti.tool-key: could not derive the public key", ex);
		}
	}

	String keyId() {
		return this.key.getKeyID();
	}

}

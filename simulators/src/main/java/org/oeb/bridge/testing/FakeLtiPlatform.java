package org.oeb.bridge.testing;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A WireMock LTI 1.3 platform (see {@code shared/reference/lti13.md}) for testing a tool
 * without an LMS: it publishes its RSA signing keys as a JWKS, signs resource-link launch
 * id_tokens with the claims Moodle 4.x (or Canvas) sends, and forges the variants a tool must
 * refuse (another key, an unknown kid, {@code alg: none}, HS256 keyed with the public key,
 * wrong or missing claims). It can rotate its key (the JWKS then lists the old and the new
 * one) and make its JWKS unavailable.
 */
public final class FakeLtiPlatform implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final String LTI = "https://purl.imsglobal.org/spec/lti/claim/";

	private static final String LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner";

	private final WireMockServer server;

	private final boolean canvas;

	private final String issuer;

	private final String jwksPath;

	private final String authPath;

	private final String toolLaunchUrl;

	private final List<SigningKey> keys = new CopyOnWriteArrayList<>();

	private volatile String clientId = "lti-client-1";

	private volatile String deploymentId;

	private FakeLtiPlatform(boolean canvas, String toolLaunchUrl) {
		this.server = new WireMockServer(WireMockConfiguration.options().dynamicPort());
		this.server.start();
		this.canvas = canvas;
		this.toolLaunchUrl = toolLaunchUrl;
		// Moodle's issuer is its wwwroot; every Canvas cloud instance says canvas.instructure.com
		this.issuer = canvas ? "https://canvas.instructure.com" : this.server.baseUrl();
		this.jwksPath = canvas ? "/api/lti/security/jwks" : "/mod/lti/certs.php";
		this.authPath = canvas ? "/api/lti/authorize_redirect" : "/mod/lti/auth.php";
		this.deploymentId = canvas ? "5:d3a2504bba5184799a38f141e8df2335cfa8206d" : "3";
		this.keys.add(newKey(canvas ? "canvas-" : "moodle-"));
		publishKeys();
	}

	/**
	 * A Moodle 4.x site on a free port: issuer = its base URL, {@code sub} = the numeric Moodle
	 * user id, deployment id {@code 3}, tokens valid for 60 s.
	 *
	 * @param toolLaunchUrl the tool's launch URL, sent as {@code target_link_uri}
	 */
	public static FakeLtiPlatform moodle(String toolLaunchUrl) {
		return new FakeLtiPlatform(false, toolLaunchUrl);
	}

	/**
	 * A Canvas cloud instance: issuer {@code https://canvas.instructure.com}, {@code sub} = a
	 * UUID, the numeric user id only in the custom parameter {@code canvas_user_id}, tokens
	 * valid for an hour. Its JWKS and auth endpoints are served on a local port.
	 */
	public static FakeLtiPlatform canvas(String toolLaunchUrl) {
		return new FakeLtiPlatform(true, toolLaunchUrl);
	}

	public String issuer() {
		return this.issuer;
	}

	public String jwksUrl() {
		return this.server.baseUrl() + this.jwksPath;
	}

	public String authUrl() {
		return this.server.baseUrl() + this.authPath;
	}

	public String clientId() {
		return this.clientId;
	}

	/** The client id this platform gave the tool (default {@code lti-client-1}). */
	public FakeLtiPlatform clientId(String clientId) {
		this.clientId = clientId;
		return this;
	}

	public String deploymentId() {
		return this.deploymentId;
	}

	/** The {@code kid} of the key that signs launches now. */
	public String kid() {
		return currentKey().kid();
	}

	/** JWKS requests received so far. */
	public int jwksRequestCount() {
		return this.server.findAll(WireMock.getRequestedFor(WireMock.urlPathEqualTo(this.jwksPath))).size();
	}

	/** A new signing key with a new kid; the JWKS lists the previous and the new key. */
	public FakeLtiPlatform rotateKey() {
		this.keys.add(newKey(this.canvas ? "canvas-" : "moodle-"));
		publishKeys();
		return this;
	}

	/** The JWKS answers 503 from now on. */
	public FakeLtiPlatform jwksUnavailable() {
		this.server.stubFor(WireMock.get(WireMock.urlPathEqualTo(this.jwksPath))
			.willReturn(WireMock.aResponse().withStatus(503).withBody("Service Unavailable")));
		return this;
	}

	/** A launch whose claims are those of the platform, for the nonce the tool sent at login. */
	public Launch launch(String nonce) {
		return new Launch(nonce);
	}

	@Override
	public void close() {
		this.server.stop();
	}

	private SigningKey currentKey() {
		return this.keys.get(this.keys.size() - 1);
	}

	private void publishKeys() {
		ObjectNode jwks = JSON.createObjectNode();
		ArrayNode published = jwks.putArray("keys");
		for (SigningKey key : this.keys) {
			RSAPublicKey publicKey = (RSAPublicKey) key.pair().getPublic();
			ObjectNode jwk = published.addObject();
			jwk.put("kty", "RSA");
			jwk.put("alg", "RS256");
			jwk.put("use", "sig");
			jwk.put("kid", key.kid());
			jwk.put("e", base64url(unsigned(publicKey.getPublicExponent())));
			jwk.put("n", base64url(unsigned(publicKey.getModulus())));
		}
		this.server.stubFor(WireMock.get(WireMock.urlPathEqualTo(this.jwksPath))
			.willReturn(WireMock.aResponse()
				.withStatus(200)
				.withHeader("Content-Type", "application/json")
				.withBody(JSON.writeValueAsString(jwks))));
	}

	/**
	 * One launch id_token, with builder-style overrides of its claims and of how it is signed.
	 * Claim names without a scheme are top-level ({@code sub}, {@code email}); LTI claims are
	 * named by their last segment ({@code version}, {@code roles}, {@code resource_link}).
	 */
	public final class Launch {

		private final ObjectNode claims = JSON.createObjectNode();

		private SigningKey signingKey = currentKey();

		private String kid = currentKey().kid();

		private String algorithm = "RS256";

		private Launch(String nonce) {
			Instant now = Instant.now();
			Duration lifetime = FakeLtiPlatform.this.canvas ? Duration.ofHours(1) : Duration.ofSeconds(60);
			this.claims.put("iss", FakeLtiPlatform.this.issuer);
			this.claims.put("aud", FakeLtiPlatform.this.clientId);
			this.claims.put("iat", now.getEpochSecond());
			this.claims.put("exp", now.plus(lifetime).getEpochSecond());
			this.claims.put("nonce", nonce);
			this.claims.put("sub", FakeLtiPlatform.this.canvas ? "535fa085-f9a9-4a6e-9d0c-3d2a3b2c7f5e" : "42");
			this.claims.put("email", "Ada.Lovelace@Example.edu");
			this.claims.put("name", "Ada Lovelace");
			this.claims.put("given_name", "Ada");
			this.claims.put("family_name", "Lovelace");
			this.claims.put(LTI + "deployment_id", FakeLtiPlatform.this.deploymentId);
			this.claims.put(LTI + "message_type", "LtiResourceLinkRequest");
			this.claims.put(LTI + "version", "1.3.0");
			this.claims.put(LTI + "target_link_uri", FakeLtiPlatform.this.toolLaunchUrl);
			ObjectNode resourceLink = this.claims.putObject(LTI + "resource_link");
			resourceLink.put("id", FakeLtiPlatform.this.canvas ? UUID.randomUUID().toString() : "7");
			resourceLink.put("title", "My badges");
			ArrayNode roles = this.claims.putArray(LTI + "roles");
			roles.add(LEARNER);
			roles.add("http://purl.imsglobal.org/vocab/lis/v2/institution/person#Student");
			ObjectNode context = this.claims.putObject(LTI + "context");
			context.put("id", FakeLtiPlatform.this.canvas ? "4dde05e8ca1973bcca9bffc13e1548820eee93a3" : "2");
			context.put("label", "HIST101");
			context.put("title", "History of computing");
			ObjectNode presentation = this.claims.putObject(LTI + "launch_presentation");
			presentation.put("locale", "en");
			presentation.put("document_target", "iframe");
			ObjectNode platform = this.claims.putObject(LTI + "tool_platform");
			ObjectNode custom = this.claims.putObject(LTI + "custom");
			if (FakeLtiPlatform.this.canvas) {
				platform.put("product_family_code", "canvas");
				custom.put("canvas_user_id", "1042");
			}
			else {
				// what Moodle's code sends, not the spec's product_family_code
				platform.put("family_code", "moodle");
			}
		}

		/** Sets a claim; {@code name} is a top-level name or the last segment of an LTI claim. */
		public Launch claim(String name, Object value) {
			this.claims.set(claimName(name), JSON.valueToTree(value));
			return this;
		}

		/** Removes a claim; {@code resource_link.id} removes the id inside {@code resource_link}. */
		public Launch without(String name) {
			int dot = name.indexOf('.');
			if (dot > 0 && this.claims.get(claimName(name.substring(0, dot))) instanceof ObjectNode inner) {
				inner.remove(name.substring(dot + 1));
			}
			else {
				this.claims.remove(claimName(name));
			}
			return this;
		}

		public Launch issuer(String issuer) {
			return claim("iss", issuer);
		}

		/** One audience as a string, several as an array. */
		public Launch audience(String... audience) {
			return (audience.length == 1) ? claim("aud", audience[0]) : claim("aud", Arrays.asList(audience));
		}

		public Launch authorizedParty(String azp) {
			return claim("azp", azp);
		}

		public Launch issuedAt(Instant issuedAt) {
			return claim("iat", issuedAt.getEpochSecond());
		}

		public Launch expiresAt(Instant expiresAt) {
			return claim("exp", expiresAt.getEpochSecond());
		}

		public Launch nonce(String nonce) {
			return claim("nonce", nonce);
		}

		public Launch deploymentId(String deploymentId) {
			return claim("deployment_id", deploymentId);
		}

		public Launch targetLinkUri(String targetLinkUri) {
			return claim("target_link_uri", targetLinkUri);
		}

		public Launch subject(String sub) {
			return claim("sub", sub);
		}

		/** Sets a custom parameter ({@code https://purl.imsglobal.org/spec/lti/claim/custom}). */
		public Launch custom(String name, String value) {
			((ObjectNode) this.claims.get(LTI + "custom")).put(name, value);
			return this;
		}

		public Launch locale(String locale) {
			((ObjectNode) this.claims.get(LTI + "launch_presentation")).put("locale", locale);
			return this;
		}

		/** Signed with a key the platform never published, under the published kid. */
		public Launch signedWithAnotherKey() {
			this.signingKey = newKey("other-");
			return this;
		}

		/** Signed with a key the platform never published, under a kid it never published either. */
		public Launch signedWithUnknownKid() {
			this.signingKey = newKey("unknown-");
			this.kid = this.signingKey.kid();
			return this;
		}

		/** Signed by the platform's first key (before any rotation). */
		public Launch signedWithFirstKey() {
			this.signingKey = FakeLtiPlatform.this.keys.get(0);
			this.kid = this.signingKey.kid();
			return this;
		}

		/** {@code alg: none} and an empty signature. */
		public Launch unsigned() {
			this.algorithm = "none";
			return this;
		}

		/**
		 * HS256 with the platform's public key (its X.509 encoding) as the HMAC secret: the
		 * algorithm-confusion attack on verifiers that take the algorithm from the header.
		 */
		public Launch hs256WithThePublicKey() {
			this.algorithm = "HS256";
			return this;
		}

		/** The claims as they will be signed. */
		public JsonNode claims() {
			return this.claims.deepCopy();
		}

		/** The compact serialisation, e.g. for the {@code id_token} form field. */
		public String sign() {
			ObjectNode header = JSON.createObjectNode();
			header.put("alg", this.algorithm);
			header.put("typ", "JWT");
			if (!"none".equals(this.algorithm)) {
				header.put("kid", this.kid);
			}
			String input = base64url(JSON.writeValueAsBytes(header)) + "."
					+ base64url(JSON.writeValueAsBytes(this.claims));
			byte[] bytes = input.getBytes(StandardCharsets.US_ASCII);
			try {
				switch (this.algorithm) {
					case "none":
						return input + ".";
					case "HS256":
						Mac mac = Mac.getInstance("HmacSHA256");
						mac.init(new SecretKeySpec(this.signingKey.pair().getPublic().getEncoded(), "HmacSHA256"));
						return input + "." + base64url(mac.doFinal(bytes));
					default:
						Signature signature = Signature.getInstance("SHA256withRSA");
						signature.initSign(this.signingKey.pair().getPrivate());
						signature.update(bytes);
						return input + "." + base64url(signature.sign());
				}
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

	private static String claimName(String name) {
		return switch (name) {
			case "iss", "aud", "azp", "sub", "iat", "exp", "nbf", "nonce", "email", "name", "given_name",
					"family_name", "locale", "picture" ->
				name;
			default -> name.contains("://") ? name : LTI + name;
		};
	}

	private static SigningKey newKey(String kidPrefix) {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048, RANDOM);
			byte[] id = new byte[6];
			RANDOM.nextBytes(id);
			return new SigningKey(kidPrefix + HexFormat.of().formatHex(id), generator.generateKeyPair());
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static byte[] unsigned(BigInteger value) {
		byte[] bytes = value.toByteArray();
		return (bytes.length > 1 && bytes[0] == 0) ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
	}

	private static String base64url(byte[] bytes) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	private record SigningKey(String kid, KeyPair pair) {
	}

}

package org.oeb.bridge.common.lti;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.oeb.bridge.common.lti.LtiProperties.Registration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a launch's id_token the way LTI 1.3 (Security Framework, OIDC Core §3.1.3.7) asks:
 * an RS256 signature by a key of the platform's JWKS, the exact issuer, our client id in the
 * audience (and as {@code azp} when there are several), {@code exp} and {@code iat} within the
 * allowed skew, the nonce sent at login and never used before, a known deployment, and the
 * claims of a resource-link launch. Nimbus JOSE+JWT does the parsing and the cryptography.
 */
class LaunchVerifier {

	private static final Logger logger = LoggerFactory.getLogger(LaunchVerifier.class);

	/** A larger token is refused before it is parsed; real ones are a few kilobytes. */
	static final int MAX_ID_TOKEN_LENGTH = 64 * 1024;

	private static final String LTI = "https://purl.imsglobal.org/spec/lti/claim/";

	static final String MESSAGE_TYPE = LTI + "message_type";

	static final String VERSION = LTI + "version";

	static final String DEPLOYMENT_ID = LTI + "deployment_id";

	static final String TARGET_LINK_URI = LTI + "target_link_uri";

	static final String RESOURCE_LINK = LTI + "resource_link";

	static final String ROLES = LTI + "roles";

	static final String CONTEXT = LTI + "context";

	static final String LAUNCH_PRESENTATION = LTI + "launch_presentation";

	static final String CUSTOM = LTI + "custom";

	private final LtiProperties lti;

	private final Map<String, PlatformKeys> keys;

	private final LaunchStates states;

	LaunchVerifier(LtiProperties lti, Map<String, PlatformKeys> keys, LaunchStates states) {
		this.lti = lti;
		this.keys = keys;
		this.states = states;
	}

	/** The launch this token proves, or {@link LaunchRefused} naming the first check that failed. */
	VerifiedLaunch verify(String registrationName, String idToken, String expectedNonce) {
		Registration registration = this.lti.registrations().get(registrationName);
		if (registration == null) {
			// a state stored before a restart that removed the registration
			throw LaunchRefused.unauthorized("unknown_registration", "the registration of this login is gone");
		}
		JWTClaimsSet claims = verifiedClaims(registrationName, idToken);
		checkIssuerAndAudience(registration, claims);
		Instant expiry = checkTimes(claims);
		if (expectedNonce == null || !expectedNonce.equals(stringClaim(claims, "nonce"))) {
			throw LaunchRefused.unauthorized("nonce_mismatch", "the nonce is not the one sent at login");
		}
		String deploymentId = stringClaim(claims, DEPLOYMENT_ID);
		if (deploymentId == null || !registration.deploymentIds().contains(deploymentId)) {
			throw LaunchRefused.unauthorized("unknown_deployment",
					"the deployment_id is not among the registration's deployment-ids");
		}
		checkResourceLinkRequest(claims);
		String lmsUserId = lmsUserId(registration, claims);
		List<String> roles = roles(claims);
		if (!this.states.useNonce(registrationName, expectedNonce, expiry, this.lti.maxClockSkew())) {
			throw LaunchRefused.unauthorized("nonce_replayed", "this nonce was used by an earlier launch");
		}
		Map<String, Object> presentation = objectClaim(claims, LAUNCH_PRESENTATION);
		Map<String, Object> context = objectClaim(claims, CONTEXT);
		return new VerifiedLaunch(registrationName, registration.institution(), registration.issuer(), deploymentId,
				lmsUserId, email(claims), name(claims), locale(presentation), roles, text(context.get("id")));
	}

	private JWTClaimsSet verifiedClaims(String registrationName, String idToken) {
		if (idToken.length() > MAX_ID_TOKEN_LENGTH) {
			throw LaunchRefused.malformed("id_token_too_large", "the id_token is larger than 64 KB");
		}
		JWT jwt;
		try {
			jwt = JWTParser.parse(idToken.trim());
		}
		catch (ParseException ex) {
			throw LaunchRefused.malformed("not_a_jwt", "the id_token is not a compact JWT");
		}
		if (jwt instanceof PlainJWT) {
			throw LaunchRefused.unauthorized("unsigned", "unsigned (alg none) id_tokens are refused");
		}
		if (!(jwt instanceof SignedJWT signed)) {
			throw LaunchRefused.unauthorized("wrong_algorithm", "encrypted id_tokens are not accepted");
		}
		if (!JWSAlgorithm.RS256.equals(signed.getHeader().getAlgorithm())) {
			throw LaunchRefused.unauthorized("wrong_algorithm",
					"only RS256 is accepted, not " + signed.getHeader().getAlgorithm());
		}
		List<RSAKey> candidates;
		try {
			candidates = this.keys.get(registrationName).candidates(signed.getHeader());
		}
		catch (PlatformKeys.Unavailable ex) {
			logger.warn("The key set of LTI registration {} could not be fetched: {}", registrationName,
					ex.getMessage());
			throw new LaunchRefused(503, "keys_unavailable",
					"the platform's key set could not be fetched; try again in a moment");
		}
		if (candidates.isEmpty()) {
			throw LaunchRefused.unauthorized("unknown_key",
					"no key of the platform's key set has this kid, even after fetching it again");
		}
		if (!verifiesWithAny(signed, candidates)) {
			throw LaunchRefused.unauthorized("bad_signature", "the signature does not verify with the platform's key");
		}
		try {
			return signed.getJWTClaimsSet();
		}
		catch (ParseException ex) {
			throw LaunchRefused.malformed("not_a_jwt", "the id_token's payload is not a JSON claims set");
		}
	}

	private static boolean verifiesWithAny(SignedJWT signed, List<RSAKey> candidates) {
		for (RSAKey key : candidates) {
			try {
				if (signed.verify(new RSASSAVerifier(key))) {
					return true;
				}
			}
			catch (JOSEException ex) {
				// a key unusable for RS256 (too short, critical headers): try the next one
			}
		}
		return false;
	}

	private static void checkIssuerAndAudience(Registration registration, JWTClaimsSet claims) {
		if (!registration.issuer().equals(claims.getIssuer())) {
			throw LaunchRefused.unauthorized("wrong_issuer", "iss is not the registration's issuer");
		}
		List<String> audience = claims.getAudience();
		if (!audience.contains(registration.clientId())) {
			throw LaunchRefused.unauthorized("wrong_audience", "aud does not contain the registration's client-id");
		}
		Object azp = claims.getClaim("azp");
		if ((audience.size() > 1 || azp != null) && !registration.clientId().equals(azp)) {
			throw LaunchRefused.unauthorized("wrong_azp",
					"aud has several entries (or azp is sent) and azp is not the registration's client-id");
		}
	}

	private Instant checkTimes(JWTClaimsSet claims) {
		Instant now = Instant.now();
		Duration skew = this.lti.maxClockSkew();
		Date expiry = dateClaim(claims, "exp");
		if (expiry == null || expiry.toInstant().plus(skew).isBefore(now)) {
			throw LaunchRefused.unauthorized("expired", "the id_token has expired (or has no exp)");
		}
		Date issued = dateClaim(claims, "iat");
		if (issued == null) {
			throw LaunchRefused.unauthorized("missing_iat", "the id_token has no iat");
		}
		if (issued.toInstant().isAfter(now.plus(skew))) {
			throw LaunchRefused.unauthorized("issued_in_future", "the id_token's iat is in the future");
		}
		return expiry.toInstant();
	}

	private void checkResourceLinkRequest(JWTClaimsSet claims) {
		if (!"LtiResourceLinkRequest".equals(stringClaim(claims, MESSAGE_TYPE))) {
			throw LaunchRefused.unauthorized("wrong_message_type",
					"message_type is missing or not LtiResourceLinkRequest");
		}
		if (!"1.3.0".equals(stringClaim(claims, VERSION))) {
			throw LaunchRefused.unauthorized("wrong_version", "version is missing or not 1.3.0");
		}
		Object resourceLinkId = objectClaim(claims, RESOURCE_LINK).get("id");
		if (!(resourceLinkId instanceof String id) || id.isBlank()) {
			throw LaunchRefused.unauthorized("missing_resource_link", "resource_link.id is missing");
		}
		if (!this.lti.isToolUrl(stringClaim(claims, TARGET_LINK_URI))) {
			throw LaunchRefused.unauthorized("foreign_target_link_uri",
					"target_link_uri is missing or not under this tool's tool-url");
		}
	}

	private static List<String> roles(JWTClaimsSet claims) {
		if (!(claims.getClaim(ROLES) instanceof List<?> values)) {
			throw LaunchRefused.unauthorized("missing_roles", "the roles claim is missing or not an array");
		}
		List<String> roles = new ArrayList<>();
		for (Object value : values) {
			if (!(value instanceof String role)) {
				throw LaunchRefused.unauthorized("missing_roles", "the roles claim holds something else than strings");
			}
			roles.add(role);
		}
		return roles;
	}

	private static String lmsUserId(Registration registration, JWTClaimsSet claims) {
		Object value = registration.userIdIsCustomParameter()
				? objectClaim(claims, CUSTOM).get(registration.userIdCustomParameter())
				: claims.getClaim(registration.userIdClaim());
		String id = text(value);
		// Canvas sends a substitution variable unchanged when it cannot fill it in
		if (id == null || id.startsWith("$")) {
			throw LaunchRefused.unauthorized("missing_user_id", "the launch has no user id in "
					+ registration.userIdClaim() + " (is the launch anonymous?)");
		}
		return id;
	}

	private static String email(JWTClaimsSet claims) {
		String email = text(claims.getClaim("email"));
		return (email != null) ? email.toLowerCase(Locale.ROOT) : null;
	}

	private static String name(JWTClaimsSet claims) {
		String name = text(claims.getClaim("name"));
		if (name != null) {
			return name;
		}
		String given = text(claims.getClaim("given_name"));
		String family = text(claims.getClaim("family_name"));
		if (given == null && family == null) {
			return null;
		}
		return ((given != null) ? given : "") + ((given != null && family != null) ? " " : "")
				+ ((family != null) ? family : "");
	}

	private static String locale(Map<String, Object> presentation) {
		String locale = text(presentation.get("locale"));
		return (locale != null) ? locale : "en";
	}

	/** A string or number claim as trimmed text; {@code null} when absent, blank or of another type. */
	private static String text(Object value) {
		if (value instanceof String || value instanceof Number) {
			String text = value.toString().trim();
			return text.isEmpty() ? null : text;
		}
		return null;
	}

	private static String stringClaim(JWTClaimsSet claims, String name) {
		return (claims.getClaim(name) instanceof String value) ? value : null;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> objectClaim(JWTClaimsSet claims, String name) {
		return (claims.getClaim(name) instanceof Map<?, ?> value) ? (Map<String, Object>) value : Map.of();
	}

	private static Date dateClaim(JWTClaimsSet claims, String name) {
		try {
			return claims.getDateClaim(name);
		}
		catch (ParseException ex) {
			return null;
		}
	}

}

package org.oeb.bridge.canvas.events;

import java.net.MalformedURLException;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import org.oeb.bridge.canvas.site.CanvasProperties;

/**
 * Verifies a signed Live Event as Canvas Data Services sends it: a compact JWS signed with
 * RS256 by a key of the configured JWKS, found by {@code kid}. Keys are cached for an hour; an
 * unknown {@code kid} makes the JWKS be fetched again, at most once a minute. Unsigned
 * ({@code none}) and HMAC tokens, other algorithms, bad signatures and tokens past {@code exp}
 * or issued in the future are refused. Nimbus JOSE+JWT does the cryptography.
 */
class LiveEventVerifier {

	private static final long CACHE_LIFETIME = Duration.ofHours(1).toMillis();

	private static final long REFETCH_AT_MOST_EVERY = Duration.ofMinutes(1).toMillis();

	private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

	private final Duration skew;

	LiveEventVerifier(CanvasProperties.LiveEvents settings) {
		JWKSource<SecurityContext> keys;
		try {
			keys = JWKSourceBuilder.create(settings.jwksUrl().toURL())
				.cache(CACHE_LIFETIME, Duration.ofSeconds(15).toMillis())
				.rateLimited(REFETCH_AT_MOST_EVERY)
				.refreshAheadCache(false)
				.retrying(false)
				.build();
		}
		catch (MalformedURLException ex) {
			throw new IllegalArgumentException("live-events.jwks-url is not a URL: " + settings.jwksUrl(), ex);
		}
		this.skew = settings.maxClockSkew();
		this.processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
		DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(null, null);
		claims.setMaxClockSkew((int) this.skew.toSeconds());
		this.processor.setJWTClaimsSetVerifier(claims);
	}

	/** The event's claims ({@code metadata}, {@code body}); throws {@link Refused} with the reason. */
	Map<String, Object> verify(String token) {
		JWT jwt;
		try {
			jwt = JWTParser.parse(token.trim());
		}
		catch (ParseException ex) {
			throw new Refused(400, "not_a_jwt", "the body is not a compact JWT (is \"Sign Payload\" on?)");
		}
		if (!(jwt instanceof SignedJWT signed)) {
			throw new Refused(401, "unsigned", "unsigned events are refused");
		}
		if (!JWSAlgorithm.RS256.equals(signed.getHeader().getAlgorithm())) {
			throw new Refused(401, "wrong_algorithm", "only RS256-signed events are accepted, not "
					+ signed.getHeader().getAlgorithm());
		}
		JWTClaimsSet claims;
		try {
			claims = this.processor.process(signed, null);
		}
		catch (com.nimbusds.jose.jwk.source.RateLimitReachedException ex) {
			throw new Refused(401, "unknown_key", "no key with this kid among the keys fetched within the last minute");
		}
		catch (com.nimbusds.jose.KeySourceException ex) {
			// the keys could not be fetched: not the sender's fault, and Canvas retries a 5xx
			throw new Refused(503, "keys_unavailable", "the signing keys could not be fetched (" + ex.getMessage() + ")");
		}
		catch (BadJOSEException | JOSEException ex) {
			throw new Refused(401, "bad_signature", "the signature does not verify against the JWKS ("
					+ ex.getMessage() + ")");
		}
		Date issued = claims.getIssueTime();
		if (issued != null && issued.toInstant().isAfter(Instant.now().plus(this.skew))) {
			throw new Refused(401, "issued_in_future", "the event was issued in the future");
		}
		return claims.toJSONObject();
	}

	/** Why an event was refused, and with which status. */
	static final class Refused extends RuntimeException {

		private final int status;

		private final String code;

		Refused(int status, String code, String message) {
			super(message, null, false, false);
			this.status = status;
			this.code = code;
		}

		int status() {
			return this.status;
		}

		String code() {
			return this.code;
		}

	}

}

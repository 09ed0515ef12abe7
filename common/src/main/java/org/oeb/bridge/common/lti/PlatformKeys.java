package org.oeb.bridge.common.lti;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.ResourceRetriever;

/**
 * One platform's signing keys, fetched from its JWKS URL when first needed and cached for an
 * hour. A token whose {@code kid} is not in the cached set makes the set be fetched again, at
 * most once a minute, which is how a platform's key rotation reaches the tool; a forger
 * sending made-up key ids gets no more fetches than that.
 */
class PlatformKeys {

	private static final Duration CACHE_LIFETIME = Duration.ofHours(1);

	private static final Duration REFETCH_AT_MOST_EVERY = Duration.ofMinutes(1);

	private static final int CONNECT_TIMEOUT_MILLIS = 2_000;

	private static final int READ_TIMEOUT_MILLIS = 3_000;

	private static final int SIZE_LIMIT_BYTES = 256 * 1024;

	private final URL jwksUrl;

	private final ResourceRetriever retriever = new DefaultResourceRetriever(CONNECT_TIMEOUT_MILLIS,
			READ_TIMEOUT_MILLIS, SIZE_LIMIT_BYTES);

	private JWKSet keys;

	private Instant fetchedAt = Instant.MIN;

	private Instant refetchedForUnknownKeyAt = Instant.MIN;

	PlatformKeys(URI jwksUrl) {
		try {
			this.jwksUrl = jwksUrl.toURL();
		}
		catch (MalformedURLException ex) {
			throw new IllegalArgumentException("jwks-url is not a URL: " + jwksUrl, ex);
		}
	}

	/** The RSA keys that may have signed a token with this header; empty if none, even after a refetch. */
	synchronized List<RSAKey> candidates(JWSHeader header) {
		Instant now = Instant.now();
		if (this.keys == null || this.fetchedAt.plus(CACHE_LIFETIME).isBefore(now)) {
			fetch(now, true);
		}
		List<RSAKey> found = select(header);
		if (found.isEmpty() && !this.refetchedForUnknownKeyAt.plus(REFETCH_AT_MOST_EVERY).isAfter(now)) {
			this.refetchedForUnknownKeyAt = now;
			// the new key may be exactly what the platform rotated to: no fetch, no answer
			fetch(now, false);
			found = select(header);
		}
		return found;
	}

	private List<RSAKey> select(JWSHeader header) {
		return new JWKSelector(JWKMatcher.forJWSHeader(header)).select(this.keys)
			.stream()
			.filter(RSAKey.class::isInstance)
			.map(RSAKey.class::cast)
			.toList();
	}

	private void fetch(Instant now, boolean staleKeysWillDo) {
		try {
			this.keys = JWKSet.parse(this.retriever.retrieveResource(this.jwksUrl).getContent());
			this.fetchedAt = now;
		}
		catch (IOException | ParseException ex) {
			if (this.keys == null || !staleKeysWillDo) {
				throw new Unavailable(ex);
			}
			// an outage at the hourly refresh: keep verifying with the cached keys, try again in a minute
			this.fetchedAt = now.minus(CACHE_LIFETIME).plus(REFETCH_AT_MOST_EVERY);
		}
	}

	/** The key set could not be fetched and none is cached. */
	static final class Unavailable extends RuntimeException {

		Unavailable(Exception cause) {
			super(cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
		}

	}

}

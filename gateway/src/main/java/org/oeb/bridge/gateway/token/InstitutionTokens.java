package org.oeb.bridge.gateway.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.oeb.bridge.gateway.tenancy.TenancyProperties;
import org.oeb.bridge.gateway.tenancy.TenancyProperties.Institution;
import org.oeb.bridge.gateway.token.OebTokenClient.TokenRequestFailed;
import org.oeb.bridge.gateway.token.TokenCache.CachedToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * The OEB token of each institution. A token lives in Redis for every replica; when it is
 * missing, exactly one replica requests a new one (a Redis lock, and inside a replica one
 * shared in-flight request) while the others wait for it to appear. Each replica also holds
 * the token it last read for {@code local-hold} (or until OEB rejects it), so a call
 * usually costs no Redis read and no decryption.
 */
@Component
public class InstitutionTokens {

	private static final Logger logger = LoggerFactory.getLogger(InstitutionTokens.class);

	private static final Duration POLL_INTERVAL = Duration.ofMillis(25);

	private final TenancyProperties tenancy;

	private final TokenProperties properties;

	private final TokenCache cache;

	private final OebTokenClient client;

	private final MeterRegistry meters;

	private final String replicaId = UUID.randomUUID().toString();

	private final Map<String, Mono<CachedToken>> inFlight = new ConcurrentHashMap<>();

	private final Map<String, Held> held = new ConcurrentHashMap<>();

	private final Clock clock = Clock.systemUTC();

	InstitutionTokens(TenancyProperties tenancy, TokenProperties properties, TokenCache cache, OebTokenClient client,
			MeterRegistry meters) {
		this.tenancy = tenancy;
		this.properties = properties;
		this.cache = cache;
		this.client = client;
		this.meters = meters;
	}

	/** The institution's current token, requesting one from OEB only when none is cached. */
	public Mono<String> current(String institution) {
		Held held = this.held.get(institution);
		if (held != null && held.until().isAfter(this.clock.instant())) {
			return Mono.just(held.token().value());
		}
		return this.cache.token(institution)
			.switchIfEmpty(Mono.defer(() -> sharedRequest(institution)))
			.doOnNext((fresh) -> hold(institution, fresh))
			.map(CachedToken::value);
	}

	/**
	 * Called when OEB answered 401 to a call that carried {@code rejectedToken}: forgets that
	 * token, here and in Redis, unless another call has already replaced it, and returns the
	 * token to retry with. A token other than the one the call carried is never touched.
	 */
	public Mono<String> replaceRejected(String institution, String rejectedToken) {
		Held held = this.held.get(institution);
		Mono<Boolean> eviction;
		if (held != null && held.token().value().equals(rejectedToken)) {
			this.held.remove(institution, held);
			eviction = this.cache.evict(institution, held.token());
		}
		else {
			eviction = this.cache.token(institution)
				.filter((cached) -> cached.value().equals(rejectedToken))
				.flatMap((cached) -> this.cache.evict(institution, cached));
		}
		return eviction.then(Mono.defer(() -> current(institution)));
	}

	/** For health: whether a token is at hand or can be obtained, and for how long it is cached. */
	public Mono<TokenStatus> status(String institution) {
		return current(institution).then(this.cache.remainingLifetime(institution))
			.map(TokenStatus::available)
			.defaultIfEmpty(TokenStatus.available(Duration.ZERO))
			.onErrorResume(TokenUnavailableException.class,
					(ex) -> Mono.just(TokenStatus.unavailable(ex.reason(), ex.getMessage(), ex.retryAfter())));
	}

	private void hold(String institution, CachedToken token) {
		Instant until = this.clock.instant().plus(this.properties.localHold());
		this.held.put(institution, new Held(token, until.isBefore(token.expiresAt()) ? until : token.expiresAt()));
	}

	private Mono<CachedToken> sharedRequest(String institution) {
		return this.inFlight.computeIfAbsent(institution, (key) -> {
			// bounded, so that TimeoutRules can count it: see TokenProperties.longestTokenWait()
			Instant deadline = Instant.now().plus(this.properties.otherReplicaWait());
			return obtain(institution, deadline).doFinally((signal) -> this.inFlight.remove(key)).cache();
		});
	}

	private Mono<CachedToken> obtain(String institution, Instant deadline) {
		return this.cache.token(institution)
			.switchIfEmpty(Mono.defer(() -> this.cache.backoff(institution)
				.flatMap((backoff) -> Mono.<CachedToken>error(backingOff(institution, backoff)))
				.switchIfEmpty(Mono.defer(() -> this.cache
					.tryLock(institution, this.replicaId, this.properties.lockLifetime())
					.flatMap((locked) -> locked ? requestAndStore(institution)
							: waitForOtherReplica(institution, deadline))))));
	}

	private Mono<CachedToken> waitForOtherReplica(String institution, Instant deadline) {
		if (Instant.now().isAfter(deadline)) {
			return Mono.error(new TokenUnavailableException(institution, "unavailable",
					"Timed out waiting for another gateway replica to obtain the OEB token of institution '"
							+ institution + "'",
					this.properties.failureBackoff()));
		}
		return Mono.delay(POLL_INTERVAL).then(Mono.defer(() -> obtain(institution, deadline)));
	}

	private Mono<CachedToken> requestAndStore(String institution) {
		Institution config = this.tenancy.institutions().get(institution);
		if (config == null) {
			return this.cache.unlock(institution, this.replicaId)
				.then(Mono.error(new TokenUnavailableException(institution, "unknown",
						"Institution '" + institution + "' is not configured", null)));
		}
		Timer.Sample sample = Timer.start(this.meters);
		return this.client.request(institution, config)
			.flatMap((issued) -> {
				record(sample, institution, "success");
				logger.info("Obtained an OEB token for institution '{}' (OEB lifetime {}s)", institution,
						issued.lifetime().toSeconds());
				return this.cache.store(institution, issued.value(), this.properties.cacheLifetime(issued.lifetime()));
			})
			.onErrorResume(TokenRequestFailed.class, (failure) -> {
				String outcome = failure.kind().name().toLowerCase();
				record(sample, institution, outcome);
				Duration backoff = (failure.kind() == TokenRequestFailed.Kind.THROTTLED && failure.retryAfter() != null)
						? failure.retryAfter() : this.properties.failureBackoff();
				logger.warn("{}; no new token request for {}s", failure.getMessage(), backoff.toSeconds());
				return this.cache.startBackoff(institution, outcome + ": " + failure.getMessage(), backoff)
					.then(Mono.error(new TokenUnavailableException(institution, outcome, failure.getMessage(),
							backoff)));
			})
			.flatMap((token) -> this.cache.unlock(institution, this.replicaId).thenReturn(token))
			.onErrorResume((ex) -> this.cache.unlock(institution, this.replicaId).then(Mono.error(ex)));
	}

	private void record(Timer.Sample sample, String institution, String outcome) {
		sample.stop(Timer.builder("bridge.gateway.token.requests")
			.description("Token requests sent to OEB")
			.tag("institution", institution)
			.tag("outcome", outcome)
			.register(this.meters));
	}

	private TokenUnavailableException backingOff(String institution, TokenCache.Backoff backoff) {
		String reason = backoff.reason();
		int colon = reason.indexOf(':');
		String code = (colon > 0) ? reason.substring(0, colon) : reason;
		String detail = (colon > 0) ? reason.substring(colon + 1).trim() : reason;
		return new TokenUnavailableException(institution, code,
				detail + "; the gateway waits " + backoff.remaining().toSeconds() + "s before asking OEB again",
				backoff.remaining());
	}

	/** A token this replica uses without asking Redis, until then. */
	private record Held(CachedToken token, Instant until) {
	}

	/** Whether a token can be had for an institution. */
	public record TokenStatus(boolean available, Duration cachedFor, String reason, String message,
			Duration retryAfter) {

		static TokenStatus available(Duration cachedFor) {
			return new TokenStatus(true, cachedFor, null, null, null);
		}

		static TokenStatus unavailable(String reason, String message, Duration retryAfter) {
			return new TokenStatus(false, null, reason, message, retryAfter);
		}

	}

}

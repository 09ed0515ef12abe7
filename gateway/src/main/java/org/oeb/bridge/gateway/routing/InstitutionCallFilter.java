package org.oeb.bridge.gateway.routing;

import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.handler.timeout.ReadTimeoutException;
import org.oeb.bridge.gateway.token.InstitutionTokens;
import org.oeb.bridge.gateway.token.TokenUnavailableException;
import org.oeb.bridge.gateway.web.ErrorResponses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.client.PrematureCloseException;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

/**
 * Sends one connector call to OEB for one institution: waits for a slot under the
 * institution's concurrency limit, attaches the institution's bearer token, and when OEB
 * answers 401 replaces the token once and sends the call once more. When OEB rejects the
 * fresh token too, the 401 is not about the token: for {@code quietPeriod} after that, a 401
 * is answered 502 without replacing the fleet's token again, so calls that keep failing
 * cannot churn the institution's tokens (OEB throttles token requests).
 */
final class InstitutionCallFilter implements GatewayFilter {

	private static final Logger logger = LoggerFactory.getLogger(InstitutionCallFilter.class);

	private static final Duration LIMIT_RETRY_AFTER = Duration.ofSeconds(1);

	private final String institution;

	private final CallLimiter limiter;

	private final InstitutionTokens tokens;

	private final MeterRegistry meters;

	private final Duration quietPeriod;

	private volatile Instant keepTokenUntil = Instant.MIN;

	private final Map<String, Timer> upstreamTimers = new ConcurrentHashMap<>();

	InstitutionCallFilter(String institution, CallLimiter limiter, InstitutionTokens tokens, MeterRegistry meters,
			Duration quietPeriod) {
		this.institution = institution;
		this.limiter = limiter;
		this.tokens = tokens;
		this.meters = meters;
		this.quietPeriod = quietPeriod;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		return this.limiter.acquire()
			.flatMap((release) -> callWithToken(exchange, chain).doFinally((signal) -> release.run()))
			.onErrorResume(CallLimiter.LimitExceeded.class, (ex) -> {
				this.meters
					.counter("bridge.gateway.connector.rejections", "institution", this.institution, "reason",
							"concurrency_limit")
					.increment();
				return ErrorResponses.write(exchange.getResponse(), HttpStatus.TOO_MANY_REQUESTS, "concurrency_limit",
						"Too many concurrent OEB calls for institution '" + this.institution + "'; retry later",
						LIMIT_RETRY_AFTER);
			})
			.onErrorResume(InstitutionCallFilter::upstreamFailure, (ex) -> answerUpstreamFailure(exchange, ex))
			.onErrorResume(TokenUnavailableException.class,
					(ex) -> ErrorResponses.write(exchange.getResponse(), HttpStatus.SERVICE_UNAVAILABLE,
							"oeb_token_" + ex.reason(), ex.getMessage(), ex.retryAfter()));
	}

	/** OEB did not answer: a timeout, a connection closed before the answer, or none opened. */
	private static boolean upstreamFailure(Throwable failure) {
		return failure instanceof ReadTimeoutException || failure instanceof PrematureCloseException
				|| failure instanceof ConnectException;
	}

	private static Mono<Void> answerUpstreamFailure(ServerWebExchange exchange, Throwable failure) {
		ServerHttpResponse response = exchange.getResponse();
		if (response.isCommitted()) {
			return Mono.error(failure);
		}
		if (failure instanceof ConnectException) {
			// Netty's ConnectTimeoutException is one too: nothing was sent
			return ErrorResponses.write(response, HttpStatus.SERVICE_UNAVAILABLE, "oeb_unreachable",
					"No connection to OEB could be opened; nothing was sent", LIMIT_RETRY_AFTER);
		}
		return (failure instanceof ReadTimeoutException)
				? ErrorResponses.write(response, HttpStatus.GATEWAY_TIMEOUT, "oeb_timeout",
						"OEB did not answer within bridge.gateway.oeb.response-timeout; it may still complete the call, "
								+ "so look the result up before sending it again")
				: ErrorResponses.write(response, HttpStatus.BAD_GATEWAY, "oeb_connection_closed",
						"OEB closed the connection before answering; it may still complete the call, so look the "
								+ "result up before sending it again");
	}

	private Mono<Void> callWithToken(ServerWebExchange exchange, GatewayFilterChain chain) {
		return this.tokens.current(this.institution)
			.flatMap((token) -> forward(exchange, chain, token).then(Mono.defer(() -> {
				if (!unauthorized(exchange)) {
					return Mono.empty();
				}
				if (Instant.now().isBefore(this.keepTokenUntil)) {
					return rejectedWhileQuiet(exchange);
				}
				logger.info("OEB answered 401 for institution '{}'; replacing its token and retrying once",
						this.institution);
				discardUpstreamResponse(exchange);
				return this.tokens.replaceRejected(this.institution, token)
					.flatMap((fresh) -> forward(exchange, chain, fresh))
					.then(Mono.defer(() -> unauthorized(exchange) ? rejectedTwice(exchange) : Mono.empty()));
			})));
	}

	private Mono<Void> forward(ServerWebExchange exchange, GatewayFilterChain chain, String token) {
		// UpstreamCall puts it on the upstream request
		exchange.getAttributes().put(UpstreamHeaders.BEARER_TOKEN_ATTR, token);
		Timer.Sample sample = Timer.start(this.meters);
		return chain.filter(exchange)
			.doOnSuccess((done) -> record(sample, statusOf(exchange)))
			.doOnError((ex) -> record(sample, ex.getClass().getSimpleName()));
	}

	private Mono<Void> rejectedWhileQuiet(ServerWebExchange exchange) {
		discardUpstreamResponse(exchange);
		return ErrorResponses.write(exchange.getResponse(), HttpStatus.BAD_GATEWAY, "oeb_rejected_token",
				"OEB answered 401 shortly after rejecting a freshly obtained token of institution '" + this.institution
						+ "'; the token is not replaced again before " + this.keepTokenUntil);
	}

	private Mono<Void> rejectedTwice(ServerWebExchange exchange) {
		this.keepTokenUntil = Instant.now().plus(this.quietPeriod);
		discardUpstreamResponse(exchange);
		logger.warn("OEB rejected a freshly obtained token of institution '{}'", this.institution);
		return ErrorResponses.write(exchange.getResponse(), HttpStatus.BAD_GATEWAY, "oeb_rejected_token",
				"OEB rejected a freshly obtained token of institution '" + this.institution + "'");
	}

	private void record(Timer.Sample sample, String status) {
		sample.stop(this.upstreamTimers.computeIfAbsent(status, (key) -> Timer.builder("bridge.gateway.upstream.requests")
			.description("Calls forwarded to OEB")
			.tag("institution", this.institution)
			.tag("status", key)
			.register(this.meters)));
	}

	private static boolean unauthorized(ServerWebExchange exchange) {
		HttpStatusCode status = exchange.getResponse().getStatusCode();
		return status != null && status.value() == HttpStatus.UNAUTHORIZED.value();
	}

	private static String statusOf(ServerWebExchange exchange) {
		HttpStatusCode status = exchange.getResponse().getStatusCode();
		return (status != null) ? Integer.toString(status.value()) : "none";
	}

	private static void discardUpstreamResponse(ServerWebExchange exchange) {
		Connection connection = exchange.getAttributes().remove(ServerWebExchangeUtils.CLIENT_RESPONSE_CONN_ATTR)
				instanceof Connection open ? open : null;
		if (connection != null) {
			connection.dispose();
		}
		ServerWebExchangeUtils.reset(exchange);
	}

}

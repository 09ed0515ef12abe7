package org.oeb.bridge.gateway.access;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.MeterRegistry;
import org.oeb.bridge.gateway.access.ApiKeys.Grant;
import org.oeb.bridge.gateway.tenancy.ConnectorApiKey;
import org.oeb.bridge.gateway.tenancy.Operation;
import org.oeb.bridge.gateway.web.ErrorResponses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Decides, on the route that actually matched, whether a connector call may go on: the key
 * must belong to the institution of that route (401 without a known key, 403
 * {@code wrong_institution} otherwise), the call must be an operation the key was granted
 * (403 {@code operation_not_allowed}), and its body must fit that operation's limit (413
 * {@code body_too_large}, counted as it arrives, before anything buffers it). It runs before
 * every other gateway filter, so a refused call is neither buffered nor forwarded.
 */
@Component
class ConnectorAccessFilter implements GlobalFilter, Ordered {

	private static final Logger logger = LoggerFactory.getLogger(ConnectorAccessFilter.class);

	private final ApiKeys apiKeys;

	private final AccessProperties limits;

	private final MeterRegistry meters;

	ConnectorAccessFilter(ApiKeys apiKeys, AccessProperties limits, MeterRegistry meters) {
		this.apiKeys = apiKeys;
		this.limits = limits;
		this.meters = meters;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		String routeInstitution = RouteInstitution.of(route);
		String presentedKey = request.getHeaders().getFirst(ConnectorApiKey.HEADER);
		if (presentedKey == null || presentedKey.isBlank()) {
			return reject(exchange, HttpStatus.UNAUTHORIZED, "missing_api_key", "unknown",
					"Send the institution's connector key in the " + ConnectorApiKey.HEADER + " header");
		}
		Optional<Grant> grant = this.apiKeys.grantOf(presentedKey.trim());
		if (grant.isEmpty()) {
			return reject(exchange, HttpStatus.UNAUTHORIZED, "unknown_api_key", "unknown",
					"The connector key is not configured for any institution");
		}
		String keyInstitution = grant.get().institution();
		// the route that matched decides, not the path: the canonical-path filter has made sure that
		// the route matched is the one the raw path names
		if (!keyInstitution.equals(routeInstitution)) {
			return reject(exchange, HttpStatus.FORBIDDEN, "wrong_institution", keyInstitution,
					"This connector key belongs to institution '" + keyInstitution
							+ "' and may not call the routes of another institution");
		}
		String oebPath = oebPath(request.getURI().getRawPath());
		Optional<Operation> operation = OperationCatalog.operationOf(request.getMethod(), oebPath);
		if (operation.isEmpty()) {
			return reject(exchange, HttpStatus.FORBIDDEN, "operation_not_allowed", keyInstitution,
					request.getMethod() + " " + oebPath + " is not an OEB call the gateway forwards");
		}
		if (!grant.get().operations().contains(operation.get())) {
			return reject(exchange, HttpStatus.FORBIDDEN, "operation_not_allowed", keyInstitution,
					"This connector key may not use operation '" + operation.get().configName()
							+ "'; it is granted " + grant.get().operations().stream().map(Operation::configName).toList());
		}
		long limit = (operation.get() == Operation.MANAGE) ? this.limits.maxManageBodySize().toBytes()
				: this.limits.maxBodySize().toBytes();
		long declaredLength = request.getHeaders().getContentLength();
		if (declaredLength > limit) {
			return tooLarge(exchange, keyInstitution, operation.get(), limit);
		}
		AuthorizedCall.authorize(exchange, oebPath);
		if (declaredLength >= 0) {
			// HTTP framing holds the body to its declared length
			return chain.filter(exchange);
		}
		ServerWebExchange limited = exchange.mutate().request(new LimitedBody(request, limit)).build();
		return chain.filter(limited)
			.onErrorResume(BodyTooLarge.class, (ex) -> tooLarge(exchange, keyInstitution, operation.get(), limit));
	}

	/**
	 * The path OEB will see: the raw path without its first two segments ({@code /oeb/{id}});
	 * it is forwarded as checked ({@link AuthorizedCall}).
	 */
	static String oebPath(String rawPath) {
		int first = rawPath.indexOf('/', 1);
		int second = (first < 0) ? -1 : rawPath.indexOf('/', first + 1);
		return (second < 0) ? "" : rawPath.substring(second);
	}

	private Mono<Void> tooLarge(ServerWebExchange exchange, String institution, Operation operation, long limit) {
		return reject(exchange, HttpStatus.CONTENT_TOO_LARGE, "body_too_large", institution,
				"The request body of an '" + operation.configName() + "' call may be at most " + limit + " bytes");
	}

	private Mono<Void> reject(ServerWebExchange exchange, HttpStatus status, String reason, String keyInstitution,
			String message) {
		this.meters.counter("bridge.gateway.connector.rejections", "institution", keyInstitution, "reason", reason)
			.increment();
		logger.warn("Rejected connector call {} {}: {} (key institution: {})", exchange.getRequest().getMethod(),
				exchange.getRequest().getURI().getRawPath(), reason, keyInstitution);
		return ErrorResponses.write(exchange.getResponse(), status, reason, message);
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	/** A request body that fails as soon as more than the limit has arrived. */
	private static final class LimitedBody extends ServerHttpRequestDecorator {

		private final long limit;

		LimitedBody(ServerHttpRequest delegate, long limit) {
			super(delegate);
			this.limit = limit;
		}

		@Override
		public Flux<DataBuffer> getBody() {
			return Flux.defer(() -> {
				AtomicLong received = new AtomicLong();
				return super.getBody().handle((buffer, sink) -> {
					if (received.addAndGet(buffer.readableByteCount()) > this.limit) {
						DataBufferUtils.release(buffer);
						sink.error(new BodyTooLarge());
					}
					else {
						sink.next(buffer);
					}
				});
			});
		}

	}

	private static final class BodyTooLarge extends RuntimeException {

		BodyTooLarge() {
			super("request body over the limit", null, false, false);
		}

	}

}

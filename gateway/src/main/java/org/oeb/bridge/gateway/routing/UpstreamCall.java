package org.oeb.bridge.gateway.routing;

import java.net.URI;
import java.util.Set;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpMethod;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.NettyDataBuffer;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

/**
 * Sends a routed call to OEB, in place of Spring Cloud Gateway's {@code NettyRoutingFilter}:
 * the request (headers and the body kept for a 401 retry) goes out as one message, the
 * headers are filtered in one pass ({@link UpstreamHeaders}), and the call completes when
 * OEB's status and headers are in; {@link UpstreamResponseWriter} passes the body on. As with
 * the filter it replaces, the open connection is left in {@code CLIENT_RESPONSE_CONN_ATTR} and
 * the copied header names in {@code CLIENT_RESPONSE_HEADER_NAMES}, so that a retry can drop
 * them.
 */
final class UpstreamCall implements GlobalFilter, Ordered {

	private final HttpClient client;

	UpstreamCall(HttpClient client) {
		this.client = client;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		URI url = exchange.getRequiredAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR);
		String scheme = url.getScheme();
		if (ServerWebExchangeUtils.isAlreadyRouted(exchange)
				|| !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
			return chain.filter(exchange);
		}
		ServerWebExchangeUtils.setAlreadyRouted(exchange);
		ServerHttpRequest request = exchange.getRequest();
		String bearer = exchange.getAttribute(UpstreamHeaders.BEARER_TOKEN_ATTR);
		return this.client.request(HttpMethod.valueOf(request.getMethod().name()))
			.uri(url.toASCIIString())
			.send((upstream, out) -> {
				UpstreamHeaders.copyUpstream(request.getHeaders(), upstream.requestHeaders(), bearer);
				ByteBuf body = keptBody(exchange);
				return (body != null) ? out.sendObject(body) : out;
			})
			.responseConnection((answer, connection) -> {
				exchange.getAttributes().put(ServerWebExchangeUtils.CLIENT_RESPONSE_ATTR, answer);
				exchange.getAttributes().put(ServerWebExchangeUtils.CLIENT_RESPONSE_CONN_ATTR, connection);
				ServerHttpResponse response = exchange.getResponse();
				response.setStatusCode(HttpStatusCode.valueOf(answer.status().code()));
				Set<String> copied = UpstreamHeaders.copyDownstream(answer.responseHeaders(), response.getHeaders());
				exchange.getAttributes().put(ServerWebExchangeUtils.CLIENT_RESPONSE_HEADER_NAMES, copied);
				return Mono.just(answer);
			})
			.then(chain.filter(exchange));
	}

	/**
	 * A new reference to the body kept for this call ({@code AdaptCachedBodyGlobalFilter}): the
	 * write releases it, and the kept one stays for a retry until the call ends.
	 */
	private static ByteBuf keptBody(ServerWebExchange exchange) {
		Object kept = exchange.getAttribute(ServerWebExchangeUtils.CACHED_REQUEST_BODY_ATTR);
		return (kept instanceof NettyDataBuffer body) ? body.getNativeBuffer().retainedSlice() : null;
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}

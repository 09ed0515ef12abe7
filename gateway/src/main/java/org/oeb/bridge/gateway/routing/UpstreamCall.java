package org.oeb.bridge.gateway.routing;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpMethod;
import org.oeb.bridge.gateway.access.AuthorizedCall;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.NettyDataBuffer;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

/**
 * Sends a routed call to OEB, in place of Spring Cloud Gateway's {@code NettyRoutingFilter}
 * and its URL rewriting: to the route's OEB base URL with the OEB path the key check
 * authorized ({@link AuthorizedCall}) and the raw query. The request (headers and the body kept for a 401 retry) goes out as one message, the
 * headers are filtered in one pass ({@link UpstreamHeaders}), and the call completes when
 * OEB's status and headers are in; {@link UpstreamResponseWriter} passes the body on. As with
 * the filter it replaces, the open connection is left in {@code CLIENT_RESPONSE_CONN_ATTR} and
 * the copied header names in {@code CLIENT_RESPONSE_HEADER_NAMES}, so that a retry can drop
 * them.
 */
final class UpstreamCall implements GlobalFilter, Ordered {

	private final HttpClient client;

	private final Map<EventLoop, HttpClient> clientsByEventLoop = new ConcurrentHashMap<>();

	UpstreamCall(HttpClient client) {
		this.client = client;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		if (route == null || ServerWebExchangeUtils.isAlreadyRouted(exchange)
				|| !(route.getUri().getScheme().equals("http") || route.getUri().getScheme().equals("https"))) {
			return chain.filter(exchange);
		}
		String oebPath = AuthorizedCall.oebPath(exchange);
		if (oebPath == null) {
			// never forward what the key check did not see
			return Mono.error(new IllegalStateException("a call reached OEB's route without an authorized OEB path"));
		}
		ServerWebExchangeUtils.setAlreadyRouted(exchange);
		String query = exchange.getRequest().getURI().getRawQuery();
		// base URLs are plain http(s) URLs (checked at start-up); URI caches its toString
		String url = route.getUri().toString() + oebPath + ((query != null) ? "?" + query : "");
		ServerHttpRequest request = exchange.getRequest();
		String bearer = exchange.getAttribute(UpstreamHeaders.BEARER_TOKEN_ATTR);
		return clientFor(request).request(HttpMethod.valueOf(request.getMethod().name()))
			.uri(url)
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
	 * The client whose connections live on the event loop of the connector's connection, each
	 * with a pool of its own: a call then never hands over to the other event loop and back (a
	 * wake-up of another thread each way), which a shared pool did for about half the calls.
	 */
	private HttpClient clientFor(ServerHttpRequest request) {
		Object connectorConnection = ServerHttpRequestDecorator.getNativeRequest(request);
		if (connectorConnection instanceof Connection connection) {
			return this.clientsByEventLoop.computeIfAbsent(connection.channel().eventLoop(), this.client::runOn);
		}
		return this.client;
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

package org.oeb.bridge.gateway.routing;

import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.netty.Connection;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

/**
 * Passes OEB's answer body to the connector once every filter of the call is done (a 401 retry
 * may have replaced the answer), in place of Spring Cloud Gateway's
 * {@code NettyWriteResponseFilter}. A body of known, small length is read whole and written
 * with the status and headers as one message; any other is streamed.
 */
final class UpstreamResponseWriter implements GlobalFilter, Ordered {

	/** Read whole up to this size (OEB's JSON answers); larger or unsized bodies are streamed. */
	static final long WHOLE_BODY_LIMIT = 256 * 1024;

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		return chain.filter(exchange).then(Mono.defer(() -> {
			Connection connection = exchange.getAttribute(ServerWebExchangeUtils.CLIENT_RESPONSE_CONN_ATTR);
			if (connection == null) {
				return Mono.empty();
			}
			ServerHttpResponse response = exchange.getResponse();
			NettyDataBufferFactory buffers = (NettyDataBufferFactory) response.bufferFactory();
			long length = response.getHeaders().getContentLength();
			if (length >= 0 && length <= WHOLE_BODY_LIMIT) {
				return response.writeWith(connection.inbound().receive().aggregate().retain().map(buffers::wrap));
			}
			return response.writeWith(connection.inbound().receive().retain().map(buffers::wrap));
		})).doFinally((signal) -> {
			if (signal == SignalType.CANCEL || signal == SignalType.ON_ERROR) {
				Connection connection = exchange.getAttribute(ServerWebExchangeUtils.CLIENT_RESPONSE_CONN_ATTR);
				if (connection != null && connection.channel().isActive()) {
					connection.dispose();
				}
			}
		});
	}

	@Override
	public int getOrder() {
		// where Spring Cloud Gateway writes the response: around every route filter
		return -1;
	}

}

package org.oeb.bridge.gateway.operator;

import java.net.InetSocketAddress;

import reactor.core.publisher.Mono;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Spring Security's filter chain, run for every request except those on the proxy port. Its
 * only chain guards the actuator endpoints, which live on the management port alone; on the
 * proxy port it matched nothing, yet wrapped every connector call in its firewall (about 5 %
 * of the gateway's CPU per call). Connector calls have their own checks (canonical path,
 * connector key, operation). Until both ports are known, and when they are the same, every
 * request goes through the chain.
 */
final class ManagementPortSecurityFilter implements WebFilter, Ordered {

	private final WebFilter springSecurity;

	private final int order;

	private final ServerPorts ports;

	ManagementPortSecurityFilter(WebFilter springSecurity, int order, ServerPorts ports) {
		this.springSecurity = springSecurity;
		this.order = order;
		this.ports = ports;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		return onProxyPort(exchange) ? chain.filter(exchange) : this.springSecurity.filter(exchange, chain);
	}

	private boolean onProxyPort(ServerWebExchange exchange) {
		int proxy = this.ports.proxyPort;
		int management = this.ports.managementPort;
		InetSocketAddress local = exchange.getRequest().getLocalAddress();
		return proxy > 0 && management > 0 && proxy != management && local != null && local.getPort() == proxy;
	}

	@Override
	public int getOrder() {
		return this.order;
	}

	/** The ports the proxy and the management server listen on, once each has started. */
	static final class ServerPorts implements ApplicationListener<WebServerInitializedEvent> {

		private static final String MANAGEMENT_NAMESPACE = "management";

		private volatile int proxyPort = -1;

		private volatile int managementPort = -1;

		@Override
		public void onApplicationEvent(WebServerInitializedEvent event) {
			String namespace = event.getApplicationContext().getServerNamespace();
			if (MANAGEMENT_NAMESPACE.equals(namespace)) {
				this.managementPort = event.getWebServer().getPort();
			}
			else if (namespace == null) {
				this.proxyPort = event.getWebServer().getPort();
			}
		}

	}

}

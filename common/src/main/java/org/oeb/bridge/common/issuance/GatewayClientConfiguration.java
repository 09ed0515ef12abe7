package org.oeb.bridge.common.issuance;

import java.util.concurrent.TimeUnit;

import feign.Client;
import feign.Logger;
import feign.Request;
import feign.Retryer;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.oeb.bridge.common.awards.AwardsProperties;

import org.springframework.context.annotation.Bean;

/**
 * Feign settings of {@link GatewayClient}: pooled keep-alive connections, our own timeouts, no
 * Feign retries, no request logging.
 */
class GatewayClientConfiguration {

	private static final int SPARE_CONNECTIONS = 8;

	private static final TimeValue IDLE_CONNECTION_LIFETIME = TimeValue.ofSeconds(30);

	@Bean
	Request.Options gatewayRequestOptions(IssuanceProperties properties) {
		return new Request.Options(properties.connectTimeout().toMillis(), TimeUnit.MILLISECONDS,
				properties.requestTimeout().toMillis(), TimeUnit.MILLISECONDS, false);
	}

	/**
	 * One kept-alive connection for each call that can be in flight: every institution's issue
	 * calls, plus room for the wallet and catalog reads. No cookies (OEB's session cookie would
	 * override the gateway's bearer token), no redirects, no transparent retries: a call that
	 * fails is the worker's to look up and repeat.
	 */
	@Bean
	PoolingHttpClientConnectionManager gatewayConnections(IssuanceProperties issuance, AwardsProperties awards) {
		int connections = issuance.maxInFlight() * Math.max(1, awards.institutions().size()) + SPARE_CONNECTIONS;
		return PoolingHttpClientConnectionManagerBuilder.create()
			.setMaxConnTotal(connections)
			.setMaxConnPerRoute(connections)
			.setDefaultConnectionConfig(ConnectionConfig.custom()
				.setConnectTimeout(Timeout.of(issuance.connectTimeout()))
				.setValidateAfterInactivity(TimeValue.ofSeconds(1))
				.build())
			.build();
	}

	@Bean
	CloseableHttpClient gatewayHttpClient(PoolingHttpClientConnectionManager gatewayConnections) {
		return HttpClients.custom()
			.setConnectionManager(gatewayConnections)
			.evictIdleConnections(IDLE_CONNECTION_LIFETIME)
			.disableCookieManagement()
			.disableRedirectHandling()
			.disableAutomaticRetries()
			.disableAuthCaching()
			.disableContentCompression()
			.build();
	}

	@Bean
	Client gatewayFeignClient(CloseableHttpClient gatewayHttpClient) {
		return new PooledFeignClient(gatewayHttpClient);
	}

	@Bean
	Retryer gatewayRetryer() {
		// retries are the worker's: they look the award up first
		return Retryer.NEVER_RETRY;
	}

	@Bean
	Logger.Level gatewayLoggerLevel() {
		// headers carry the connector key
		return Logger.Level.NONE;
	}

}

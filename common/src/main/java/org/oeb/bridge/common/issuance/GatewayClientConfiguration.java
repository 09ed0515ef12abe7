package org.oeb.bridge.common.issuance;

import java.util.concurrent.TimeUnit;

import feign.Logger;
import feign.Request;
import feign.Retryer;

import org.springframework.context.annotation.Bean;

/** Feign settings of {@link GatewayClient}: our own timeouts, no Feign retries, no request logging. */
class GatewayClientConfiguration {

	@Bean
	Request.Options gatewayRequestOptions(IssuanceProperties properties) {
		return new Request.Options(properties.connectTimeout().toMillis(), TimeUnit.MILLISECONDS,
				properties.requestTimeout().toMillis(), TimeUnit.MILLISECONDS, false);
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

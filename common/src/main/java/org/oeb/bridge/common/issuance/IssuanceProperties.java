package org.oeb.bridge.common.issuance;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How decided awards are issued.
 *
 * @param gatewayUrl base URL of the gateway, e.g. {@code http://gateway:8080}
 * @param workers issuing threads per connector replica
 * @param batchSize jobs a worker takes from the stream at once
 * @param connectTimeout TCP connect timeout to the gateway
 * @param requestTimeout how long one issue call may take (OEB renders the PDF and mails
 * inside it)
 * @param claimTimeout a job held this long by a worker that stopped answering is taken over
 * by another; must be longer than {@code request-timeout}
 * @param maintenanceInterval how often due retries are re-queued and stale jobs reclaimed
 * @param retryInitial first retry delay after a transient failure (doubled per failure,
 * with jitter)
 * @param retryMax longest retry delay
 * @param maxAttempts transient failures in a row after which the award is dead-lettered
 * @param quotaPause how long an institution's issuing pauses after OEB answers 402 (quota
 * exhausted); an operator can resume earlier
 */
@Validated
@ConfigurationProperties(prefix = "bridge.issuance", ignoreUnknownFields = false)
public record IssuanceProperties(@NotNull URI gatewayUrl, @DefaultValue("4") @Min(1) int workers,
		@DefaultValue("10") @Min(1) int batchSize, @DefaultValue("5s") @NotNull Duration connectTimeout,
		@DefaultValue("120s") @NotNull Duration requestTimeout, @DefaultValue("5m") @NotNull Duration claimTimeout,
		@DefaultValue("1s") @NotNull Duration maintenanceInterval,
		@DefaultValue("2s") @NotNull Duration retryInitial, @DefaultValue("30m") @NotNull Duration retryMax,
		@DefaultValue("12") @Min(1) int maxAttempts, @DefaultValue("1h") @NotNull Duration quotaPause) {

	public IssuanceProperties {
		if (gatewayUrl != null && (gatewayUrl.getScheme() == null || gatewayUrl.getHost() == null)) {
			throw new IllegalArgumentException("bridge.issuance.gateway-url must be an absolute http(s) URL, got '"
					+ gatewayUrl + "'");
		}
		if (claimTimeout != null && requestTimeout != null && claimTimeout.compareTo(requestTimeout) <= 0) {
			throw new IllegalArgumentException("bridge.issuance.claim-timeout (" + claimTimeout
					+ ") must be longer than bridge.issuance.request-timeout (" + requestTimeout
					+ "), or a slow but live issue call would be taken over and sent twice");
		}
	}

}

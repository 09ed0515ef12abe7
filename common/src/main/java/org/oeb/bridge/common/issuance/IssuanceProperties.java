package org.oeb.bridge.common.issuance;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How decided awards are issued.
 *
 * @param gatewayUrl base URL of the gateway, e.g. {@code http://gateway:8080}
 * @param maxInFlight issue calls in flight at once per institution and connector replica;
 * keep the sum over replicas at or below the gateway's {@code max-concurrent-calls}
 * @param connectTimeout TCP connect timeout to the gateway
 * @param requestTimeout how long one issue call may take (OEB renders the PDF and mails
 * inside it); longer than the gateway's longest call (its
 * {@code bridge.gateway.oeb.connector-request-timeout} must equal it), which includes a token
 * request and a retry after a 401
 * @param takeoverAfter a job whose worker stopped renewing its claim (died, lost Redis) is
 * taken over after this long; a live worker renews every fifth of it
 * @param settleTime how long OEB may still be working on an issue call after it was sent;
 * after a timeout, a reset connection, 500, 502 or 504, the award is looked up no earlier
 * than this long after the call was sent, so a call OEB completes late is found, not sent
 * twice; must exceed {@code request-timeout} + {@code connect-timeout}
 * @param clockSkew how far OEB's clock may be behind ours; a look-up counts an assertion
 * issued no earlier than the decision minus this
 * @param maintenanceInterval how often due retries are re-queued and silent workers' jobs
 * taken over
 * @param retryInitial first retry delay after a transient failure (doubled per failure,
 * with jitter)
 * @param retryMax longest retry delay
 * @param giveUpAfter how long an award may keep failing transiently before it becomes a
 * dead letter
 * @param quotaPause how long an institution's issuing pauses after OEB answers 402 (quota
 * exhausted); an operator can resume earlier
 * @param keyRefusedPause how long an institution's issuing pauses after the gateway refuses
 * the connector key (401/403); retried then, or resumed by an operator
 */
@Validated
@ConfigurationProperties(prefix = "bridge.issuance", ignoreUnknownFields = false)
public record IssuanceProperties(@NotNull URI gatewayUrl, @DefaultValue("16") @Min(1) @Max(1024) int maxInFlight,
		@DefaultValue("5s") @NotNull Duration connectTimeout, @DefaultValue("280s") @NotNull Duration requestTimeout,
		@DefaultValue("15s") @NotNull Duration takeoverAfter, @DefaultValue("5m") @NotNull Duration settleTime,
		@DefaultValue("2m") @NotNull Duration clockSkew, @DefaultValue("1s") @NotNull Duration maintenanceInterval,
		@DefaultValue("2s") @NotNull Duration retryInitial, @DefaultValue("30m") @NotNull Duration retryMax,
		@DefaultValue("72h") @NotNull Duration giveUpAfter, @DefaultValue("1h") @NotNull Duration quotaPause,
		@DefaultValue("5m") @NotNull Duration keyRefusedPause) {

	public IssuanceProperties {
		if (gatewayUrl != null && (gatewayUrl.getScheme() == null || gatewayUrl.getHost() == null)) {
			throw new IllegalArgumentException("bridge.issuance.gateway-url must be an absolute http(s) URL, got '"
					+ gatewayUrl + "'");
		}
		if (takeoverAfter != null && takeoverAfter.compareTo(Duration.ofMillis(500)) < 0) {
			throw new IllegalArgumentException("bridge.issuance.takeover-after (" + takeoverAfter
					+ ") must be at least 500ms: workers renew their claims every fifth of it");
		}
		if (settleTime != null && requestTimeout != null && connectTimeout != null
				&& settleTime.compareTo(requestTimeout.plus(connectTimeout)) <= 0) {
			throw new IllegalArgumentException("bridge.issuance.settle-time (" + settleTime
					+ ") must be longer than bridge.issuance.request-timeout + connect-timeout ("
					+ requestTimeout.plus(connectTimeout) + "): OEB may still be working on a call the connector "
					+ "stopped waiting for, and a look-up before it finishes would send the award twice");
		}
	}

	/** How often a worker renews the claims it holds. */
	Duration heartbeat() {
		return this.takeoverAfter.dividedBy(5);
	}

}

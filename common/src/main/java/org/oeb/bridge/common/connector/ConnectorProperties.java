package org.oeb.bridge.common.connector;

import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The connector kit.
 *
 * @param redisKeyPrefix prefix of the kit's Redis keys (leases, cursors, what was seen and
 * read); {@code oeb-<lms>} when not set
 * @param maxQueuedHints hints waiting for their re-read at once, per replica; more are refused
 * with 429 and Retry-After (the next poll reads the same state)
 */
@Validated
@ConfigurationProperties(prefix = "bridge.connector", ignoreUnknownFields = false)
public record ConnectorProperties(String redisKeyPrefix, @DefaultValue("1000") @Min(1) int maxQueuedHints) {

	String redisKeyPrefixOr(String fallback) {
		return (this.redisKeyPrefix != null && !this.redisKeyPrefix.isBlank()) ? this.redisKeyPrefix : fallback;
	}

}

package org.oeb.bridge.common.connector;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The connector kit.
 *
 * @param redisKeyPrefix prefix of the kit's Redis keys (leases, cursors, what was seen and
 * read); {@code oeb-<lms>} when not set
 * @param maxQueuedHints hints waiting for their re-read at once, per replica; more are refused
 * with 429 and Retry-After (the next poll reads the same state)
 * @param maxBodySize the largest request body the connector reads (webhooks, operator
 * actions); larger ones are refused with 413 before they are buffered
 */
@Validated
@ConfigurationProperties(prefix = "bridge.connector", ignoreUnknownFields = false)
public record ConnectorProperties(String redisKeyPrefix, @DefaultValue("1000") @Min(1) int maxQueuedHints,
		@DefaultValue("64KB") @NotNull DataSize maxBodySize) {

	public String redisKeyPrefixOr(String fallback) {
		return (this.redisKeyPrefix != null && !this.redisKeyPrefix.isBlank()) ? this.redisKeyPrefix : fallback;
	}

}

package org.oeb.bridge.gateway.access;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Limits on what a connector may send through the gateway.
 *
 * @param maxBodySize largest request body of an {@code issue}, {@code sync}, {@code embed} or
 * {@code revoke} call; a larger one is refused with 413 before it is buffered
 * @param maxManageBodySize largest request body of a {@code manage} call (badge classes carry
 * their image as a data URI; OEB itself accepts at most 10 MB)
 */
@Validated
@ConfigurationProperties(prefix = "bridge.gateway.access", ignoreUnknownFields = false)
record AccessProperties(@DefaultValue("64KB") @NotNull DataSize maxBodySize,
		@DefaultValue("10MB") @NotNull DataSize maxManageBodySize) {

	AccessProperties {
		requirePositive("bridge.gateway.access.max-body-size", maxBodySize);
		requirePositive("bridge.gateway.access.max-manage-body-size", maxManageBodySize);
	}

	private static void requirePositive(String key, DataSize size) {
		if (size != null && size.toBytes() <= 0) {
			throw new IllegalArgumentException(key + " must be a positive size such as 64KB (got " + size + ")");
		}
	}

}

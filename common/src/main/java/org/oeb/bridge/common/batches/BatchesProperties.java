package org.oeb.bridge.common.batches;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Manual and bulk issuing.
 *
 * @param maxRows the most recipient rows one submission may hold; a longer list is refused
 * whole
 * @param maxRecipients the most recipients one batch may gather over all its submissions
 * @param maxNameLength the longest recipient name accepted
 * @param maxEvidenceLength the longest evidence narrative accepted
 */
@Validated
@ConfigurationProperties(prefix = "bridge.batches", ignoreUnknownFields = false)
public record BatchesProperties(@DefaultValue("5000") @Min(1) @Max(100_000) int maxRows,
		@DefaultValue("20000") @Min(1) @Max(1_000_000) int maxRecipients,
		@DefaultValue("200") @Min(1) @Max(1000) int maxNameLength,
		@DefaultValue("5000") @Min(1) @Max(100_000) int maxEvidenceLength) {

	public BatchesProperties {
		if (maxRecipients < maxRows) {
			throw new IllegalArgumentException("bridge.batches.max-recipients (" + maxRecipients
					+ ") must be at least bridge.batches.max-rows (" + maxRows + "), or a full submission could never "
					+ "enter a batch");
		}
	}

}

package org.oeb.bridge.gateway.tenancy;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The institutions this gateway serves, keyed by institution id (used in the route
 * {@code /oeb/{id}/**}, in Redis keys and in metric tags).
 *
 * @param institutions per institution: OEB client credentials, accepted connector keys and limits
 */
@Validated
@ConfigurationProperties(prefix = "bridge.gateway.tenancy", ignoreUnknownFields = false)
public record TenancyProperties(@NotEmpty Map<String, @Valid @NotNull Institution> institutions) {

	static final String PREFIX = "bridge.gateway.tenancy.institutions";

	private static final Pattern INSTITUTION_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

	private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

	public TenancyProperties {
		institutions = (institutions != null) ? Map.copyOf(institutions) : Map.of();
		Map<String, String> ownerOfHash = new HashMap<>();
		for (Map.Entry<String, Institution> entry : institutions.entrySet()) {
			String id = entry.getKey();
			if (!INSTITUTION_ID.matcher(id).matches()) {
				throw new IllegalArgumentException(PREFIX + "." + id
						+ ": an institution id must be lower-case letters, digits and '-' (at most 63 characters)");
			}
			List<String> hashes = entry.getValue().apiKeySha256();
			for (int i = 0; i < hashes.size(); i++) {
				String hash = hashes.get(i);
				String key = PREFIX + "." + id + ".api-key-sha256[" + i + "]";
				if (!SHA256_HEX.matcher(hash).matches()) {
					throw new IllegalArgumentException(key + " is not a SHA-256 hex digest (64 characters 0-9a-f); "
							+ "store the hash of the connector's key, e.g. printf %s \"$KEY\" | sha256sum");
				}
				String previous = ownerOfHash.put(hash, id);
				if (previous != null && !previous.equals(id)) {
					throw new IllegalArgumentException(key + " is also configured for institution '" + previous
							+ "'; one connector key must belong to exactly one institution");
				}
			}
		}
	}

	/**
	 * One institution.
	 *
	 * @param clientId OEB client id of the institution's client-credentials application
	 * @param clientSecret its secret (from an environment variable or a Kubernetes Secret)
	 * @param apiKeySha256 lower-case hex SHA-256 of each connector API key accepted for this
	 * institution (several allow rotation)
	 * @param oebBaseUrl OEB base URL for this institution, when it differs from
	 * {@code bridge.gateway.oeb.base-url}
	 * @param maxConcurrentCalls upstream calls in flight at once for this institution, per
	 * gateway replica
	 * @param maxQueueWait how long a call over that limit waits for a free slot before it is
	 * answered 429
	 */
	public record Institution(@NotBlank String clientId, @NotBlank String clientSecret,
			@NotEmpty List<@NotBlank String> apiKeySha256, URI oebBaseUrl,
			@DefaultValue("16") @Min(1) int maxConcurrentCalls, @DefaultValue("2s") @NotNull Duration maxQueueWait) {

		public Institution {
			apiKeySha256 = (apiKeySha256 != null)
					? apiKeySha256.stream().map((hash) -> hash.trim().toLowerCase(Locale.ROOT)).toList() : List.of();
		}

		@Override
		public String toString() {
			return "Institution[clientId=" + this.clientId + ", clientSecret=******, apiKeySha256=("
					+ this.apiKeySha256.size() + " hashes), oebBaseUrl=" + this.oebBaseUrl + ", maxConcurrentCalls="
					+ this.maxConcurrentCalls + ", maxQueueWait=" + this.maxQueueWait + "]";
		}

	}

}

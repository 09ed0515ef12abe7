package org.oeb.bridge.gateway.tenancy;

import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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

	/**
	 * Not an institution id: routes are named {@code oeb-{id}}, and {@code oeb-no-institution}
	 * is the route of every {@code /oeb/**} path no institution serves.
	 */
	public static final String NO_INSTITUTION = "no-institution";

	public TenancyProperties {
		institutions = (institutions != null) ? Map.copyOf(institutions) : Map.of();
		Map<String, String> ownerOfHash = new HashMap<>();
		for (Map.Entry<String, Institution> entry : institutions.entrySet()) {
			String id = entry.getKey();
			if (!INSTITUTION_ID.matcher(id).matches()) {
				throw new IllegalArgumentException(PREFIX + "." + id
						+ ": an institution id must be lower-case letters, digits and '-' (at most 63 characters)");
			}
			if (id.equals(NO_INSTITUTION)) {
				throw new IllegalArgumentException(PREFIX + "." + id + ": '" + NO_INSTITUTION
						+ "' is reserved (the gateway's route for paths that serve no institution has that name); "
						+ "choose another institution id");
			}
			List<ApiKey> keys = entry.getValue().apiKeys();
			for (int i = 0; i < keys.size(); i++) {
				String hash = keys.get(i).sha256();
				String key = PREFIX + "." + id + ".api-keys[" + i + "].sha256";
				if (hash == null || !SHA256_HEX.matcher(hash).matches()) {
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
	 * @param apiKeys the connector API keys accepted for this institution (several allow
	 * rotation), each as its SHA-256 with the operations it may call
	 * @param oebBaseUrl OEB base URL for this institution, when it differs from
	 * {@code bridge.gateway.oeb.base-url}
	 * @param maxConcurrentCalls upstream calls in flight at once for this institution, per
	 * gateway replica
	 * @param maxQueueWait how long a call over that limit waits for a free slot before it is
	 * answered 429
	 */
	public record Institution(@NotBlank String clientId, @NotBlank String clientSecret,
			@NotEmpty List<@Valid @NotNull ApiKey> apiKeys, URI oebBaseUrl,
			@DefaultValue("16") @Min(1) int maxConcurrentCalls, @DefaultValue("2s") @NotNull Duration maxQueueWait) {

		public Institution {
			apiKeys = (apiKeys != null) ? List.copyOf(apiKeys) : List.of();
		}

		@Override
		public String toString() {
			return "Institution[clientId=" + this.clientId + ", clientSecret=******, apiKeys=("
					+ this.apiKeys.size() + " keys), oebBaseUrl=" + this.oebBaseUrl + ", maxConcurrentCalls="
					+ this.maxConcurrentCalls + ", maxQueueWait=" + this.maxQueueWait + "]";
		}

	}

	/**
	 * One accepted connector key.
	 *
	 * @param sha256 lower-case hex SHA-256 of the key: {@code printf %s "$KEY" | sha256sum}
	 * @param operations what the key may do; {@code issue, sync} unless configured
	 */
	public record ApiKey(@NotBlank String sha256, @DefaultValue({ "issue", "sync" }) Set<Operation> operations) {

		public ApiKey {
			sha256 = (sha256 != null) ? sha256.trim().toLowerCase(Locale.ROOT) : null;
			operations = (operations == null || operations.isEmpty()) ? EnumSet.of(Operation.ISSUE, Operation.SYNC)
					: EnumSet.copyOf(operations);
		}

		@Override
		public String toString() {
			return "ApiKey[sha256=******, operations=" + this.operations + "]";
		}

	}

}

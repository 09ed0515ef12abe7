package org.oeb.bridge.common.wallet;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Wallet sync and the wallet API.
 *
 * @param enabled read OEB's change feeds and serve the wallet API
 * @param syncInterval how often each institution's change feeds are read
 * @param leaseTimeout how long a replica holds an institution's feeds without renewing
 * @param pageSize assertions per feed page ({@code num}, 1 to 500)
 * @param maxPagesPerCycle pages read per feed and cycle; the rest waits for the next cycle
 * @param learningPaths read the institution's learning paths for the learners' progress
 * @param oebPublicUrl OEB's public API host, for assertion and credential URLs
 * @param embedLanguage language of OEB's embedded pages when the caller names none
 * @param clients per institution, the keys of the campus systems that may read its wallets
 */
@Validated
@ConfigurationProperties(prefix = "bridge.wallet", ignoreUnknownFields = false)
public record WalletProperties(@DefaultValue("true") boolean enabled, @DefaultValue("1m") @NotNull Duration syncInterval,
		@DefaultValue("2m") @NotNull Duration leaseTimeout, @DefaultValue("100") @Min(1) @Max(500) int pageSize,
		@DefaultValue("50") @Min(1) int maxPagesPerCycle, @DefaultValue("true") boolean learningPaths,
		@DefaultValue("https://api.openbadges.education") @NotNull URI oebPublicUrl,
		@DefaultValue("en") @NotNull String embedLanguage, Map<String, Client> clients) {

	private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

	public WalletProperties {
		clients = (clients != null) ? Map.copyOf(clients) : Map.of();
		if (syncInterval.isNegative() || syncInterval.isZero()) {
			throw new IllegalArgumentException("bridge.wallet.sync-interval must be positive");
		}
		if (leaseTimeout.compareTo(Duration.ofSeconds(10)) < 0) {
			throw new IllegalArgumentException("bridge.wallet.lease-timeout must be at least 10s");
		}
		if (!"de".equals(embedLanguage) && !"en".equals(embedLanguage)) {
			throw new IllegalArgumentException("bridge.wallet.embed-language must be 'de' or 'en' (OEB's languages)");
		}
		String scheme = oebPublicUrl.getScheme();
		if (!"https".equals(scheme) && !"http".equals(scheme) || oebPublicUrl.getHost() == null) {
			throw new IllegalArgumentException("bridge.wallet.oeb-public-url must be an http(s) URL, got '"
					+ oebPublicUrl + "'");
		}
		clients.forEach((institution, client) -> {
			List<String> hashes = (client != null) ? client.keySha256() : List.of();
			if (hashes.isEmpty()) {
				throw new IllegalArgumentException("bridge.wallet.clients." + institution
						+ ".key-sha256 must list at least one key hash");
			}
			for (int i = 0; i < hashes.size(); i++) {
				if (hashes.get(i) == null || !SHA256_HEX.matcher(hashes.get(i)).matches()) {
					throw new IllegalArgumentException("bridge.wallet.clients." + institution + ".key-sha256[" + i
							+ "] must be the SHA-256 of the key as 64 lower-case hex digits (echo -n KEY | sha256sum), "
							+ "never the key itself");
				}
			}
		});
	}

	/** A campus system's keys for one institution, stored as SHA-256 hex. */
	public record Client(List<String> keySha256) {

		public Client {
			keySha256 = (keySha256 != null) ? List.copyOf(keySha256) : List.of();
		}

	}

}

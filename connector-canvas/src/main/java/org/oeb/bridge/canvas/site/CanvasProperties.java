package org.oeb.bridge.canvas.site;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.validation.annotation.Validated;

/**
 * The Canvas site of each institution (the ids match {@code bridge.awards.institutions}).
 *
 * @param institutions by institution id
 */
@Validated
@ConfigurationProperties(prefix = "bridge.canvas", ignoreUnknownFields = false)
public record CanvasProperties(@NotEmpty Map<String, @Valid @NotNull Site> institutions) {

	public CanvasProperties {
		institutions = (institutions != null) ? Map.copyOf(institutions) : Map.of();
		institutions.forEach((id, site) -> {
			String key = "bridge.canvas.institutions." + id;
			if (site.url() != null && (site.url().getScheme() == null || site.url().getHost() == null
					|| !site.url().getScheme().startsWith("http"))) {
				throw new IllegalArgumentException(key + ".url must be the site's absolute http(s) root, e.g. "
						+ "https://canvas.uni-a.example (got '" + site.url() + "')");
			}
			boolean pat = site.accessToken() != null && !site.accessToken().isBlank();
			boolean oauth = site.oauth() != null;
			if (pat == oauth) {
				throw new IllegalArgumentException(key + " needs exactly one of access-token (a personal access token, "
						+ "for pilots) and oauth.client-id/client-secret/refresh-token (a developer key)");
			}
			if (site.liveEvents() != null && (site.rootAccountUuid() == null || site.rootAccountUuid().isBlank())) {
				throw new IllegalArgumentException(key + ".root-account-uuid is required with live-events: it binds "
						+ "each event to its institution (Canvas: the root account's uuid)");
			}
			if (site.sweepCron() != null && !CronExpression.isValidExpression(site.sweepCron())) {
				throw new IllegalArgumentException(key + ".sweep-cron is not a valid cron expression "
						+ "(six fields, e.g. '0 30 2 * * *'): '" + site.sweepCron() + "'");
			}
			if (!site.recheckWithin().isZero() && site.recheckWithin().compareTo(site.pollInterval()) < 0) {
				throw new IllegalArgumentException(key + ".recheck-within (" + site.recheckWithin()
						+ ") must be at least poll-interval (" + site.pollInterval() + "), or 0 to turn it off");
			}
		});
	}

	/**
	 * One Canvas site.
	 *
	 * @param url the site's root, e.g. {@code https://canvas.uni-a.example}
	 * @param rootAccountUuid the root account's uuid: Live Events of other accounts are refused
	 * @param accessToken a personal access token of the connector's user (pilots), or none
	 * @param oauth a developer key with the connector user's refresh token, or none
	 * @param pollInterval time between poll cycles of a course
	 * @param sweepCron when the full sweep runs (six-field cron, server time zone)
	 * @param leaseTimeout a course lease lapses this long after its replica stopped renewing it
	 * @param recheckWithin every open learner is read again within this bound; 0 turns it off
	 * @param maxConcurrentRequests requests in flight per token (Canvas throttles parallel ones)
	 * @param slowDownBelow below this {@code X-Rate-Limit-Remaining} calls wait for the bucket
	 * to drain (10 units a second)
	 * @param throttleBackoff first wait after a throttled answer, doubled (with jitter) per retry
	 * @param requestTimeout how long one call may take
	 * @param gradedOverlap the graded-submission feed is read from this far before the cursor
	 * (Canvas recomputes course scores asynchronously)
	 * @param score which course score grade rules compare: {@code final} (ungraded work counts
	 * as 0) or {@code current}; an override score always wins
	 * @param liveEvents the signed Live Events subscription, or none
	 */
	public record Site(@NotNull URI url, String rootAccountUuid, String accessToken, @Valid OAuth oauth,
			@DefaultValue("5m") @NotNull Duration pollInterval, @DefaultValue("0 30 2 * * *") String sweepCron,
			@DefaultValue("2m") @NotNull Duration leaseTimeout, @DefaultValue("6h") @NotNull Duration recheckWithin,
			@DefaultValue("1") @Min(1) @Max(2) int maxConcurrentRequests,
			@DefaultValue("150") @Min(0) double slowDownBelow, @DefaultValue("2s") @NotNull Duration throttleBackoff,
			@DefaultValue("60s") @NotNull Duration requestTimeout, @DefaultValue("10m") @NotNull Duration gradedOverlap,
			@DefaultValue("final") @NotNull Score score, @Valid LiveEvents liveEvents) {

		@Override
		public String toString() {
			return "Site[url=" + this.url + ", accessToken=******, oauth=" + this.oauth + ", pollInterval="
					+ this.pollInterval + "]";
		}

	}

	/** Which course score grade rules read. */
	public enum Score {

		/** ungraded work counts as 0 */
		FINAL,
		/** only graded work counts */
		CURRENT

	}

	/**
	 * A Canvas developer key and the refresh token the connector's user granted it.
	 *
	 * @param clientId the developer key's id
	 * @param clientSecret the developer key's secret
	 * @param refreshToken the refresh token (a Secret)
	 * @param tokenUri the token endpoint; {@code <url>/login/oauth2/token} when not set
	 */
	public record OAuth(@NotBlank String clientId, @NotBlank String clientSecret, @NotBlank String refreshToken,
			URI tokenUri) {

		@Override
		public String toString() {
			return "OAuth[clientId=" + this.clientId + ", clientSecret=******, refreshToken=******]";
		}

	}

	/**
	 * The signed HTTPS Live Events subscription.
	 *
	 * @param jwksUrl where Canvas Data Services publishes its signing keys
	 * @param maxClockSkew tolerance for {@code exp} and {@code iat}
	 */
	public record LiveEvents(
			@DefaultValue("https://8axpcl50e4.execute-api.us-east-1.amazonaws.com/main/jwks") @NotNull URI jwksUrl,
			@DefaultValue("5m") @NotNull Duration maxClockSkew) {
	}

}

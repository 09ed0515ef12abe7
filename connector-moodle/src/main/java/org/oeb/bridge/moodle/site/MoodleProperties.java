package org.oeb.bridge.moodle.site;

import java.net.URI;
import java.time.Duration;
import java.util.List;
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
 * The Moodle site of each institution (the ids match {@code bridge.awards.institutions}).
 *
 * @param institutions by institution id
 */
@Validated
@ConfigurationProperties(prefix = "bridge.moodle", ignoreUnknownFields = false)
public record MoodleProperties(@NotEmpty Map<String, @Valid @NotNull Site> institutions) {

	public MoodleProperties {
		institutions = (institutions != null) ? Map.copyOf(institutions) : Map.of();
		institutions.forEach((id, site) -> {
			String key = "bridge.moodle.institutions." + id;
			if (site.url() != null && (site.url().getScheme() == null || site.url().getHost() == null
					|| !site.url().getScheme().startsWith("http"))) {
				throw new IllegalArgumentException(key + ".url must be the site's absolute http(s) wwwroot, e.g. "
						+ "https://moodle.uni-a.example (got '" + site.url() + "')");
			}
			if (site.token() != null && !site.token().matches("[0-9a-fA-F]{32}")) {
				throw new IllegalArgumentException(key + ".token must be a 32-character Moodle web service token");
			}
			if (site.recheckWithin() != null && !site.recheckWithin().isZero()
					&& site.recheckWithin().compareTo(site.pollInterval()) < 0) {
				throw new IllegalArgumentException(key + ".recheck-within (" + site.recheckWithin()
						+ ") must be at least poll-interval (" + site.pollInterval() + "), or 0 to turn it off");
			}
			if (site.completionReport() != null && site.completionReport().timeZone() != null) {
				try {
					java.time.ZoneId.of(site.completionReport().timeZone());
				}
				catch (java.time.DateTimeException ex) {
					throw new IllegalArgumentException(key + ".completion-report.time-zone is not a time zone id "
							+ "(e.g. Europe/Berlin): '" + site.completionReport().timeZone() + "'");
				}
			}
			if (site.sweepCron() != null && !CronExpression.isValidExpression(site.sweepCron())) {
				throw new IllegalArgumentException(key + ".sweep-cron is not a valid cron expression "
						+ "(six fields, e.g. '0 30 2 * * *'): '" + site.sweepCron() + "'");
			}
		});
	}

	/**
	 * One Moodle site.
	 *
	 * @param url the site's wwwroot
	 * @param token the web service token of the connector's Moodle user
	 * @param webhookSecret shared secret the webhook plugin sends; without it hints are refused
	 * @param pollInterval time between poll cycles of a course
	 * @param sweepCron when the full sweep runs (six-field cron, server time zone)
	 * @param learnerRoles role short names that count as learners
	 * @param maxConcurrentRequests requests in flight to this site at once, per replica
	 * @param maxArrayEntries array entries per request, below PHP's {@code max_input_vars}
	 * @param requestTimeout how long one Web Services call may take
	 * @param leaseTimeout a poll cycle's lease lapses this long after its replica stopped
	 * renewing it (a replica renews it while the cycle runs)
	 * @param recheckWithin every learner not yet awarded is read again within this bound, a
	 * slice per cycle, to find completions that no change signal shows (cron criteria,
	 * overrides); {@code 0} turns it off
	 * @param completionReport a custom report the admin built as a completion feed, or none
	 */
	public record Site(@NotNull URI url, @NotBlank String token, String webhookSecret,
			@DefaultValue("5m") @NotNull Duration pollInterval, @DefaultValue("0 30 2 * * *") String sweepCron,
			@DefaultValue("student") List<String> learnerRoles,
			@DefaultValue("4") @Min(1) @Max(32) int maxConcurrentRequests,
			@DefaultValue("500") @Min(10) @Max(1000) int maxArrayEntries,
			@DefaultValue("120s") @NotNull Duration requestTimeout,
			@DefaultValue("2m") @NotNull Duration leaseTimeout, @DefaultValue("6h") @NotNull Duration recheckWithin,
			@Valid CompletionReport completionReport) {

		@Override
		public String toString() {
			return "Site[url=" + this.url + ", token=******, webhookSecret=******, pollInterval=" + this.pollInterval
					+ ", recheckWithin=" + this.recheckWithin + "]";
		}

	}

	/**
	 * A Moodle 4.1+ custom report from the "Course participants" source that lists course
	 * completions (see the README for how an administrator builds it).
	 *
	 * @param id the report's id (the {@code id} in its URL)
	 * @param timeZone the time zone of the connector's Moodle user, in which Moodle formats
	 * "Time completed"
	 * @param perPage rows per call
	 */
	public record CompletionReport(@Min(1) int id, @DefaultValue("UTC") @NotBlank String timeZone,
			@DefaultValue("500") @Min(1) @Max(5000) int perPage) {
	}

}

package org.oeb.bridge.moodle.site;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health component {@code moodle}: per institution whether its site can be polled, and if not
 * the errorcode and what to fix (the missing function or capability); also learners whose
 * e-mail Moodle hides from the connector.
 */
public class MoodleHealthIndicator implements HealthIndicator {

	private final MoodleSites sites;

	public MoodleHealthIndicator(MoodleSites sites) {
		this.sites = sites;
	}

	@Override
	public Health health() {
		boolean down = false;
		Map<String, Object> details = new LinkedHashMap<>();
		for (String institution : this.sites.institutions()) {
			SiteStatus status = this.sites.status(institution);
			Map<String, Object> site = new LinkedHashMap<>();
			site.put("url", this.sites.client(institution).wwwroot().toString());
			site.put("status", status.state().name());
			if (status.errorCode() != null) {
				site.put("errorcode", status.errorCode());
			}
			if (status.message() != null) {
				site.put("problem", status.message());
			}
			if (!status.missingFunctions().isEmpty()) {
				site.put("missingFunctions", status.missingFunctions());
			}
			String identity = this.sites.identityProblem(institution);
			if (identity != null) {
				site.put("identity", identity);
			}
			site.put("checkedAt", status.checkedAt().toString());
			down |= status.state() == SiteStatus.State.MISCONFIGURED || identity != null;
			details.put(institution, site);
		}
		return (down ? Health.down() : Health.up()).withDetails(details).build();
	}

}

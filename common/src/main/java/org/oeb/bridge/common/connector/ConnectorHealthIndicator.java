package org.oeb.bridge.common.connector;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health component named after the LMS ({@code moodle}, {@code canvas}): per institution whether
 * its site can be polled, and if not the error code and what to fix; courses that fail on
 * their own; learners whose e-mail the LMS hides. Details go to operators only (see the
 * connector's {@code management.endpoint.health} settings).
 */
public class ConnectorHealthIndicator implements HealthIndicator {

	private final ConnectorSites sites;

	public ConnectorHealthIndicator(ConnectorSites sites) {
		this.sites = sites;
	}

	@Override
	public Health health() {
		boolean down = false;
		Map<String, Object> details = new LinkedHashMap<>();
		for (String institution : this.sites.institutions()) {
			SiteStatus status = this.sites.status(institution);
			Map<String, Object> site = describe(status);
			site.put("url", this.sites.source().siteUrl(institution).toString());
			Map<String, SiteStatus> courses = this.sites.courseProblems(institution);
			if (!courses.isEmpty()) {
				Map<String, Object> problems = new LinkedHashMap<>();
				courses.forEach((course, problem) -> problems.put(course, describe(problem)));
				site.put("failingCourses", problems);
			}
			Map<String, String> notes = this.sites.courseNotes(institution);
			if (!notes.isEmpty()) {
				site.put("courseNotes", notes);
			}
			String identity = this.sites.identityProblem(institution);
			if (identity != null) {
				site.put("identity", identity);
			}
			down |= status.state() == SiteStatus.State.MISCONFIGURED || identity != null || !courses.isEmpty();
			details.put(institution, site);
		}
		return (down ? Health.down() : Health.up()).withDetails(details).build();
	}

	private static Map<String, Object> describe(SiteStatus status) {
		Map<String, Object> described = new LinkedHashMap<>();
		described.put("status", status.state().name());
		if (status.errorCode() != null) {
			described.put("errorcode", status.errorCode());
		}
		if (status.message() != null) {
			described.put("problem", status.message());
		}
		if (!status.missingFunctions().isEmpty()) {
			described.put("missingFunctions", status.missingFunctions());
		}
		described.put("checkedAt", status.checkedAt().toString());
		return described;
	}

}

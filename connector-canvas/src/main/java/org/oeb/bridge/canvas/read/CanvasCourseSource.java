package org.oeb.bridge.canvas.read;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.oeb.bridge.canvas.site.CanvasException;
import org.oeb.bridge.canvas.site.CanvasProperties;
import org.oeb.bridge.canvas.site.CanvasSites;
import org.oeb.bridge.common.connector.CourseRead;
import org.oeb.bridge.common.connector.CourseSource;
import org.oeb.bridge.common.connector.PollSettings;
import org.oeb.bridge.common.connector.SiteStatus;
import org.oeb.bridge.common.rules.Rule;
import org.oeb.bridge.common.rules.RuleNeeds;

/** Canvas as the connector kit reads it: one site per institution, through its REST API. */
public class CanvasCourseSource implements CourseSource {

	private final CanvasSites sites;

	/** What the last recorded cycle of each course saw, to tell changed learners apart. */
	private final Map<String, Map<String, String>> snapshots = new ConcurrentHashMap<>();

	private final Map<String, String> courseNames = new ConcurrentHashMap<>();

	public CanvasCourseSource(CanvasSites sites) {
		this.sites = sites;
	}

	@Override
	public String lms() {
		return "canvas";
	}

	@Override
	public Set<String> institutions() {
		return this.sites.institutions();
	}

	@Override
	public PollSettings settings(String institution) {
		CanvasProperties.Site site = this.sites.site(institution);
		return new PollSettings(site.pollInterval(), site.sweepCron(), site.leaseTimeout(), site.recheckWithin(),
				site.maxConcurrentRequests());
	}

	@Override
	public URI siteUrl(String institution) {
		return this.sites.client(institution).root();
	}

	/** Asks {@code users/self}: is the token (or the refresh token) accepted? */
	@Override
	public SiteStatus check(String institution, List<Rule> rules) {
		try {
			this.sites.client(institution).get("/api/v1/users/self");
			return SiteStatus.ok();
		}
		catch (CanvasException ex) {
			return SiteStatus.of(ex);
		}
		catch (RuntimeException ex) {
			return SiteStatus.of(new CanvasException(0, "unexpected", false, true, "users/self failed: " + ex));
		}
	}

	@Override
	public CourseRead course(String institution, String course, RuleNeeds needs) {
		String key = institution + "/" + course;
		return new CanvasCourseRead(institution, this.sites.client(institution), this.sites.site(institution), course,
				needs, this.snapshots.getOrDefault(key, Map.of()), (seen) -> this.snapshots.put(key, seen),
				() -> this.courseNames.get(key), (name) -> this.courseNames.put(key, name));
	}

	@Override
	public String hiddenEmailAdvice() {
		return "Canvas shows the connector no e-mail addresses: enable \"Allow Include Parameters\" on the developer "
				+ "key and give the connector's user \"Users - view primary email address\" (read_email_addresses); "
				+ "learners wait as pending-identity until then";
	}

	@Override
	public long calls(String institution) {
		return this.sites.client(institution).callCount();
	}

}

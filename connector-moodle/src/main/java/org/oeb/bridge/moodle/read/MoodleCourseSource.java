package org.oeb.bridge.moodle.read;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.oeb.bridge.common.connector.CourseRead;
import org.oeb.bridge.common.connector.CourseSource;
import org.oeb.bridge.common.connector.PollSettings;
import org.oeb.bridge.common.connector.SiteStatus;
import org.oeb.bridge.common.rules.Rule;
import org.oeb.bridge.common.rules.RuleNeeds;
import org.oeb.bridge.moodle.site.MoodleException;
import org.oeb.bridge.moodle.site.MoodleProperties;
import org.oeb.bridge.moodle.site.MoodleSites;
import tools.jackson.databind.JsonNode;

/** Moodle as the connector kit reads it: one site per institution, through Web Services. */
public class MoodleCourseSource implements CourseSource {

	private final MoodleSites sites;

	private final MoodleReader reader = new MoodleReader();

	private final Map<String, CompletionFeed> feeds = new ConcurrentHashMap<>();

	public MoodleCourseSource(MoodleSites sites) {
		this.sites = sites;
		for (String institution : sites.institutions()) {
			MoodleProperties.Site site = sites.site(institution);
			if (site.completionReport() != null) {
				this.feeds.put(institution, new CompletionFeed(sites.client(institution), site.completionReport()));
			}
		}
	}

	@Override
	public String lms() {
		return "moodle";
	}

	@Override
	public Set<String> institutions() {
		return this.sites.institutions();
	}

	@Override
	public PollSettings settings(String institution) {
		MoodleProperties.Site site = this.sites.site(institution);
		return new PollSettings(site.pollInterval(), site.sweepCron(), site.leaseTimeout(), site.recheckWithin(),
				site.maxConcurrentRequests());
	}

	@Override
	public URI siteUrl(String institution) {
		return this.sites.client(institution).wwwroot();
	}

	/**
	 * Asks {@code core_webservice_get_site_info}: is the token valid, and does the external
	 * service enable every function the rules need? Then reads the completion report, if one
	 * is configured, to see that it exists and has the columns the feed needs.
	 */
	@Override
	public SiteStatus check(String institution, List<Rule> rules) {
		try {
			JsonNode info = this.sites.client(institution).call("core_webservice_get_site_info", Map.of());
			Set<String> enabled = new TreeSet<>();
			info.path("functions").forEach((function) -> enabled.add(function.path("name").asString("")));
			Set<String> missing = new TreeSet<>(functions(institution, rules));
			missing.removeAll(enabled);
			if (!missing.isEmpty()) {
				return SiteStatus.missing(missing, "functions missing from the connector's external service: "
						+ String.join(", ", missing)
						+ " (Site administration > Server > Web services > External services > Functions)");
			}
			CompletionFeed feed = this.feeds.get(institution);
			if (feed != null) {
				feed.verify();
			}
			return SiteStatus.ok();
		}
		catch (MoodleException ex) {
			return SiteStatus.of(ex);
		}
	}

	/** The Web Services functions the connector calls for these rules. */
	Set<String> functions(String institution, List<Rule> rules) {
		// grades are read for every course: a teacher's grading is the change signal of completions too
		Set<String> functions = new TreeSet<>(Set.of("core_webservice_get_site_info", "core_enrol_get_enrolled_users",
				"gradereport_user_get_grade_items"));
		RuleNeeds needs = RuleNeeds.ofAllCourses(rules);
		if (!needs.courseCompletionRules().isEmpty()) {
			functions.add("core_completion_get_course_completion_status");
		}
		if (!needs.activityRules().isEmpty()) {
			functions.add("core_completion_get_activities_completion_status");
		}
		if (this.feeds.containsKey(institution)) {
			functions.add("core_reportbuilder_retrieve_report");
		}
		return functions;
	}

	@Override
	public CourseRead course(String institution, String course, RuleNeeds needs) {
		return new MoodleCourseRead(institution, this.sites.client(institution), course,
				this.sites.site(institution).learnerRoles(), this.reader, this.feeds.get(institution));
	}

	@Override
	public String hiddenEmailAdvice() {
		return "Moodle shows the connector no e-mail addresses: give the connector's role the capability "
				+ "moodle/course:useremail (or add email to Site administration > Users > Permissions > Show user "
				+ "identity); learners wait as pending-identity until then";
	}

	@Override
	public long calls(String institution) {
		return this.sites.client(institution).callCount();
	}

}

package org.oeb.bridge.common.connector;

import java.net.URI;
import java.util.List;
import java.util.Set;

import org.oeb.bridge.common.rules.Rule;
import org.oeb.bridge.common.rules.RuleNeeds;

/**
 * What an LMS connector gives the kit: its sites and how to read one course. Everything else
 * (scheduling, leases, cursors, choosing whom to read, hints, health, the award engine) is the
 * kit's. A connector declares one bean of this type.
 */
public interface CourseSource {

	/** The LMS, as named in progress, metrics and health: {@code moodle}, {@code canvas}. */
	String lms();

	/** The institutions that have a site. */
	Set<String> institutions();

	/** How the kit polls the institution's site. */
	PollSettings settings(String institution);

	/** The site's root, shown to operators in health. */
	URI siteUrl(String institution);

	/**
	 * Checks the site: reachable, credentials valid, and everything {@code rules} need allowed.
	 * Never throws for an LMS failure; reports it.
	 */
	SiteStatus check(String institution, List<Rule> rules);

	/**
	 * Starts reading one course for one cycle or one hint; nothing is called until the
	 * returned object is asked. Calls fail with {@link LmsFailure}.
	 */
	CourseRead course(String institution, String course, RuleNeeds needs);

	/**
	 * What an administrator must change when the LMS shows the connector no learner's e-mail
	 * (learners wait as {@code pending-identity} until then).
	 */
	String hiddenEmailAdvice();

	/** Calls made to the institution's site so far (a cycle's cost is the difference). */
	long calls(String institution);

}

package org.oeb.bridge.common.lti;

/**
 * Renders the page a learner sees after a verified launch; a connector (or the wallet feature)
 * provides its own bean to replace the plain default.
 */
public interface LaunchedLearnerPage {

	/** The complete HTML document; everything taken from the launch must be HTML-escaped. */
	String render(VerifiedLaunch launch);

}

package org.oeb.bridge.common.lti;

import static org.springframework.web.util.HtmlUtils.htmlEscape;

/** The page while no wallet is configured: the heading, the learner's name and a note. */
class PlainLearnerPage implements LaunchedLearnerPage {

	@Override
	public String render(VerifiedLaunch launch) {
		String name = (launch.name() != null && !launch.name().isBlank()) ? launch.name() : "Learner";
		return """
				<!DOCTYPE html>
				<html lang="%s">
				<head>
				<meta charset="utf-8">
				<meta name="viewport" content="width=device-width, initial-scale=1">
				<title>My badges</title>
				</head>
				<body>
				<h1>My badges</h1>
				<p>%s</p>
				<p>No badge wallet is configured for this site yet.</p>
				</body>
				</html>
				""".formatted(htmlEscape(launch.locale()), htmlEscape(name));
	}

}

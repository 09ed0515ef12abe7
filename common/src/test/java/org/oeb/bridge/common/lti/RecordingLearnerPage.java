package org.oeb.bridge.common.lti;

import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;

/** The default page, remembering each launch it rendered so that a test can look at it. */
class RecordingLearnerPage implements LaunchedLearnerPage {

	private final LaunchedLearnerPage plain = new PlainLearnerPage();

	private final BlockingDeque<VerifiedLaunch> rendered = new LinkedBlockingDeque<>();

	@Override
	public String render(VerifiedLaunch launch) {
		this.rendered.add(launch);
		return this.plain.render(launch);
	}

	VerifiedLaunch last() {
		return this.rendered.peekLast();
	}

}

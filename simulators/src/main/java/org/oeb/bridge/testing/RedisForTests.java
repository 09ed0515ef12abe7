package org.oeb.bridge.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Makes sure a real Redis answers before any test runs ({@link LocalRedis}); registered with
 * JUnit for every module whose tests depend on the simulators.
 */
public final class RedisForTests implements LauncherSessionListener {

	@Override
	public void launcherSessionOpened(LauncherSession session) {
		LocalRedis.ensureRunning();
	}

	@Override
	public void launcherSessionClosed(LauncherSession session) {
		LocalRedis.stopEmbedded();
	}

}

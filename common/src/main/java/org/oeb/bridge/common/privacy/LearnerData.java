package org.oeb.bridge.common.privacy;

import java.util.Map;

/**
 * One holder of data about learners (the award ledger, the wallet projection, a connector's
 * change-detection state), so that an operator can export and erase all of it for one learner.
 */
public interface LearnerData {

	/** What this holder keeps about the learner, under a name of its own. */
	String name();

	Map<String, Object> export(String institution, String userId);

	/** Erases what this holder keeps about the learner; returns the number of entries removed. */
	long erase(String institution, String userId);

}

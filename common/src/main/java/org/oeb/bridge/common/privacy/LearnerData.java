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

	/** A holder named {@code name} that exports and erases with the given functions. */
	static LearnerData of(String name, java.util.function.BiFunction<String, String, Map<String, Object>> export,
			java.util.function.ToLongBiFunction<String, String> erase) {
		return new LearnerData() {

			@Override
			public String name() {
				return name;
			}

			@Override
			public Map<String, Object> export(String institution, String userId) {
				return export.apply(institution, userId);
			}

			@Override
			public long erase(String institution, String userId) {
				return erase.applyAsLong(institution, userId);
			}

		};
	}

}

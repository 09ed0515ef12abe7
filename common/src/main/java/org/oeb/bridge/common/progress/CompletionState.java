package org.oeb.bridge.common.progress;

import java.util.Locale;

/** Completion state of an activity (Moodle's four states; Canvas maps onto them). */
public enum CompletionState {

	INCOMPLETE, COMPLETE, COMPLETE_PASS, COMPLETE_FAIL;

	/** The configuration spelling: {@code complete-pass}. */
	public String configName() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	public static CompletionState fromConfigName(String name) {
		for (CompletionState state : values()) {
			if (state.configName().equals(name)) {
				return state;
			}
		}
		throw new IllegalArgumentException("unknown completion state '" + name
				+ "' (known: incomplete, complete, complete-pass, complete-fail)");
	}

}

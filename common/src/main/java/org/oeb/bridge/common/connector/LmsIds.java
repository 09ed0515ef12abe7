package org.oeb.bridge.common.connector;

import tools.jackson.databind.JsonNode;

/** LMS ids as the connectors accept them from LMS answers and webhooks. */
public final class LmsIds {

	private LmsIds() {
	}

	/**
	 * A positive integer id, sent as a JSON number or as a string (webhook plugins send
	 * strings); {@code null} for anything else: negative, zero, fractional, too long, not a number.
	 */
	public static String positive(JsonNode value) {
		String text = value.isIntegralNumber() ? Long.toString(value.asLong())
				: (value.isString() ? value.asString().trim() : null);
		return (text != null && text.matches("[1-9][0-9]{0,18}")) ? text : null;
	}

}

package org.oeb.bridge.gateway.tenancy;

import java.util.Locale;

/**
 * What a connector key may do at OEB. A key is granted a set of these; every OEB call the
 * gateway forwards belongs to exactly one of them.
 */
public enum Operation {

	/** Issue an award of a badge class and look awards of a badge class up. */
	ISSUE,

	/** Read the change feeds, badge classes, issuers, assertions and learning paths. */
	SYNC,

	/** Ask for a single-use iframe URL showing a learner's badges, competencies or paths. */
	EMBED,

	/** Create, edit and delete badge classes and learning paths. */
	MANAGE,

	/** Revoke awards. */
	REVOKE;

	/** The name used in configuration, metrics and error messages. */
	public String configName() {
		return name().toLowerCase(Locale.ROOT);
	}

}

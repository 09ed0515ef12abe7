package org.oeb.bridge.canvas.site;

import org.oeb.bridge.common.connector.LmsFailure;

/**
 * A Canvas call that did not return data. A bad token, missing scopes or a refused refresh
 * stop the site; a course Canvas does not show the connector (404, or a permission refused for
 * that course) stops only the course; throttling and server errors are retried first.
 */
public class CanvasException extends LmsFailure {

	private final int status;

	public CanvasException(int status, String errorCode, boolean needsAdministrator, boolean siteWide,
			String message) {
		super(errorCode, needsAdministrator, siteWide, message);
		this.status = status;
	}

	/** The HTTP status, or 0 when no answer came. */
	public int status() {
		return this.status;
	}

}

package org.oeb.bridge.common.connector;

/**
 * A call to the LMS that failed. The kit decides from it what stops: a site-wide failure (bad
 * credentials, the LMS down) stops the site's polling until a check passes; any other failure
 * in a course cycle (a deleted course, a capability missing in one category) marks that
 * course and lets the other courses go on.
 */
public class LmsFailure extends RuntimeException {

	private final String errorCode;

	private final boolean needsAdministrator;

	private final boolean siteWide;

	/**
	 * @param errorCode the LMS's own error code, or {@code null}
	 * @param needsAdministrator true when only an administrator can fix it (retrying will not)
	 * @param siteWide true when it affects every course of the site
	 * @param message what went wrong, for health and logs
	 */
	public LmsFailure(String errorCode, boolean needsAdministrator, boolean siteWide, String message) {
		super(message);
		this.errorCode = errorCode;
		this.needsAdministrator = needsAdministrator;
		this.siteWide = siteWide;
	}

	public String errorCode() {
		return this.errorCode;
	}

	public boolean needsAdministrator() {
		return this.needsAdministrator;
	}

	public boolean siteWide() {
		return this.siteWide;
	}

}

package org.oeb.bridge.common.lti;

/**
 * Why a login initiation or a launch was refused: the HTTP status, a short code naming the
 * check that failed (also the metric's outcome) and a sentence for the administrator. Neither
 * ever contains a token, state, nonce or anything about the learner.
 */
final class LaunchRefused extends RuntimeException {

	private final int status;

	private final String code;

	LaunchRefused(int status, String code, String message) {
		super(message, null, false, false);
		this.status = status;
		this.code = code;
	}

	static LaunchRefused malformed(String code, String message) {
		return new LaunchRefused(400, code, message);
	}

	static LaunchRefused unauthorized(String code, String message) {
		return new LaunchRefused(401, code, message);
	}

	int status() {
		return this.status;
	}

	String code() {
		return this.code;
	}

}

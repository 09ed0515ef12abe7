package org.oeb.bridge.gateway.token;

import java.time.Duration;

/**
 * No token can be had for an institution right now. The message is safe to show to a
 * connector and to log: it names the institution and the reason, never a credential.
 */
public class TokenUnavailableException extends RuntimeException {

	private final String institution;

	private final String reason;

	private final Duration retryAfter;

	TokenUnavailableException(String institution, String reason, String message, Duration retryAfter) {
		super(message, null, false, false);
		this.institution = institution;
		this.reason = reason;
		this.retryAfter = retryAfter;
	}

	public String institution() {
		return this.institution;
	}

	/** A short machine-readable reason: {@code throttled}, {@code rejected}, {@code unavailable}. */
	public String reason() {
		return this.reason;
	}

	public Duration retryAfter() {
		return this.retryAfter;
	}

}

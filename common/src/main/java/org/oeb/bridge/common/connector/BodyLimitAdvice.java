package org.oeb.bridge.common.connector;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * A body that could not be read by a connector's controller: 413 when it went past
 * {@code max-body-size} while being read (a chunked body), 400 otherwise.
 */
@RestControllerAdvice
class BodyLimitAdvice {

	private static final Logger logger = LoggerFactory.getLogger(BodyLimitAdvice.class);

	@ExceptionHandler(HttpMessageNotReadableException.class)
	ResponseEntity<Map<String, String>> unreadable(HttpMessageNotReadableException failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof BodyLimitFilter.BodyTooLargeException tooLarge) {
				logger.warn("Refused a request body: {}", tooLarge.getMessage());
				return ResponseEntity.status(413)
					.body(Map.of("error", "body_too_large", "limit", Long.toString(tooLarge.limit())));
			}
		}
		return ResponseEntity.badRequest().body(Map.of("error", "the body could not be read"));
	}

}

package org.oeb.bridge.gateway.web;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;

/**
 * Writes the gateway's own error answers: a status, a machine-readable code and a sentence
 * for the operator. Messages must never carry credentials, keys or tokens.
 */
public final class ErrorResponses {

	private ErrorResponses() {
	}

	public static Mono<Void> write(ServerHttpResponse response, HttpStatus status, String code, String message) {
		return write(response, status, code, message, null);
	}

	public static Mono<Void> write(ServerHttpResponse response, HttpStatus status, String code, String message,
			Duration retryAfter) {
		response.setStatusCode(status);
		HttpHeaders headers = response.getHeaders();
		headers.setContentType(MediaType.APPLICATION_JSON);
		if (retryAfter != null) {
			headers.set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds(retryAfter)));
		}
		String body = "{\"status\":" + status.value() + ",\"error\":\"" + escape(code) + "\",\"message\":\""
				+ escape(message) + "\"}";
		DataBuffer buffer = response.bufferFactory().wrap(body.getBytes(StandardCharsets.UTF_8));
		return response.writeWith(Mono.just(buffer));
	}

	/** Whole seconds, rounded up, never below one: {@code Retry-After: 0} invites a hot loop. */
	public static long retryAfterSeconds(Duration retryAfter) {
		long millis = Math.max(retryAfter.toMillis(), 1);
		return Math.max(1, (millis + 999) / 1000);
	}

	private static String escape(String text) {
		StringBuilder escaped = new StringBuilder(text.length());
		for (char c : text.toCharArray()) {
			switch (c) {
				case '"' -> escaped.append("\\\"");
				case '\\' -> escaped.append("\\\\");
				case '\n' -> escaped.append("\\n");
				default -> {
					if (c < 0x20) {
						escaped.append(String.format("\\u%04x", (int) c));
					}
					else {
						escaped.append(c);
					}
				}
			}
		}
		return escaped.toString();
	}

}

package org.oeb.bridge.common.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import feign.Response;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/**
 * One answer of OEB (through the gateway) to a catalog call, or none: {@code status} 0 means the
 * call failed without an answer (a timeout, a reset connection), so OEB may or may not have done it.
 */
record OebAnswer(int status, JsonNode body, String text) {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final int MAX_ANSWER = 4 * 1024 * 1024;

	static OebAnswer of(Supplier<Response> call) {
		Response response;
		try {
			response = call.get();
		}
		catch (RuntimeException ex) {
			return new OebAnswer(0, MissingNode.getInstance(), String.valueOf(ex.getMessage()));
		}
		try (response) {
			String text = "";
			if (response.body() != null) {
				try (InputStream in = response.body().asInputStream()) {
					text = new String(in.readNBytes(MAX_ANSWER), StandardCharsets.UTF_8);
				}
			}
			JsonNode body;
			try {
				body = text.isBlank() ? MissingNode.getInstance() : JSON.readTree(text);
			}
			catch (RuntimeException ex) {
				body = MissingNode.getInstance();
			}
			return new OebAnswer(response.status(), body, text);
		}
		catch (IOException ex) {
			return new OebAnswer(0, MissingNode.getInstance(), String.valueOf(ex.getMessage()));
		}
	}

	boolean ok() {
		return this.status >= 200 && this.status < 300;
	}

	/**
	 * Whether OEB may have done what was asked although no success came back: no answer, or a
	 * gateway or server failure.
	 */
	boolean ambiguous() {
		return this.status == 0 || this.status >= 500;
	}

	/** The first object of a v2 envelope. */
	JsonNode result() {
		JsonNode result = this.body.path("result");
		return result.isArray() && !result.isEmpty() ? result.get(0) : MissingNode.getInstance();
	}

	/** Every object of a v2 envelope, or of a v1 array. */
	List<JsonNode> results() {
		List<JsonNode> all = new ArrayList<>();
		JsonNode list = this.body.isArray() ? this.body : this.body.path("result");
		if (list.isArray()) {
			list.forEach(all::add);
		}
		return all;
	}

	/** What went wrong, in OEB's words where it gave some; for operators. */
	String problem() {
		if (this.status == 0) {
			return "no answer from the gateway (" + this.text + ")";
		}
		List<String> parts = new ArrayList<>();
		String description = this.body.path("status").path("description").asString("");
		if (!description.isEmpty() && !"bad request".equals(description)) {
			parts.add(description);
		}
		JsonNode fieldErrors = this.body.path("fieldErrors");
		if (fieldErrors.isObject() && !fieldErrors.isEmpty() || fieldErrors.isString()) {
			parts.add("fieldErrors " + fieldErrors);
		}
		JsonNode validationErrors = this.body.path("validationErrors");
		if (validationErrors.isArray() && !validationErrors.isEmpty()) {
			parts.add("validationErrors " + validationErrors);
		}
		for (String field : List.of("error", "detail", "code")) {
			if (this.body.path(field).isString()) {
				parts.add(this.body.path(field).asString());
			}
		}
		if (parts.isEmpty() && this.body.isObject() && !this.body.isEmpty() && !this.body.has("status")) {
			parts.add(this.body.toString());
		}
		if (parts.isEmpty() && !this.text.isBlank()) {
			parts.add(this.text.length() > 300 ? this.text.substring(0, 300) + "…" : this.text);
		}
		return "HTTP " + this.status + (parts.isEmpty() ? "" : ": " + String.join("; ", parts));
	}

}

package org.oeb.bridge.common.wallet;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import feign.Response;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.oeb.bridge.common.issuance.GatewayClient;

/** The OEB reads of wallet sync, through the gateway, with OEB's envelopes unwrapped. */
class OebReads {

	private static final int MAX_BODY = 16 * 1024 * 1024;

	private final GatewayClient gateway;

	private final JsonMapper json = JsonMapper.builder().build();

	OebReads(GatewayClient gateway) {
		this.gateway = gateway;
	}

	/** One page of the {@code feed} change feed. */
	FeedPage changed(String institution, String apiKey, String feed, Map<String, String> query) {
		JsonNode body = read(() -> this.gateway.changed(institution, feed, apiKey, query), feed + " change feed");
		List<JsonNode> items = new ArrayList<>();
		body.path("result").forEach(items::add);
		JsonNode pagination = body.path("pagination");
		String next = pagination.path("hasNext").asBoolean(false) ? text(pagination.path("nextResults")) : null;
		if (pagination.path("hasNext").asBoolean(false) && next == null) {
			// taking it for the last page would move the cursor past the pages not read
			throw new OebReadException(502, feed + " change feed: more pages, but no link to the next one");
		}
		return new FeedPage(items, next, text(body.path("timestamp")));
	}

	Optional<JsonNode> badgeClass(String institution, String apiKey, String badgeClass) {
		try {
			JsonNode body = read(() -> this.gateway.badgeClass(institution, badgeClass, apiKey), "badge class");
			JsonNode first = body.path("result").path(0);
			return first.isObject() ? Optional.of(first) : Optional.empty();
		}
		catch (OebReadException ex) {
			if (ex.status() == 404) {
				return Optional.empty();
			}
			throw ex;
		}
	}

	List<JsonNode> learningPaths(String institution, String apiKey, String issuer) {
		JsonNode body = read(() -> this.gateway.learningPaths(institution, issuer, apiKey), "learning paths");
		List<JsonNode> paths = new ArrayList<>();
		if (body.isArray()) {
			body.forEach(paths::add);
		}
		return paths;
	}

	/** A single-use URL of OEB's page of {@code view} for the learner with {@code email}. */
	String embedUrl(String institution, String apiKey, String view, String email, String language) {
		ObjectNode request = this.json.createObjectNode().put("email", email).put("lang", language);
		JsonNode body = read(() -> this.gateway.embed(institution, view, apiKey, request.toString()), "embed URL");
		String url = text(body.path("url"));
		if (url == null || !(url.startsWith("https://") || url.startsWith("http://"))) {
			throw new OebReadException(502, "OEB answered the embed request without a URL");
		}
		return url;
	}

	/**
	 * Revokes an assertion in OEB. OEB answers 400 "already revoked" to a second call, which is
	 * how a call that timed out after OEB stored it is recognised when it is sent again.
	 */
	RevokeAnswer revoke(String institution, String apiKey, String assertion, String reason) {
		ObjectNode request = this.json.createObjectNode().put("revocation_reason", reason);
		Response response;
		try {
			response = this.gateway.revoke(institution, assertion, apiKey, request.toString());
		}
		catch (RuntimeException ex) {
			return RevokeAnswer.RETRY;
		}
		try (response) {
			int status = response.status();
			if (status == 200) {
				return RevokeAnswer.REVOKED;
			}
			if (status == 400) {
				String body = "";
				if (response.body() != null) {
					try (InputStream in = response.body().asInputStream()) {
						body = new String(in.readNBytes(64 * 1024), java.nio.charset.StandardCharsets.UTF_8);
					}
				}
				return body.contains("already revoked") ? RevokeAnswer.ALREADY_REVOKED : RevokeAnswer.REFUSED;
			}
			if (status == 404) {
				return RevokeAnswer.NOT_FOUND;
			}
			if (status == 403) {
				return RevokeAnswer.REFUSED;
			}
			return RevokeAnswer.RETRY;
		}
		catch (IOException ex) {
			return RevokeAnswer.RETRY;
		}
	}

	/** What became of a revocation. */
	enum RevokeAnswer {

		/** OEB revoked it now. */
		REVOKED,
		/** OEB holds it revoked already (an earlier call that timed out, or OEB's staff). */
		ALREADY_REVOKED,
		/** OEB does not know it, or not for this key's issuer. */
		NOT_FOUND,
		/** OEB or the gateway refused it (a key without the {@code revoke} operation, a bad request). */
		REFUSED,
		/** No answer, or a temporary failure: try again. */
		RETRY

	}

	private JsonNode read(Supplier<Response> call, String what) {
		Response response;
		try {
			response = call.get();
		}
		catch (RuntimeException ex) {
			throw new OebReadException(0, what + ": the gateway did not answer (" + ex.getClass().getSimpleName() + ")");
		}
		try (response) {
			if (response.status() != 200) {
				throw new OebReadException(response.status(), what + ": HTTP " + response.status());
			}
			if (response.body() == null) {
				throw new OebReadException(502, what + ": empty answer");
			}
			try (InputStream in = response.body().asInputStream()) {
				byte[] bytes = in.readNBytes(MAX_BODY + 1);
				if (bytes.length > MAX_BODY) {
					throw new OebReadException(502, what + ": answer larger than " + MAX_BODY + " bytes");
				}
				return this.json.readTree(bytes);
			}
		}
		catch (IOException ex) {
			throw new OebReadException(0, what + ": " + ex.getClass().getSimpleName());
		}
		catch (tools.jackson.core.JacksonException ex) {
			throw new OebReadException(502, what + ": not JSON");
		}
	}

	static String text(JsonNode node) {
		return (node == null || node.isNull() || node.isMissingNode()) ? null : node.asString();
	}

	/** One page of a change feed: its items, the URL of the next page, and OEB's time before the query. */
	record FeedPage(List<JsonNode> items, String next, String timestamp) {
	}

	/** OEB or the gateway refused or failed a read; {@code status} 0 when nothing answered. */
	static final class OebReadException extends RuntimeException {

		private final int status;

		OebReadException(int status, String message) {
			super(message);
			this.status = status;
		}

		int status() {
			return this.status;
		}

	}

}

package org.oeb.bridge.gateway.token;

import java.net.HttpCookie;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import io.netty.channel.ChannelOption;
import org.oeb.bridge.gateway.oeb.OebProperties;
import org.oeb.bridge.gateway.tenancy.TenancyProperties.Institution;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * One {@code client_credentials} request to OEB's token endpoint: form-encoded body with the
 * credentials and scope, no query string, and no cookie handling (OEB also sets the token as
 * a cookie, which would override the bearer header of later calls).
 */
@Component
class OebTokenClient {

	private static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(86400);

	private static final Pattern SAFE_ERROR_CODE = Pattern.compile("[A-Za-z0-9_ .-]{1,64}");

	private final WebClient webClient;

	private final OebProperties oeb;

	private final TokenProperties properties;

	private final JsonMapper json;

	OebTokenClient(OebProperties oeb, TokenProperties properties) {
		this.oeb = oeb;
		this.properties = properties;
		this.json = JsonMapper.builder().build();
		HttpClient httpClient = HttpClient.create()
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) oeb.connectTimeout().toMillis())
			.responseTimeout(properties.requestTimeout());
		this.webClient = WebClient.builder().clientConnector(new ReactorClientHttpConnector(httpClient)).build();
	}

	Mono<IssuedToken> request(String institutionId, Institution institution) {
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add("grant_type", "client_credentials");
		form.add("client_id", institution.clientId());
		form.add("client_secret", institution.clientSecret());
		form.add("scope", this.properties.scope());
		String url = this.oeb.baseUrlFor(institutionId, institution) + this.properties.path();
		return this.webClient.post()
			.uri(url)
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.accept(MediaType.APPLICATION_JSON)
			.body(BodyInserters.fromFormData(form))
			.exchangeToMono((response) -> read(institutionId, response))
			.timeout(this.properties.requestTimeout())
			.onErrorMap((ex) -> !(ex instanceof TokenRequestFailed),
					(ex) -> new TokenRequestFailed(TokenRequestFailed.Kind.UNAVAILABLE,
							"OEB token endpoint not reachable for institution '" + institutionId + "' ("
									+ ex.getClass().getSimpleName() + ")",
							null));
	}

	private Mono<IssuedToken> read(String institutionId, ClientResponse response) {
		HttpStatusCode status = response.statusCode();
		List<String> cookies = response.headers().header(HttpHeaders.SET_COOKIE);
		String retryAfterHeader = response.headers().asHttpHeaders().getFirst(HttpHeaders.RETRY_AFTER);
		// bytes, not String: the String decoder logs the decoded body, token included, at DEBUG
		return response.bodyToMono(byte[].class).defaultIfEmpty(new byte[0]).flatMap((body) -> {
			JsonNode node = parse(new String(body, StandardCharsets.UTF_8));
			if (status.is2xxSuccessful()) {
				String token = node.path("access_token").asString("");
				if (token.isEmpty()) {
					token = tokenFromCookies(cookies);
				}
				if (token.isEmpty()) {
					return Mono.error(new TokenRequestFailed(TokenRequestFailed.Kind.UNAVAILABLE,
							"OEB token response for institution '" + institutionId + "' carried no access token",
							null));
				}
				long expiresIn = node.path("expires_in").asLong(0);
				Duration lifetime = (expiresIn > 0) ? Duration.ofSeconds(expiresIn) : DEFAULT_LIFETIME;
				return Mono.just(new IssuedToken(token, lifetime));
			}
			if (status.value() == 429) {
				return Mono.error(new TokenRequestFailed(TokenRequestFailed.Kind.THROTTLED,
						"OEB throttles token requests for institution '" + institutionId + "'",
						throttleDuration(retryAfterHeader, node)));
			}
			if (status.is4xxClientError()) {
				return Mono.error(new TokenRequestFailed(TokenRequestFailed.Kind.REJECTED,
						"OEB rejected the token request for institution '" + institutionId + "' (HTTP "
								+ status.value() + ", " + safeErrorCode(node) + "); check its client id, "
								+ "secret and allowed scopes",
						null));
			}
			return Mono.error(new TokenRequestFailed(TokenRequestFailed.Kind.UNAVAILABLE,
					"OEB token endpoint answered HTTP " + status.value() + " for institution '" + institutionId
							+ "'",
					null));
		});
	}

	private JsonNode parse(String body) {
		try {
			return this.json.readTree(body.isEmpty() ? "{}" : body);
		}
		catch (RuntimeException ex) {
			return this.json.createObjectNode();
		}
	}

	private Duration throttleDuration(String retryAfterHeader, JsonNode body) {
		if (retryAfterHeader != null && retryAfterHeader.trim().matches("\\d{1,6}")) {
			return Duration.ofSeconds(Long.parseLong(retryAfterHeader.trim()));
		}
		long expires = body.path("expires").asLong(0);
		return (expires > 0) ? Duration.ofSeconds(expires) : this.properties.throttledBackoff();
	}

	private static String safeErrorCode(JsonNode body) {
		String error = body.path("error").asString("");
		return SAFE_ERROR_CODE.matcher(error).matches() ? error : "no error code";
	}

	private static String tokenFromCookies(List<String> setCookies) {
		for (String header : setCookies) {
			try {
				for (HttpCookie cookie : HttpCookie.parse(header)) {
					if ("access_token".equals(cookie.getName()) && !cookie.getValue().isEmpty()) {
						return cookie.getValue();
					}
				}
			}
			catch (IllegalArgumentException ex) {
				// not a cookie we can read; the body is the primary source anyway
			}
		}
		return "";
	}

	/** A token as OEB issued it. */
	record IssuedToken(String value, Duration lifetime) {

		@Override
		public String toString() {
			return "IssuedToken[value=******, lifetime=" + this.lifetime + "]";
		}

	}

	/** A token request that produced no token. */
	static final class TokenRequestFailed extends RuntimeException {

		enum Kind {

			THROTTLED, REJECTED, UNAVAILABLE

		}

		private final Kind kind;

		private final Duration retryAfter;

		TokenRequestFailed(Kind kind, String message, Duration retryAfter) {
			super(message, null, false, false);
			this.kind = kind;
			this.retryAfter = retryAfter;
		}

		Kind kind() {
			return this.kind;
		}

		Duration retryAfter() {
			return this.retryAfter;
		}

	}

}

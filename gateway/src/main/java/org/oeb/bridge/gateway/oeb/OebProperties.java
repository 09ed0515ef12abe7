package org.oeb.bridge.gateway.oeb;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import org.oeb.bridge.gateway.tenancy.TenancyProperties.Institution;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The OEB server the gateway forwards to.
 *
 * @param baseUrl OEB API base URL, e.g. {@code https://api.openbadges.education}
 * @param connectTimeout how long to wait for a TCP connection to OEB
 * @param responseTimeout how long OEB may stay silent: until the first byte of its answer after
 * the request was sent, and between reads (Reactor Netty's response timeout, not a total);
 * generous, because OEB renders the PDF certificate and sends the mail inside the issuing
 * request
 * @param connectorRequestTimeout how long the connectors wait for the gateway's answer
 * (their {@code bridge.issuance.request-timeout}); the gateway must always answer first, or a
 * connector gives up on a call that OEB may still complete
 */
@Validated
@ConfigurationProperties(prefix = "bridge.gateway.oeb", ignoreUnknownFields = false)
public record OebProperties(@NotNull URI baseUrl, @DefaultValue("5s") @NotNull Duration connectTimeout,
		@DefaultValue("100s") @NotNull Duration responseTimeout,
		@DefaultValue("280s") @NotNull Duration connectorRequestTimeout) {

	public OebProperties {
		requireHttpUrl("bridge.gateway.oeb.base-url", baseUrl);
		baseUrl = withoutTrailingSlash(baseUrl);
	}

	/** The base URL for one institution: its own override, or the common one. */
	public URI baseUrlFor(String institutionId, Institution institution) {
		if (institution.oebBaseUrl() == null) {
			return this.baseUrl;
		}
		requireHttpUrl("bridge.gateway.tenancy.institutions." + institutionId + ".oeb-base-url",
				institution.oebBaseUrl());
		return withoutTrailingSlash(institution.oebBaseUrl());
	}

	private static void requireHttpUrl(String key, URI url) {
		if (url == null) {
			return;
		}
		boolean http = "http".equalsIgnoreCase(url.getScheme()) || "https".equalsIgnoreCase(url.getScheme());
		String path = (url.getRawPath() != null) ? url.getRawPath() : "";
		if (!http || url.getHost() == null || !(path.isEmpty() || path.equals("/")) || url.getRawQuery() != null
				|| url.getRawFragment() != null) {
			throw new IllegalArgumentException(key + " must be an absolute http(s) URL with no path, query or "
					+ "fragment, e.g. https://api.openbadges.education (got '" + url + "')");
		}
	}

	private static URI withoutTrailingSlash(URI url) {
		if (url == null) {
			return null;
		}
		String text = url.toString();
		return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : url;
	}

}

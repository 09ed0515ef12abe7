package org.oeb.bridge.canvas.site;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import java.net.http.HttpClient;

import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.oauth2.client.endpoint.RestClientRefreshTokenTokenResponseClient;
import org.springframework.security.oauth2.client.http.OAuth2ErrorResponseErrorHandler;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.web.client.RestClient;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

/**
 * The bearer token of each institution: a personal access token as configured, or the access
 * token of a developer key, obtained and renewed with its refresh token by Spring Security's
 * OAuth2 client (refreshed five minutes before it expires, and once more when Canvas answers
 * 401 with {@code WWW-Authenticate}). Canvas's refresh answer carries no new refresh token;
 * the configured one stays in use. Tokens are never logged.
 */
public class CanvasTokens {

	private static final String PRINCIPAL = "oeb-connector";

	private static final Duration REFRESH_AHEAD = Duration.ofMinutes(5);

	private final Map<String, String> personalTokens = new ConcurrentHashMap<>();

	private final OAuth2AuthorizedClientService clients;

	private final AuthorizedClientServiceOAuth2AuthorizedClientManager manager;

	private final InMemoryClientRegistrationRepository registrations;

	public CanvasTokens(CanvasProperties properties) {
		Map<String, ClientRegistration> byId = new ConcurrentHashMap<>();
		properties.institutions().forEach((institution, site) -> {
			if (site.oauth() == null) {
				this.personalTokens.put(institution, site.accessToken());
				return;
			}
			String root = root(site.url());
			URI tokenUri = (site.oauth().tokenUri() != null) ? site.oauth().tokenUri()
					: URI.create(root + "/login/oauth2/token");
			byId.put(institution, ClientRegistration.withRegistrationId(institution)
				.clientId(site.oauth().clientId())
				.clientSecret(site.oauth().clientSecret())
				.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
				// the code flow ran once, when the connector's user authorised the key; only refreshes follow
				.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
				.redirectUri("urn:ietf:wg:oauth:2.0:oob")
				.authorizationUri(root + "/login/oauth2/auth")
				.tokenUri(tokenUri.toString())
				.build());
		});
		this.registrations = byId.isEmpty() ? null : new InMemoryClientRegistrationRepository(byId);
		this.clients = (this.registrations != null) ? new InMemoryOAuth2AuthorizedClientService(this.registrations)
				: null;
		if (this.registrations != null) {
			this.manager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(this.registrations, this.clients);
			this.manager.setAuthorizedClientProvider(OAuth2AuthorizedClientProviderBuilder.builder()
				.refreshToken((refresh) -> refresh.clockSkew(REFRESH_AHEAD).accessTokenResponseClient(tokenClient()))
				.build());
			properties.institutions().forEach((institution, site) -> {
				if (site.oauth() != null) {
					expire(institution, site.oauth().refreshToken());
				}
			});
		}
		else {
			this.manager = null;
		}
	}

	/** The token to send now. */
	public String current(String institution) {
		String personal = this.personalTokens.get(institution);
		if (personal != null) {
			return personal;
		}
		synchronized (lock(institution)) {
			try {
				OAuth2AuthorizedClient client = this.manager.authorize(
						OAuth2AuthorizeRequest.withClientRegistrationId(institution).principal(PRINCIPAL).build());
				if (client == null) {
					throw refused(institution, "no authorised client");
				}
				return client.getAccessToken().getTokenValue();
			}
			catch (ClientAuthorizationException ex) {
				String code = ex.getError().getErrorCode();
				if ("invalid_grant".equals(code) || "invalid_client".equals(code) || "unauthorized_client".equals(code)) {
					throw refused(institution, code);
				}
				throw new CanvasException(0, "token_endpoint_unavailable", false, true,
						"Canvas's token endpoint did not give institution '" + institution + "' a token (" + code
								+ "); tried again with the next call");
			}
		}
	}

	/** Whether {@link #renew} can get another token (false for a personal access token). */
	public boolean renewable(String institution) {
		return !this.personalTokens.containsKey(institution);
	}

	/** Canvas refused {@code rejected}: the next {@link #current} refreshes, unless another call already did. */
	public void renew(String institution, String rejected) {
		synchronized (lock(institution)) {
			OAuth2AuthorizedClient client = this.clients.loadAuthorizedClient(institution, PRINCIPAL);
			if (client != null && client.getAccessToken().getTokenValue().equals(rejected)) {
				expire(institution, client.getRefreshToken().getTokenValue());
			}
		}
	}

	private void expire(String institution, String refreshToken) {
		Instant past = Instant.now().minusSeconds(3600);
		OAuth2AccessToken expired = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "expired",
				past.minusSeconds(1), past);
		this.clients.saveAuthorizedClient(new OAuth2AuthorizedClient(
				this.registrations.findByRegistrationId(institution), PRINCIPAL, expired,
				new OAuth2RefreshToken(refreshToken, null)),
				UsernamePasswordAuthenticationToken.authenticated(PRINCIPAL, null, List.of()));
	}

	/**
	 * Spring's refresh client, with time limits: a token endpoint that hangs must not hold every
	 * call of the institution (they wait for the refresh) forever.
	 */
	private static RestClientRefreshTokenTokenResponseClient tokenClient() {
		JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(
				HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
		requests.setReadTimeout(Duration.ofSeconds(30));
		RestClientRefreshTokenTokenResponseClient client = new RestClientRefreshTokenTokenResponseClient();
		client.setRestClient(RestClient.builder()
			.requestFactory(requests)
			.configureMessageConverters((converters) -> converters.addCustomConverter(new FormHttpMessageConverter())
				.addCustomConverter(new OAuth2AccessTokenResponseHttpMessageConverter()))
			.defaultStatusHandler(new OAuth2ErrorResponseErrorHandler())
			.build());
		return client;
	}

	private final Map<String, Object> locks = new ConcurrentHashMap<>();

	private Object lock(String institution) {
		return this.locks.computeIfAbsent(institution, (key) -> new Object());
	}

	private static CanvasException refused(String institution, String reason) {
		return new CanvasException(401, "refresh_refused", true, true,
				"Canvas refused the refresh token of institution '" + institution + "' (" + reason
						+ "): authorise the developer key again and configure the new refresh token");
	}

	private static String root(URI url) {
		String text = url.toString();
		return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
	}

}

package org.oeb.bridge.common.lti;

import java.util.Map;
import java.util.TreeMap;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The LTI 1.3 tool "My badges", switched on in a connector by configuring
 * {@code bridge.lti.registrations}.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
		"org.oeb.bridge.common.wallet.WalletAutoConfiguration" },
		beforeName = "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@Conditional(OnLtiRegistrations.class)
@EnableConfigurationProperties(LtiProperties.class)
public class LtiAutoConfiguration {

	/**
	 * Before the operator chain, for {@code /lti/**} only: the launch is a cross-site form POST
	 * (no CSRF token can exist), the page is framed by the LMS (no {@code X-Frame-Options}; the
	 * endpoints set a CSP {@code frame-ancestors} instead), and no session is kept.
	 */
	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	SecurityFilterChain ltiSecurityFilterChain(HttpSecurity http) throws Exception {
		http.securityMatcher("/lti/**")
			.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
			.csrf((csrf) -> csrf.disable())
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache((cache) -> cache.disable())
			.headers((headers) -> headers.frameOptions((frameOptions) -> frameOptions.disable())
				.cacheControl((cacheControl) -> cacheControl.disable()));
		return http.build();
	}

	@Bean
	LaunchStates ltiLaunchStates(StringRedisTemplate redis, LtiProperties lti) {
		return new LaunchStates(redis, lti.redisKeyPrefix(), lti.stateLifetime());
	}

	@Bean
	LaunchVerifier ltiLaunchVerifier(LtiProperties lti, LaunchStates states) {
		Map<String, PlatformKeys> keys = new TreeMap<>();
		lti.registrations().forEach((name, registration) -> keys.put(name, new PlatformKeys(registration.jwksUrl())));
		return new LaunchVerifier(lti, Map.copyOf(keys), states);
	}

	@Bean
	ToolKeys ltiToolKeys(LtiProperties lti) {
		return ToolKeys.from(lti.toolKey());
	}

	@Bean
	@ConditionalOnMissingBean
	LaunchedLearnerPage launchedLearnerPage() {
		return new PlainLearnerPage();
	}

	@Bean
	RouterFunction<ServerResponse> ltiRoutes(LtiProperties lti, LaunchStates states, LaunchVerifier verifier,
			LaunchedLearnerPage page, ToolKeys toolKeys, MeterRegistry meters) {
		return new LtiEndpoints(lti, states, verifier, page, toolKeys, meters).routes();
	}

}

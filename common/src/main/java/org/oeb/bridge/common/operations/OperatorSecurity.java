package org.oeb.bridge.common.operations;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The issuance, learners, catalog and batches endpoints (personal data, replay, discard, export,
 * erasure, changes to OEB, manual issuing) need the operator role; health, info, metrics and the
 * connectors' own routes stay open (webhooks authenticate themselves).
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(OperatorProperties.class)
public class OperatorSecurity {

	private static final Logger logger = LoggerFactory.getLogger(OperatorSecurity.class);

	static final String ROLE = "OPERATOR";

	@Bean
	SecurityFilterChain operatorSecurityFilterChain(HttpSecurity http) throws Exception {
		// matched as the endpoint, wherever management.endpoints.web.base-path or the management port put it
		http.authorizeHttpRequests((requests) -> requests
			.requestMatchers(EndpointRequest.to(IssuanceEndpoint.class, org.oeb.bridge.common.privacy.LearnerDataEndpoint.class,
					org.oeb.bridge.common.catalog.CatalogEndpoint.class,
					org.oeb.bridge.common.batches.BatchesEndpoint.class))
			.hasRole(ROLE)
			.anyRequest()
			.permitAll())
			.httpBasic(Customizer.withDefaults())
			// stateless callers (operators with Basic auth, LMS webhooks): no session, so no CSRF token
			.csrf((csrf) -> csrf.disable())
			.sessionManagement((session) -> session
				.sessionCreationPolicy(org.springframework.security.config.http.SessionCreationPolicy.STATELESS));
		return http.build();
	}

	@Bean
	UserDetailsService operatorUsers(OperatorProperties operator) {
		InMemoryUserDetailsManager users = new InMemoryUserDetailsManager();
		if (operator.passwordHash() == null || operator.passwordHash().isBlank()) {
			logger.warn("bridge.operator.password-hash is not set: /actuator/issuance is closed to everyone");
			return users;
		}
		users.createUser(User.withUsername(operator.username()).password(operator.passwordHash()).roles(ROLE).build());
		return users;
	}

	@Bean
	PasswordEncoder operatorPasswordEncoder() {
		return PasswordEncoderFactories.createDelegatingPasswordEncoder();
	}

}

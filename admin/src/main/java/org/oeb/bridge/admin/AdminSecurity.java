package org.oeb.bridge.admin;

import java.net.URI;

import de.codecentric.boot.admin.server.config.AdminServerProperties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationSuccessHandler;
import org.springframework.security.web.server.authentication.logout.RedirectServerLogoutSuccessHandler;

/**
 * Everything behind a login except the login page, its assets and the probes. Spring Boot
 * Admin's server is reactive. CSRF tokens are off as in Spring Boot Admin's own reactive setup;
 * the session cookie is {@code SameSite=Strict} instead, so no other site's page can send it.
 */
@Configuration(proxyBeanMethods = false)
class AdminSecurity {

	@Bean
	SecurityWebFilterChain adminSecurityFilterChain(ServerHttpSecurity http, AdminServerProperties admin) {
		String base = admin.getContextPath();
		RedirectServerLogoutSuccessHandler loggedOut = new RedirectServerLogoutSuccessHandler();
		loggedOut.setLogoutSuccessUrl(URI.create(base + "/login?logout"));
		return http
			.authorizeExchange((exchanges) -> exchanges
				.pathMatchers(base + "/assets/**", base + "/login", "/actuator/health/**")
				.permitAll()
				.anyExchange()
				.authenticated())
			.formLogin((form) -> form.loginPage(base + "/login")
				.authenticationSuccessHandler(new RedirectServerAuthenticationSuccessHandler(base + "/")))
			.logout((logout) -> logout.logoutUrl(base + "/logout").logoutSuccessHandler(loggedOut))
			.httpBasic(Customizer.withDefaults())
			.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.build();
	}

	@Bean
	MapReactiveUserDetailsService supportStaff(AdminProperties properties) {
		return new MapReactiveUserDetailsService(
				User.withUsername(properties.username()).password(properties.passwordHash()).roles("SUPPORT").build());
	}

	@Bean
	PasswordEncoder passwordEncoder() {
		return PasswordEncoderFactories.createDelegatingPasswordEncoder();
	}

}

package org.oeb.bridge.gateway.operator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.boot.security.autoconfigure.actuate.web.reactive.EndpointRequest;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.ReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;

/**
 * Actuator endpoints (on the management port) are open, so probes and scrapes need no
 * credentials, but health shows per-institution detail only to an operator who sent HTTP
 * Basic credentials. Wrong credentials are 401. The proxy routes are not touched: connectors
 * authenticate with their keys ({@code access}).
 */
@Configuration(proxyBeanMethods = false)
class ManagementSecurity {

	private static final Logger logger = LoggerFactory.getLogger(ManagementSecurity.class);

	static final String ROLE = "OPERATOR";

	/** Where Spring Security orders its chain among the web filters (its WEB_FILTER_CHAIN_FILTER_ORDER). */
	private static final int SPRING_SECURITY_FILTER_ORDER = -100;

	@Bean
	SecurityWebFilterChain managementSecurityFilterChain(ServerHttpSecurity http) {
		return http.securityMatcher(EndpointRequest.toAnyEndpoint())
			.authorizeExchange((exchanges) -> exchanges.anyExchange().permitAll())
			.httpBasic(Customizer.withDefaults())
			.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable)
			.requestCache((cache) -> cache.requestCache(NoOpServerRequestCache.getInstance()))
			.securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
			.build();
	}

	/** Spring Security's chain runs on the management port only ({@link ManagementPortSecurityFilter}). */
	@Bean
	static BeanPostProcessor springSecurityOnTheManagementPortOnly(
			ObjectProvider<ManagementPortSecurityFilter.ServerPorts> ports) {
		return new BeanPostProcessor() {
			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				return (bean instanceof WebFilterChainProxy springSecurity) ? new ManagementPortSecurityFilter(
						springSecurity, SPRING_SECURITY_FILTER_ORDER, ports.getObject()) : bean;
			}
		};
	}

	@Bean
	ManagementPortSecurityFilter.ServerPorts serverPorts() {
		return new ManagementPortSecurityFilter.ServerPorts();
	}

	@Bean
	ReactiveUserDetailsService operatorUsers(OperatorProperties operator) {
		if (operator.passwordHash() == null || operator.passwordHash().isBlank()) {
			logger.warn("bridge.gateway.operator.password-hash is not set: nobody sees health details per institution");
			return (username) -> Mono.empty();
		}
		return new MapReactiveUserDetailsService(
				User.withUsername(operator.username()).password(operator.passwordHash()).roles(ROLE).build());
	}

	@Bean
	PasswordEncoder operatorPasswordEncoder() {
		return PasswordEncoderFactories.createDelegatingPasswordEncoder();
	}

}

package org.oeb.bridge.admin;

import de.codecentric.boot.admin.server.config.EnableAdminServer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * Spring Boot Admin, behind a login: health details, metrics, loggers and the issuance
 * endpoint of every gateway and connector, found by Spring Cloud discovery (static instances in
 * dev, the Kubernetes API in prod).
 */
@SpringBootApplication
@EnableAdminServer
@EnableConfigurationProperties(AdminProperties.class)
public class AdminApplication {

	public static void main(String[] args) {
		SpringApplication.run(AdminApplication.class, args);
	}

}

package org.oeb.bridge.gateway.operator;

import jakarta.validation.constraints.NotBlank;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The operator who may see health details per institution on the management port (HTTP
 * Basic).
 *
 * @param username the operator's user name
 * @param passwordHash the operator's password as a Spring Security encoded hash, e.g.
 * {@code {bcrypt}$2a$10$…}; without it nobody sees health details
 */
@Validated
@ConfigurationProperties(prefix = "bridge.gateway.operator", ignoreUnknownFields = false)
record OperatorProperties(@DefaultValue("operator") @NotBlank String username, String passwordHash) {

	OperatorProperties {
		if (passwordHash != null && !passwordHash.isBlank() && !passwordHash.startsWith("{")) {
			throw new IllegalArgumentException("bridge.gateway.operator.password-hash must be an encoded hash with "
					+ "its algorithm, e.g. {bcrypt}$2a$10$…, not a password in clear");
		}
	}

	@Override
	public String toString() {
		return "OperatorProperties[username=" + this.username + ", passwordHash=******]";
	}

}

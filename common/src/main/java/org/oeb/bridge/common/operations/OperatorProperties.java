package org.oeb.bridge.common.operations;

import jakarta.validation.constraints.NotBlank;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Who may use {@code /actuator/issuance} (HTTP Basic).
 *
 * @param username the operator's user name
 * @param passwordHash the operator's password as a Spring Security encoded hash, e.g.
 * {@code {bcrypt}$2a$10$…}; without it nobody can use the endpoint
 */
@Validated
@ConfigurationProperties(prefix = "bridge.operator", ignoreUnknownFields = false)
public record OperatorProperties(@DefaultValue("operator") @NotBlank String username, String passwordHash) {

	@Override
	public String toString() {
		return "OperatorProperties[username=" + this.username + ", passwordHash=******]";
	}

}

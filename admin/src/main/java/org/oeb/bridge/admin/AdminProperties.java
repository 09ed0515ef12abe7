package org.oeb.bridge.admin;

import jakarta.validation.constraints.NotBlank;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Who may log in to the dashboard.
 *
 * @param username the support staff's user
 * @param passwordHash the password in Spring Security's encoded form, e.g. {@code {bcrypt}$2a$10$…}
 */
@Validated
@ConfigurationProperties(prefix = "bridge.admin", ignoreUnknownFields = false)
public record AdminProperties(@DefaultValue("support") @NotBlank String username, @NotBlank String passwordHash) {

	@Override
	public String toString() {
		return "AdminProperties[username=" + this.username + ", passwordHash=******]";
	}

}

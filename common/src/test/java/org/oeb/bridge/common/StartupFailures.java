package org.oeb.bridge.common;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Asserts that the test application does not start with some properties, and says why. */
public final class StartupFailures {

	private StartupFailures() {
	}

	/** Starting with {@code properties} fails, and the chain of causes contains every one of {@code expected}. */
	public static void assertStartupFails(Map<String, String> properties, String... expected) {
		List<String> args = new ArrayList<>();
		properties.forEach((key, value) -> args.add("--" + key + "=" + value));
		assertThatThrownBy(() -> new SpringApplicationBuilder(AwardsTestApplication.class).web(WebApplicationType.NONE)
			.run(args.toArray(String[]::new))
			.close()).satisfies((failure) -> {
				StringBuilder messages = new StringBuilder();
				for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
					messages.append(cause.getMessage()).append('\n');
				}
				assertThat(messages.toString()).contains(expected);
			});
	}

}

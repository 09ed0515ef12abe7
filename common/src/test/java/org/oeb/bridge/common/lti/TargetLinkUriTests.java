package org.oeb.bridge.common.lti;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which target link URIs count as this tool's own (no open redirect, no look-alike hosts). */
class TargetLinkUriTests {

	private final LtiProperties atRoot = properties("https://bridge.example.org");

	private final LtiProperties underPath = properties("https://bridge.example.org/moodle/");

	@Test
	void acceptsTheToolUrlAndWhatIsBelowIt() {
		assertThat(this.atRoot.isToolUrl("https://bridge.example.org")).isTrue();
		assertThat(this.atRoot.isToolUrl("https://bridge.example.org/lti/launch")).isTrue();
		assertThat(this.atRoot.isToolUrl("https://BRIDGE.example.org:443/lti/launch?x=1")).isTrue();
		assertThat(this.underPath.isToolUrl("https://bridge.example.org/moodle")).isTrue();
		assertThat(this.underPath.isToolUrl("https://bridge.example.org/moodle/lti/launch")).isTrue();
	}

	@Test
	void refusesOtherHostsPortsSchemesAndPaths() {
		assertThat(this.atRoot.isToolUrl("https://bridge.example.org.evil.example/lti/launch")).isFalse();
		assertThat(this.atRoot.isToolUrl("https://bridge.example.org@evil.example/lti/launch")).isFalse();
		assertThat(this.atRoot.isToolUrl("https://evil.example/https://bridge.example.org/")).isFalse();
		assertThat(this.atRoot.isToolUrl("http://bridge.example.org/lti/launch")).isFalse();
		assertThat(this.atRoot.isToolUrl("https://bridge.example.org:8443/lti/launch")).isFalse();
		assertThat(this.atRoot.isToolUrl("//bridge.example.org/lti/launch")).isFalse();
		assertThat(this.atRoot.isToolUrl("javascript:alert(1)")).isFalse();
		assertThat(this.underPath.isToolUrl("https://bridge.example.org/moodlex/lti/launch")).isFalse();
		assertThat(this.underPath.isToolUrl("https://bridge.example.org/moodle/../canvas/lti/launch")).isFalse();
		assertThat(this.underPath.isToolUrl("https://bridge.example.org/moodle/%2e%2e/canvas")).isFalse();
		assertThat(this.underPath.isToolUrl("https://bridge.example.org/")).isFalse();
		assertThat(this.underPath.isToolUrl(null)).isFalse();
		assertThat(this.underPath.isToolUrl("https://bridge.example.org/moodle/ lti")).isFalse();
	}

	private static LtiProperties properties(String toolUrl) {
		return new LtiProperties(URI.create(toolUrl), Map.of(), Duration.ofMinutes(5), Duration.ofSeconds(60),
				"oeb-lti", null);
	}

}

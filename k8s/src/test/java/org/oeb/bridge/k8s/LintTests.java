package org.oeb.bridge.k8s;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** yamllint over every YAML file of k8s/, and promtool over the alert rules where it is installed. */
class LintTests {

	@Test
	void yamllintPassesOnEveryManifest() throws Exception {
		Result result = run(List.of("yamllint", "-c", ".yamllint", "--strict", "base", "overlays", "monitoring"),
				"yamllint is needed (.ci/run installs it: apt-get install yamllint)");

		assertThat(result.exitCode()).as(result.output()).isZero();
	}

	@Test
	void promtoolAcceptsTheAlertRules() throws Exception {
		Assumptions.assumeTrue(onPath("promtool"), "promtool is not installed");
		Map<String, Object> rule = Rendered.overlay("prod").ofKind("PrometheusRule").get(0);
		Path rules = Files.createTempFile("oeb-bridge-rules", ".yaml");
		Files.writeString(rules, Rendered.plain().dump(Map.of("groups", Rendered.list(rule, "spec", "groups"))));
		Result result = run(List.of("promtool", "check", "rules", rules.toString()), "promtool");
		Files.delete(rules);

		assertThat(result.exitCode()).as(result.output()).isZero();
	}

	private static boolean onPath(String command) {
		for (String directory : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
			if (Files.isExecutable(Path.of(directory, command))) {
				return true;
			}
		}
		return false;
	}

	private static Result run(List<String> command, String missing) throws IOException, InterruptedException {
		Process process;
		try {
			process = new ProcessBuilder(command).directory(Rendered.K8S.toFile()).redirectErrorStream(true).start();
		}
		catch (IOException ex) {
			throw new IllegalStateException(missing + ": " + ex.getMessage(), ex);
		}
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(60, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IllegalStateException(command + " did not finish within 60 s");
		}
		return new Result(process.exitValue(), output);
	}

	private record Result(int exitCode, String output) {
	}

}

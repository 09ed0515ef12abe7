package org.oeb.bridge.k8s;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** An overlay as {@code kubectl kustomize} renders it: its documents as text and as plain maps. */
record Rendered(String overlay, List<String> documents, List<Map<String, Object>> objects) {

	static final Path K8S = Path.of(System.getProperty("k8s.dir", ".")).toAbsolutePath().normalize();

	static Rendered overlay(String name) {
		String yaml = kustomize(K8S.resolve("overlays").resolve(name));
		List<String> documents = new ArrayList<>();
		for (String document : yaml.split("(?m)^---\\s*$")) {
			if (!document.isBlank()) {
				documents.add(document);
			}
		}
		List<Map<String, Object>> objects = new ArrayList<>();
		for (String document : documents) {
			objects.add(plain().load(document));
		}
		return new Rendered(name, documents, objects);
	}

	static Yaml plain() {
		return new Yaml(new SafeConstructor(new LoaderOptions()));
	}

	List<Map<String, Object>> ofKind(String kind) {
		return this.objects.stream().filter((object) -> kind.equals(object.get("kind"))).toList();
	}

	static String kustomize(Path directory) {
		try {
			Path out = Files.createTempFile("kustomize", ".yaml");
			Process process = new ProcessBuilder("kubectl", "kustomize", directory.toString())
				.redirectErrorStream(false)
				.redirectOutput(out.toFile())
				.redirectError(ProcessBuilder.Redirect.PIPE)
				.start();
			String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException("kubectl kustomize " + directory + " failed: " + errors);
			}
			String yaml = Files.readString(out);
			Files.delete(out);
			return yaml;
		}
		catch (IOException ex) {
			throw new IllegalStateException("kubectl is needed to render the overlays (.ci/run checks for it): " + ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> map(Object value, String... path) {
		Object current = value;
		for (String step : path) {
			current = ((Map<String, Object>) current).get(step);
		}
		return (Map<String, Object>) current;
	}

	@SuppressWarnings("unchecked")
	static List<Map<String, Object>> list(Object value, String... path) {
		Object current = value;
		for (String step : path) {
			current = ((Map<String, Object>) current).get(step);
		}
		return (current != null) ? (List<Map<String, Object>>) current : List.of();
	}

}

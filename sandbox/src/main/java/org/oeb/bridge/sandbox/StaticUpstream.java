package org.oeb.bridge.sandbox;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway's overhead measured the way a reverse proxy is measured: nginx answers the
 * token request and the issue call with canned bodies, and wrk sends the load, both in
 * processes of their own, so the gateway's CPU per call is not inflated by a load generator
 * or a fake OEB sharing its cores in a JVM. Used when both programs are installed
 * ({@code apt-get install wrk nginx-light}).
 */
final class StaticUpstream implements AutoCloseable {

	static final String TOKEN = "static-upstream-token";

	private static final String ASSERTION = "{\"status\":{\"success\":true,\"description\":\"ok\"},\"result\":[{"
			+ "\"entityType\":\"Assertion\",\"entityId\":\"StaticAssertion000001\",\"recipient\":{\"identity\":"
			+ "\"learner@bench.example\",\"type\":\"email\"},\"issuedOn\":\"2026-12-03T12:00:00Z\",\"revoked\":false}]}";

	private final int port;

	private final Process nginx;

	private final Path directory;

	private StaticUpstream(int port, Process nginx, Path directory) {
		this.port = port;
		this.nginx = nginx;
		this.directory = directory;
	}

	static boolean installed() {
		return onPath("wrk") && onPath("nginx");
	}

	static StaticUpstream start(Path directory) throws IOException, InterruptedException {
		Files.createDirectories(directory.resolve("body"));
		int port = freePort();
		String config = """
				worker_processes 1;
				daemon off;
				pid %1$s/nginx.pid;
				error_log %1$s/error.log warn;
				events { worker_connections 4096; }
				http {
				  access_log off;
				  client_body_temp_path %1$s/body;
				  keepalive_requests 10000000;
				  default_type application/json;
				  server {
				    listen 127.0.0.1:%2$d;
				    location = /o/token {
				      return 200 '{"access_token":"%3$s","token_type":"Bearer","expires_in":86400,"scope":"rw:issuer"}';
				    }
				    location ~ ^/v2/badgeclasses/[A-Za-z0-9_-]+/assertions$ {
				      return 201 '%4$s';
				    }
				  }
				}
				""".formatted(directory, port, TOKEN, ASSERTION);
		Path file = directory.resolve("nginx.conf");
		Files.writeString(file, config);
		Process nginx = new ProcessBuilder("nginx", "-p", directory.toString(), "-c", file.toString())
			.redirectErrorStream(true)
			.redirectOutput(directory.resolve("nginx.out").toFile())
			.start();
		StaticUpstream upstream = new StaticUpstream(port, nginx, directory);
		upstream.awaitAnswering();
		return upstream;
	}

	String baseUrl() {
		return "http://127.0.0.1:" + this.port;
	}

	/**
	 * Sends POSTs of {@code body} to {@code url} from {@code connections} keep-alive
	 * connections for {@code duration}, and reads wrk's own count and latency distribution.
	 */
	Result load(String url, int connections, Duration duration, String body, List<String> headers)
			throws IOException, InterruptedException {
		StringBuilder script = new StringBuilder("wrk.method = \"POST\"\n");
		script.append("wrk.body = '").append(body).append("'\n");
		for (String header : headers) {
			int colon = header.indexOf(':');
			script.append("wrk.headers[\"")
				.append(header, 0, colon)
				.append("\"] = \"")
				.append(header.substring(colon + 1).trim())
				.append("\"\n");
		}
		Path file = this.directory.resolve("load-" + Integer.toHexString(script.toString().hashCode()) + ".lua");
		if (!Files.exists(file) || !Files.readString(file).contentEquals(script)) {
			Files.writeString(file, script);
		}
		int threads = Math.min(connections, 2);
		List<String> command = new ArrayList<>(List.of("wrk", "-t" + threads, "-c" + connections,
				"-d" + Math.max(1, duration.toSeconds()) + "s", "--latency", "-s", file.toString(), url));
		Process wrk = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(wrk.getInputStream().readAllBytes());
		if (wrk.waitFor() != 0) {
			throw new IOException("wrk failed: " + output);
		}
		return Result.parse(output);
	}

	@Override
	public void close() {
		this.nginx.destroy();
	}

	private void awaitAnswering() throws IOException, InterruptedException {
		HttpClient client = HttpClient.newHttpClient();
		Instant deadline = Instant.now().plusSeconds(10);
		while (true) {
			try {
				HttpResponse<Void> answer = client.send(
						HttpRequest.newBuilder(URI.create(baseUrl() + "/o/token"))
							.POST(HttpRequest.BodyPublishers.noBody())
							.build(),
						HttpResponse.BodyHandlers.discarding());
				if (answer.statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				if (!this.nginx.isAlive() || Instant.now().isAfter(deadline)) {
					throw new IOException("nginx did not start; see " + this.directory.resolve("nginx.out"), ex);
				}
			}
			Thread.sleep(100);
		}
	}

	private static boolean onPath(String program) {
		String path = System.getenv().getOrDefault("PATH", "");
		for (String directory : path.split(File.pathSeparator)) {
			if (Files.isExecutable(Path.of(directory, program))) {
				return true;
			}
		}
		return false;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/** What wrk counted in one run. */
	record Result(long requests, double seconds, long failed, double p50Ms, double p99Ms) {

		private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ([\\d.]+)(us|ms|s|m)");

		private static final Pattern FAILED = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

		static Result parse(String output) {
			Matcher requests = REQUESTS.matcher(output);
			if (!requests.find()) {
				throw new IllegalStateException("no request count in wrk's output: " + output);
			}
			Matcher failed = FAILED.matcher(output);
			return new Result(Long.parseLong(requests.group(1)),
					millis(requests.group(2), requests.group(3)) / 1000.0,
					failed.find() ? Long.parseLong(failed.group(1)) : 0, percentile(output, "50%"),
					percentile(output, "99%"));
		}

		double throughput() {
			return this.requests / this.seconds;
		}

		private static double percentile(String output, String label) {
			Matcher matcher = Pattern.compile("\\s" + Pattern.quote(label) + "\\s+([\\d.]+)(us|ms|s|m)\\b").matcher(output);
			return matcher.find() ? millis(matcher.group(1), matcher.group(2)) : Double.NaN;
		}

		private static double millis(String value, String unit) {
			double number = Double.parseDouble(value);
			return switch (unit.toLowerCase(Locale.ROOT)) {
				case "us" -> number / 1000.0;
				case "ms" -> number;
				case "s" -> number * 1000.0;
				default -> number * 60_000.0;
			};
		}

	}

}

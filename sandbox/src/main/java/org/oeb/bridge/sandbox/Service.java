package org.oeb.bridge.sandbox;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One service running from its jar in a process of its own; actuator on {@code managementPort}.
 * Also used by the admin module's test, which starts the services it registers.
 */
public record Service(String name, int port, int managementPort, Process process) {

	/** The executable jar the build left in {@code module/target}. */
	public static Path jarOf(Path root, String module) {
		Path jar = root.resolve(module + "/target/" + module + "-0.1.0-SNAPSHOT.jar");
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException(jar + " is missing: build first (the -Psandbox and -Pbenchmark runs do)");
		}
		return jar;
	}

	/** Stops the services, then closes the simulators, then an embedded Redis this JVM started. */
	static void stopAll(List<Service> services, AutoCloseable... simulators) {
		services.forEach(Service::stop);
		for (AutoCloseable simulator : simulators) {
			if (simulator != null) {
				try {
					simulator.close();
				}
				catch (Exception ex) {
					// shutting down anyway
				}
			}
		}
		org.oeb.bridge.testing.LocalRedis.stopEmbedded();
	}

	public static Service start(String name, Path jar, List<String> arguments, Path logs) throws IOException {
		List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx256m"));
		if ("gateway".equals(name)) {
			// as its image starts it (gateway/pom.xml)
			command.add("-XX:+UseSerialGC");
		}
		// e.g. -Dbenchmark.jvm-args.gateway=-XX:StartFlightRecording=filename=gateway.jfr,settings=profile
		String extra = System.getProperty("benchmark.jvm-args." + name, "").trim();
		if (!extra.isEmpty()) {
			command.addAll(List.of(extra.split("\\s+")));
		}
		command.addAll(List.of("-jar", jar.toString()));
		command.addAll(arguments);
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		Map<String, String> environment = builder.environment();
		environment.putIfAbsent("REDIS_HOST", "127.0.0.1");
		Process process = builder.start();
		int port = portArgument(arguments, "--server.port=", 8080);
		int managementPort = portArgument(arguments, "--management.server.port=", port);
		Path log = logs.resolve(name + ".log");
		Thread pump = new Thread(() -> pump(name, process, log), name + "-output");
		pump.setDaemon(true);
		pump.start();
		Sandbox.say("started " + name + " (pid " + process.pid() + ", full log " + log + ")");
		return new Service(name, port, managementPort, process);
	}

	/** Runs a one-off command of a service's jar, prints its output, and returns its exit code. */
	public static int runCommand(Path jar, String name, List<String> arguments, Path logs)
			throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx256m", "-jar", jar.toString()));
		command.addAll(arguments);
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().putIfAbsent("REDIS_HOST", "127.0.0.1");
		Process process = builder.start();
		Path log = logs.resolve(name + ".log");
		try (java.io.BufferedReader lines = process.inputReader(java.nio.charset.StandardCharsets.UTF_8);
				java.io.Writer file = Files.newBufferedWriter(log)) {
			String line;
			while ((line = lines.readLine()) != null) {
				file.write(line + System.lineSeparator());
				// the command's own report; Spring's log lines stay in the file
				if (!line.matches("^\\d{4}-\\d{2}-\\d{2}T.*")) {
					System.out.println("    " + line);
				}
			}
		}
		return process.waitFor();
	}

	private static int portArgument(List<String> arguments, String prefix, int otherwise) {
		return arguments.stream()
			.filter((argument) -> argument.startsWith(prefix))
			.map((argument) -> Integer.parseInt(argument.substring(prefix.length())))
			.findFirst()
			.orElse(otherwise);
	}

	/** Everything goes to the log file; the bridge's own lines and errors also to the console. */
	private static void pump(String name, Process process, Path log) {
		try (BufferedReader in = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
				PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
			String line;
			while ((line = in.readLine()) != null) {
				out.println(line);
				boolean ours = line.contains("o.oeb.bridge") || line.contains(" o.o.b.");
				boolean quietPoll = line.contains(", 0 decisions");
				if ((ours && !quietPoll) || line.contains("ERROR") || line.contains("Started ")) {
					System.out.println("[" + name + "] " + trim(line));
				}
			}
		}
		catch (IOException ex) {
			// the process ended
		}
	}

	private static String trim(String line) {
		int message = line.indexOf(" : ");
		return (message > 0) ? line.substring(message + 3) : line;
	}

	public void awaitHealthy(HttpClient http, Duration timeout) throws InterruptedException {
		Instant deadline = Instant.now().plus(timeout);
		while (Instant.now().isBefore(deadline)) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException(this.name + " exited with " + this.process.exitValue()
						+ "; see sandbox/target/logs/" + this.name + ".log");
			}
			try {
				HttpResponse<String> response = http.send(
						HttpRequest.newBuilder(URI.create("http://localhost:" + this.managementPort + "/actuator/health/liveness"))
							.timeout(Duration.ofSeconds(2))
							.build(),
						HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			Thread.sleep(500);
		}
		throw new IllegalStateException(this.name + " did not become healthy in " + timeout.toSeconds() + "s");
	}

	public void stop() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

	private static String javaBinary() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

}

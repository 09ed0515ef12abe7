package org.oeb.bridge.common.awards;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.oeb.bridge.common.AwardsTestApplication;
import org.oeb.bridge.testing.FakeOeb;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every command the pipeline sends, and every command its scripts run, stays in one Redis
 * Cluster slot: Redis's own MONITOR feed is read while decisions, issuing, retries, dead letters,
 * replays and sweeps run, and {@code COMMAND GETKEYS} names each command's keys.
 */
class ClusterKeyLayoutTests {

	private static final FakeOeb oeb = FakeOeb.start();


	@AfterAll
	static void stopOeb() {
		oeb.close();
	}

	@Test
	void noCommandOfThePipelineSpansTwoSlots() throws Exception {
		oeb.reset();
		PipelineFixture.prepare(oeb);
		String prefix = "test-slots-" + UUID.randomUUID();
		List<String> args = new ArrayList<>();
		PipelineFixture.properties(oeb, prefix).forEach((key, value) -> args.add("--" + key + "=" + value));
		List<List<String>> commands = new CopyOnWriteArrayList<>();
		try (Socket monitor = new Socket("127.0.0.1", 6379);
				ConfigurableApplicationContext context = new SpringApplicationBuilder(AwardsTestApplication.class)
					.web(WebApplicationType.NONE)
					.run(args.toArray(String[]::new))) {
			Thread reader = startMonitor(monitor, prefix, commands);
			AwardEngine engine = context.getBean(AwardEngine.class);
			AwardLedger ledger = context.getBean(AwardLedger.class);
			String epoch = engine.sweepStarted("uni-a");
			oeb.failIssuing(400, 1, null).failIssuing(503, 1, null);
			List<String> users = List.of("slot-a", "slot-b", "slot-c", "slot-d");
			engine.reconcile("uni-a", users.stream()
				.map((user) -> PipelineFixture.completed("uni-a", "42", user, user + "@uni-a.example"))
				.toList());
			engine.courseSwept("uni-a", "42", epoch);
			engine.sweepFinished("uni-a", epoch, List.of("42"));
			engine.observe(PipelineFixture.completed("uni-dry", "42", "slot-e", "slot-e@uni-a.example"));
			await().atMost(Duration.ofSeconds(20))
				.until(() -> users.stream()
					.map((user) -> ledger.award("uni-a", "course-42", user).get("state"))
					.allMatch((state) -> "issued".equals(state) || "dead".equals(state)));
			users.forEach((user) -> ledger.replay("uni-a", "course-42", user, PipelineFixture.COURSE_BADGE));
			await().atMost(Duration.ofSeconds(20))
				.until(() -> users.stream()
					.allMatch((user) -> "issued".equals(ledger.award("uni-a", "course-42", user).get("state"))));
			ledger.resume("uni-a");
			ledger.usersStillOpen("uni-a", List.of("course-42"), users);
			reader.interrupt();
		}

		List<String> violations = new ArrayList<>();
		Integer scriptSlot = null;
		int checked = 0;
		try (Socket socket = new Socket("127.0.0.1", 6379)) {
			Resp resp = new Resp(socket);
			for (List<String> command : commands) {
				boolean fromScript = "lua".equals(command.get(0));
				List<String> words = command.subList(1, command.size());
				List<String> keys = resp.keysOf(words);
				if (keys.isEmpty()) {
					continue;
				}
				checked++;
				int slot = SlotHash.getSlot(keys.get(0));
				keys.stream()
					.filter((key) -> SlotHash.getSlot(key) != slot)
					.forEach((key) -> violations.add(words + " spans slots"));
				if (!fromScript) {
					scriptSlot = words.get(0).toUpperCase().startsWith("EVAL") ? slot : null;
				}
				else if (scriptSlot != null && scriptSlot != slot) {
					violations.add(words + " inside a script touches another slot than the script's keys");
				}
			}
		}
		assertThat(checked).as("commands with keys seen").isGreaterThan(50);
		assertThat(commands).anyMatch((command) -> command.get(1).equalsIgnoreCase("XREADGROUP"));
		assertThat(violations).isEmpty();
	}

	/** Just enough RESP to ask Redis which arguments of a command are keys. */
	private static final class Resp {

		private final OutputStream out;

		private final java.io.DataInputStream in;

		Resp(Socket socket) throws java.io.IOException {
			this.out = socket.getOutputStream();
			this.in = new java.io.DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
		}

		List<String> keysOf(List<String> words) throws java.io.IOException {
			java.io.ByteArrayOutputStream request = new java.io.ByteArrayOutputStream();
			request.writeBytes(("*" + (words.size() + 2) + "\r\n").getBytes(StandardCharsets.UTF_8));
			List<String> all = new ArrayList<>(List.of("COMMAND", "GETKEYS"));
			all.addAll(words);
			for (String word : all) {
				byte[] bytes = word.getBytes(StandardCharsets.ISO_8859_1);
				request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
				request.writeBytes(bytes);
				request.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
			}
			this.out.write(request.toByteArray());
			this.out.flush();
			String header = line();
			List<String> keys = new ArrayList<>();
			if (header.startsWith("*")) {
				int count = Integer.parseInt(header.substring(1));
				for (int i = 0; i < count; i++) {
					int length = Integer.parseInt(line().substring(1));
					byte[] key = this.in.readNBytes(length);
					line();
					keys.add(new String(key, StandardCharsets.ISO_8859_1));
				}
			}
			return keys;
		}

		private String line() throws java.io.IOException {
			StringBuilder text = new StringBuilder();
			int c;
			while ((c = this.in.read()) != '\r') {
				text.append((char) c);
			}
			this.in.read();
			return text.toString();
		}

	}

	/** Collects the MONITOR lines that touch the test's keys: [origin, command, args...]. */
	private static Thread startMonitor(Socket monitor, String prefix, List<List<String>> commands) throws Exception {
		OutputStream out = monitor.getOutputStream();
		out.write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
		out.flush();
		BufferedReader in = new BufferedReader(new InputStreamReader(monitor.getInputStream(), StandardCharsets.UTF_8));
		in.readLine();
		Thread reader = new Thread(() -> {
			try {
				String line;
				while ((line = in.readLine()) != null) {
					if (line.contains(prefix)) {
						commands.add(parse(line));
					}
				}
			}
			catch (Exception closed) {
				// the socket closes at the end of the test
			}
		});
		reader.setDaemon(true);
		reader.start();
		return reader;
	}

	/** {@code +1700000000.1 [0 127.0.0.1:5000] "HGET" "k" "f"}: the origin ("lua" or "client") and the words. */
	static List<String> parse(String line) {
		List<String> words = new ArrayList<>();
		int bracket = line.indexOf('[');
		int end = line.indexOf(']', bracket);
		words.add(line.substring(bracket, end).contains("lua") ? "lua" : "client");
		int i = end + 1;
		while (i < line.length()) {
			if (line.charAt(i) != '"') {
				i++;
				continue;
			}
			StringBuilder word = new StringBuilder();
			i++;
			while (i < line.length() && line.charAt(i) != '"') {
				char c = line.charAt(i);
				if (c == '\\' && i + 1 < line.length()) {
					char next = line.charAt(i + 1);
					if (next == 'x' && i + 3 < line.length()) {
						word.append((char) Integer.parseInt(line.substring(i + 2, i + 4), 16));
						i += 4;
						continue;
					}
					word.append(switch (next) {
						case 'n' -> '\n';
						case 'r' -> '\r';
						case 't' -> '\t';
						default -> next;
					});
					i += 2;
					continue;
				}
				word.append(c);
				i++;
			}
			words.add(word.toString());
			i++;
		}
		return words;
	}

}

package org.oeb.bridge.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import redis.embedded.RedisServer;

/**
 * Makes sure a real Redis answers before any test runs: the one at
 * {@code REDIS_HOST:REDIS_PORT} (default 127.0.0.1:6379) when it is there, otherwise an
 * embedded redis-server started on that port for this test run, so that the test command
 * works on a machine with only a JDK. Registered for every module whose tests depend on this
 * test jar.
 */
public final class RedisForTests implements LauncherSessionListener {

	private static RedisServer embedded;

	@Override
	public void launcherSessionOpened(LauncherSession session) {
		ensureRunning();
	}

	@Override
	public void launcherSessionClosed(LauncherSession session) {
		stopEmbedded();
	}

	public static synchronized void ensureRunning() {
		String host = System.getenv().getOrDefault("REDIS_HOST", "127.0.0.1");
		int port = Integer.parseInt(System.getenv().getOrDefault("REDIS_PORT", "6379"));
		if (embedded != null || answersPing(host, port)) {
			return;
		}
		if (!"127.0.0.1".equals(host) && !"localhost".equals(host)) {
			throw new IllegalStateException("No Redis answers at " + host + ":" + port);
		}
		try {
			embedded = RedisServer.newRedisServer()
				.port(port)
				.bind("127.0.0.1")
				.setting("save \"\"")
				.setting("appendonly no")
				.build();
			embedded.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("No Redis answers on 127.0.0.1:" + port
					+ " and an embedded one could not be started", ex);
		}
		for (int attempt = 0; attempt < 100 && !answersPing(host, port); attempt++) {
			sleep(50);
		}
		System.out.println("No Redis answered on 127.0.0.1:" + port + "; started an embedded redis-server for the tests");
	}

	private static synchronized void stopEmbedded() {
		if (embedded != null) {
			try {
				embedded.stop();
			}
			catch (IOException ex) {
				// the process ends with the JVM anyway
			}
			embedded = null;
		}
	}

	private static boolean answersPing(String host, int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), 500);
			socket.setSoTimeout(1000);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] reply = new byte[64];
			int read = in.read(reply);
			return read > 0 && new String(reply, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG");
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

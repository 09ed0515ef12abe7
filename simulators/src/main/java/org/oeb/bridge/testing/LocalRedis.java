package org.oeb.bridge.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import redis.embedded.RedisServer;

/**
 * A real Redis for tests and the sandbox: the one at {@code REDIS_HOST:REDIS_PORT} (default
 * 127.0.0.1:6379) when it answers, otherwise an embedded redis-server started on that port,
 * so that tests and the sandbox work on a machine with only a JDK.
 */
public final class LocalRedis {

	private static RedisServer embedded;

	private LocalRedis() {
	}

	/** Whether this JVM started the Redis the tests (or the sandbox) use. */
	public static synchronized boolean startedEmbedded() {
		return embedded != null;
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
		System.out.println("No Redis answered on 127.0.0.1:" + port + "; started an embedded redis-server");
	}

	public static synchronized void stopEmbedded() {
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

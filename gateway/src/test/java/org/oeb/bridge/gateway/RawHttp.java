package org.oeb.bridge.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Sends a request exactly as written, byte for byte: no client library normalises, encodes or
 * validates the path on the way, as an attacker's client would not.
 */
final class RawHttp {

	private RawHttp() {
	}

	static Response send(int port, String method, String rawTarget, Map<String, String> headers, byte[] body,
			boolean chunked) {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(20_000);
			StringBuilder head = new StringBuilder();
			head.append(method).append(' ').append(rawTarget).append(" HTTP/1.1\r\n");
			head.append("Host: localhost:").append(port).append("\r\n");
			head.append("Connection: close\r\n");
			headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
			if (body != null && chunked) {
				head.append("Transfer-Encoding: chunked\r\n");
			}
			else if (body != null) {
				head.append("Content-Length: ").append(body.length).append("\r\n");
			}
			head.append("\r\n");
			OutputStream out = socket.getOutputStream();
			out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			// the body goes out on its own thread while the answer is read: a server that refuses an
			// oversized body answers and closes before the client has finished writing it
			Thread writer = new Thread(() -> writeBody(out, body, chunked), "raw-http-body");
			writer.setDaemon(true);
			writer.start();
			return Response.parse(readAll(socket.getInputStream()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void writeBody(OutputStream out, byte[] body, boolean chunked) {
		try {
			if (body != null && chunked) {
				int chunk = 8192;
				for (int offset = 0; offset < body.length; offset += chunk) {
					int length = Math.min(chunk, body.length - offset);
					out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
					out.write(body, offset, length);
					out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
				}
				out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			}
			else if (body != null) {
				out.write(body);
			}
			out.flush();
		}
		catch (IOException closed) {
			// the server answered and closed before the whole body was sent: what it answered counts
		}
	}

	static Response send(int port, String method, String rawTarget, Map<String, String> headers) {
		return send(port, method, rawTarget, headers, null, false);
	}

	/**
	 * Sends only the head of a request that declares {@code declaredLength} bytes of body, never
	 * sends the body, and reads the answer as soon as it is complete (a server that waited for
	 * the body would answer nothing, and the read would time out after {@code wait}).
	 */
	static Response sendHeadOnly(int port, String method, String rawTarget, Map<String, String> headers,
			long declaredLength, java.time.Duration wait) {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout((int) wait.toMillis());
			StringBuilder head = new StringBuilder();
			head.append(method).append(' ').append(rawTarget).append(" HTTP/1.1\r\n");
			head.append("Host: localhost:").append(port).append("\r\n");
			headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
			head.append("Content-Length: ").append(declaredLength).append("\r\n\r\n");
			OutputStream out = socket.getOutputStream();
			out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			return Response.parse(readOneResponse(socket.getInputStream()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** One response with a {@code Content-Length}, read up to its last byte without waiting for the connection to close. */
	private static String readOneResponse(InputStream in) throws IOException {
		ByteArrayOutputStream all = new ByteArrayOutputStream();
		int headEnd = -1;
		long length = -1;
		while (headEnd < 0 || all.size() < headEnd + length) {
			int next = in.read();
			if (next < 0) {
				break;
			}
			all.write(next);
			if (headEnd < 0 && all.size() >= 4 && all.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
				headEnd = all.size();
				java.util.regex.Matcher declared = java.util.regex.Pattern.compile("(?im)^content-length:\\s*(\\d+)")
					.matcher(all.toString(StandardCharsets.ISO_8859_1));
				length = declared.find() ? Long.parseLong(declared.group(1)) : 0;
			}
		}
		return all.toString(StandardCharsets.UTF_8);
	}

	private static String readAll(InputStream in) throws IOException {
		ByteArrayOutputStream all = new ByteArrayOutputStream();
		byte[] buffer = new byte[8192];
		try {
			for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
				all.write(buffer, 0, read);
			}
		}
		catch (IOException ex) {
			// the server may reset the connection after answering an oversized body
			if (all.size() == 0) {
				throw ex;
			}
		}
		return all.toString(StandardCharsets.UTF_8);
	}

	record Response(int status, String text) {

		static Response parse(String text) {
			String[] statusLine = text.split("\r\n", 2)[0].split(" ");
			return new Response(Integer.parseInt(statusLine[1]), text);
		}

	}

}

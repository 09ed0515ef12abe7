package org.oeb.bridge.common.issuance;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import feign.Client;
import feign.Request;
import feign.Response;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * Feign's transport to the gateway over a pool of kept-alive connections. Feign's default
 * transport keeps at most five idle connections per host, so with more calls in flight nearly
 * every call opened (and the gateway accepted) a new TCP connection.
 */
final class PooledFeignClient implements Client {

	private final CloseableHttpClient http;

	PooledFeignClient(CloseableHttpClient http) {
		this.http = http;
	}

	@Override
	public Response execute(Request request, Request.Options options) throws IOException {
		HttpUriRequestBase outgoing = new HttpUriRequestBase(request.httpMethod().name(), URI.create(request.url()));
		for (Map.Entry<String, Collection<String>> header : request.headers().entrySet()) {
			if (HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(header.getKey())) {
				continue; // the entity states it
			}
			for (String value : header.getValue()) {
				outgoing.addHeader(header.getKey(), value);
			}
		}
		if (request.body() != null) {
			outgoing.setEntity(new ByteArrayEntity(request.body(), contentType(request)));
		}
		HttpClientContext context = HttpClientContext.create();
		context.setRequestConfig(RequestConfig.custom()
			.setResponseTimeout(Timeout.of(options.readTimeout(), options.readTimeoutUnit()))
			.setConnectionRequestTimeout(Timeout.of(options.connectTimeout(), options.connectTimeoutUnit()))
			.setRedirectsEnabled(false)
			.build());
		ClassicHttpResponse response = this.http.executeOpen(null, outgoing, context);
		return Response.builder()
			.status(response.getCode())
			.reason(response.getReasonPhrase())
			.headers(headers(response))
			.request(request)
			.body(body(response))
			.build();
	}

	private static ContentType contentType(Request request) {
		for (Map.Entry<String, Collection<String>> header : request.headers().entrySet()) {
			if (HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(header.getKey()) && !header.getValue().isEmpty()) {
				return ContentType.parse(header.getValue().iterator().next());
			}
		}
		return null;
	}

	private static Map<String, Collection<String>> headers(ClassicHttpResponse response) {
		Map<String, Collection<String>> headers = new LinkedHashMap<>();
		for (Header header : response.getHeaders()) {
			headers.computeIfAbsent(header.getName(), (name) -> new ArrayList<>()).add(header.getValue());
		}
		return headers;
	}

	private static Response.Body body(ClassicHttpResponse response) {
		HttpEntity entity = response.getEntity();
		return new Response.Body() {

			@Override
			public Integer length() {
				long length = (entity != null) ? entity.getContentLength() : -1;
				return (length >= 0 && length <= Integer.MAX_VALUE) ? (int) length : null;
			}

			@Override
			public boolean isRepeatable() {
				return false;
			}

			@Override
			public InputStream asInputStream() throws IOException {
				return (entity != null) ? entity.getContent() : InputStream.nullInputStream();
			}

			@Override
			public Reader asReader(Charset charset) throws IOException {
				return new InputStreamReader(asInputStream(), charset);
			}

			@Override
			public void close() throws IOException {
				// a body read to its end returns the connection to the pool; one left unread drops it
				response.close();
			}

		};
	}

}

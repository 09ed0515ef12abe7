package org.oeb.bridge.moodle.site;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * Moodle Web Services over REST for one site: form-encoded POST to
 * {@code /webservice/rest/server.php} (so the token stays out of access logs), PHP bracket
 * arrays, JSON answers. Moodle reports errors with HTTP 200 and an error object; those become
 * {@link MoodleException}s. At most {@code max-concurrent-requests} calls are in flight.
 */
public class MoodleClient {

	private static final Set<String> CONFIGURATION_ERRORS = Set.of("invalidtoken", "accessexception",
			"nopermissions", "invalidrecord", "requireloginerror", "servicenotavailable", "webservicenotavailable");

	private static final int ATTEMPTS = 3;

	private final String institution;

	private final MoodleProperties.Site site;

	private final HttpClient http;

	private final Semaphore inFlight;

	private final JsonMapper json = JsonMapper.builder().build();

	private final MeterRegistry meters;

	private final AtomicLong calls = new AtomicLong();

	public MoodleClient(String institution, MoodleProperties.Site site, MeterRegistry meters) {
		this.institution = institution;
		this.site = site;
		this.meters = meters;
		this.inFlight = new Semaphore(site.maxConcurrentRequests(), true);
		this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
	}

	public String institution() {
		return this.institution;
	}

	public URI wwwroot() {
		String root = this.site.url().toString();
		return URI.create(root.endsWith("/") ? root.substring(0, root.length() - 1) : root);
	}

	/** Web Services calls made so far (for per-cycle counts). */
	public long callCount() {
		return this.calls.get();
	}

	/** Calls {@code function}; transient failures are retried twice with back-off. */
	public JsonNode call(String function, Map<String, ?> parameters) {
		MoodleException last = null;
		for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
			try {
				return callOnce(function, parameters);
			}
			catch (MoodleException ex) {
				if (ex.kind() != MoodleException.Kind.UNAVAILABLE) {
					throw ex;
				}
				last = ex;
				sleep(Duration.ofMillis(300L << attempt));
			}
		}
		throw last;
	}

	/**
	 * Calls {@code function} once per slice of {@code values}, so that no request carries more
	 * array entries than {@code max-array-entries}, and joins the answers (bare arrays).
	 */
	public ArrayNode callInSlices(String function, String arrayParameter, List<?> values, Map<String, ?> others) {
		ArrayNode all = this.json.createArrayNode();
		int slice = this.site.maxArrayEntries();
		for (int from = 0; from < values.size(); from += slice) {
			Map<String, Object> parameters = new LinkedHashMap<>(others);
			parameters.put(arrayParameter, values.subList(from, Math.min(values.size(), from + slice)));
			JsonNode answer = call(function, parameters);
			answer.forEach(all::add);
		}
		return all;
	}

	private JsonNode callOnce(String function, Map<String, ?> parameters) {
		StringBuilder form = new StringBuilder();
		append(form, "wstoken", this.site.token());
		append(form, "wsfunction", function);
		append(form, "moodlewsrestformat", "json");
		parameters.forEach((name, value) -> encode(form, name, value));
		HttpRequest request = HttpRequest.newBuilder(URI.create(wwwroot() + "/webservice/rest/server.php"))
			.timeout(this.site.requestTimeout())
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("Accept", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(form.toString()))
			.build();
		String body = send(function, request);
		if (body.isBlank()) {
			count(function, "rest_disabled");
			throw new MoodleException(MoodleException.Kind.REST_DISABLED, null,
					"Moodle answered with an empty body: web services or the REST protocol are disabled on "
							+ wwwroot());
		}
		JsonNode answer;
		try {
			answer = this.json.readTree(body);
		}
		catch (RuntimeException ex) {
			count(function, "not_json");
			throw new MoodleException(MoodleException.Kind.UNAVAILABLE, null,
					function + " answered something that is not JSON (is moodlewsrestformat honoured?)");
		}
		if (answer.isObject() && answer.has("exception") && answer.has("errorcode")) {
			String code = answer.path("errorcode").asString("");
			String message = answer.path("message").asString("");
			String debug = answer.path("debuginfo").asString("");
			String text = function + ": " + code + ": " + message + (debug.isEmpty() ? "" : " (" + debug.trim() + ")");
			count(function, code);
			if ("sitemaintenance".equals(code)) {
				throw new MoodleException(MoodleException.Kind.UNAVAILABLE, code, text);
			}
			throw new MoodleException(
					CONFIGURATION_ERRORS.contains(code) ? MoodleException.Kind.MISCONFIGURED
							: MoodleException.Kind.REFUSED,
					code, text);
		}
		count(function, "ok");
		return answer;
	}

	private String send(String function, HttpRequest request) {
		try {
			if (!this.inFlight.tryAcquire(this.site.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
				throw new MoodleException(MoodleException.Kind.UNAVAILABLE, null,
						"too many concurrent requests to " + wwwroot());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new MoodleException(MoodleException.Kind.UNAVAILABLE, null, "interrupted");
		}
		try {
			this.calls.incrementAndGet();
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				count(function, "http_" + response.statusCode());
				throw new MoodleException(MoodleException.Kind.UNAVAILABLE, null,
						function + ": HTTP " + response.statusCode() + " from " + wwwroot());
			}
			return response.body();
		}
		catch (IOException ex) {
			count(function, "io_error");
			throw new MoodleException(MoodleException.Kind.UNAVAILABLE, null,
					function + ": " + ex.getClass().getSimpleName() + " talking to " + wwwroot());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new MoodleException(MoodleException.Kind.UNAVAILABLE, null, "interrupted");
		}
		finally {
			this.inFlight.release();
		}
	}

	private void count(String function, String outcome) {
		this.meters
			.counter("bridge.moodle.calls", "institution", this.institution, "function", function, "outcome", outcome)
			.increment();
	}

	/** PHP bracket notation: {@code a[0]=x}, {@code o[k]=v}, {@code options[0][name]=n}. */
	private static void encode(StringBuilder form, String name, Object value) {
		if (value instanceof Map<?, ?> map) {
			map.forEach((key, inner) -> encode(form, name + "[" + key + "]", inner));
		}
		else if (value instanceof List<?> list) {
			List<Object> items = new ArrayList<>(list);
			for (int i = 0; i < items.size(); i++) {
				encode(form, name + "[" + i + "]", items.get(i));
			}
		}
		else if (value instanceof Boolean flag) {
			append(form, name, flag ? "1" : "0");
		}
		else if (value != null) {
			append(form, name, value.toString());
		}
	}

	private static void append(StringBuilder form, String name, String value) {
		if (form.length() > 0) {
			form.append('&');
		}
		form.append(URLEncoder.encode(name, StandardCharsets.UTF_8))
			.append('=')
			.append(URLEncoder.encode(value, StandardCharsets.UTF_8));
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

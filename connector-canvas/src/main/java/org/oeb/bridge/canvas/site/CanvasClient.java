package org.oeb.bridge.canvas.site;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Canvas's REST API for one site, as Canvas asks clients to behave: at most
 * {@code max-concurrent-requests} calls in flight per token; below {@code slow-down-below}
 * remaining budget ({@code X-Rate-Limit-Remaining}) a call waits for the bucket to drain; a
 * throttled answer (429, or 403 in plain text "Rate Limit Exceeded") is retried after an
 * exponential wait with jitter; pages are followed by their {@code Link: rel="next"} verbatim.
 * A 401 with {@code WWW-Authenticate} renews the token once.
 */
public class CanvasClient {

	private static final Pattern NEXT = Pattern.compile("<([^>]*)>\\s*;\\s*rel=\"?next\"?", Pattern.CASE_INSENSITIVE);

	/** Canvas's bucket drains this many units a second. */
	private static final double DRAIN_PER_SECOND = 10;

	private static final int THROTTLE_ATTEMPTS = 8;

	private static final int FAILURE_ATTEMPTS = 3;

	private static final Duration MAX_BACKOFF = Duration.ofMinutes(2);

	private static final int MAX_PAGES = 10_000;

	private final String institution;

	private final CanvasProperties.Site site;

	private final CanvasTokens tokens;

	private final HttpClient http;

	private final Semaphore inFlight;

	private final JsonMapper json = JsonMapper.builder().build();

	private final MeterRegistry meters;

	private final AtomicLong calls = new AtomicLong();

	private final AtomicReference<Double> remaining = new AtomicReference<>(Double.NaN);

	public CanvasClient(String institution, CanvasProperties.Site site, CanvasTokens tokens, MeterRegistry meters) {
		this.institution = institution;
		this.site = site;
		this.tokens = tokens;
		this.meters = meters;
		this.inFlight = new Semaphore(site.maxConcurrentRequests(), true);
		this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
		Gauge.builder("bridge.canvas.rate.limit.remaining", this.remaining, AtomicReference::get)
			.description("Canvas's X-Rate-Limit-Remaining of the last answer")
			.tag("institution", institution)
			.register(meters);
	}

	public URI root() {
		String text = this.site.url().toString();
		return URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
	}

	/** API calls made so far, retries included. */
	public long callCount() {
		return this.calls.get();
	}

	/** One object (not paginated). */
	public JsonNode get(String pathAndQuery) {
		return parse(send(URI.create(root() + pathAndQuery), pathAndQuery).body(), pathAndQuery);
	}

	/** Canvas's answer as JSON; anything else fails the read of that course. */
	private JsonNode parse(String body, String pathAndQuery) {
		try {
			return this.json.readTree(body);
		}
		catch (RuntimeException ex) {
			throw new CanvasException(200, "not_json", false, false, path(pathAndQuery) + " answered something that is not JSON");
		}
	}

	/**
	 * Every item of a paginated collection: {@code per_page=100}, then each {@code rel="next"}
	 * as Canvas sent it. A next link to another host, a page seen before, or an answer that is
	 * not an array fails the read (nothing of it is used).
	 */
	public List<JsonNode> getAll(String pathAndQuery) {
		String first = pathAndQuery + (pathAndQuery.contains("?") ? "&" : "?") + "per_page=100";
		URI next = URI.create(root() + first);
		Set<String> visited = new HashSet<>();
		List<JsonNode> items = new ArrayList<>();
		while (next != null) {
			if (!visited.add(next.toString()) || visited.size() > MAX_PAGES) {
				throw new CanvasException(200, "page_repeats", false, false,
						"Canvas sent a page of " + path(pathAndQuery) + " twice; the read is dropped and retried next cycle");
			}
			HttpResponse<String> response = send(next, pathAndQuery);
			JsonNode page = parse(response.body(), pathAndQuery);
			if (!page.isArray()) {
				throw new CanvasException(200, "unexpected_shape", false, false,
						path(pathAndQuery) + " answered something that is not a list");
			}
			page.forEach(items::add);
			next = nextPage(response, pathAndQuery);
		}
		return items;
	}

	private URI nextPage(HttpResponse<String> response, String pathAndQuery) {
		for (String link : response.headers().allValues("link")) {
			Matcher matcher = NEXT.matcher(link);
			if (matcher.find()) {
				URI next;
				try {
					next = URI.create(matcher.group(1));
				}
				catch (IllegalArgumentException ex) {
					throw new CanvasException(200, "bad_link", false, false, path(pathAndQuery) + ": the next-page link is not a URL");
				}
				if (!root().getHost().equalsIgnoreCase(next.getHost()) || root().getPort() != next.getPort()
						|| !root().getScheme().equalsIgnoreCase(next.getScheme())) {
					throw new CanvasException(200, "foreign_link", false, false, path(pathAndQuery)
							+ ": the next page points to another site (" + next.getHost() + "); not followed");
				}
				return next;
			}
		}
		return null;
	}

	private HttpResponse<String> send(URI uri, String pathAndQuery) {
		boolean renewed = false;
		int throttled = 0;
		int failed = 0;
		while (true) {
			String token = this.tokens.current(this.institution);
			HttpResponse<String> response;
			try {
				response = exchange(uri, token);
			}
			catch (IOException ex) {
				if (++failed >= FAILURE_ATTEMPTS) {
					throw unavailable(pathAndQuery, ex.getClass().getSimpleName());
				}
				pause(this.site.throttleBackoff().multipliedBy(failed));
				continue;
			}
			int status = response.statusCode();
			if (status >= 200 && status < 300) {
				count("ok");
				pace(response);
				return response;
			}
			if (isThrottled(response)) {
				count("throttled");
				this.meters.counter("bridge.canvas.throttled", "institution", this.institution).increment();
				if (++throttled >= THROTTLE_ATTEMPTS) {
					throw new CanvasException(status, "throttled", false, true, path(pathAndQuery)
							+ ": Canvas kept throttling the connector; the next cycle tries again");
				}
				pause(backoff(throttled));
				continue;
			}
			boolean tokenProblem = response.headers().firstValue("www-authenticate").isPresent();
			if (status == 401 && tokenProblem && !renewed && this.tokens.renewable(this.institution)) {
				count("renewed");
				this.tokens.renew(this.institution, token);
				renewed = true;
				continue;
			}
			if (status >= 500 && ++failed < FAILURE_ATTEMPTS) {
				count("http_" + status);
				pause(this.site.throttleBackoff().multipliedBy(failed));
				continue;
			}
			count("http_" + status);
			throw failure(status, tokenProblem, response.body(), pathAndQuery);
		}
	}

	private HttpResponse<String> exchange(URI uri, String token) throws IOException {
		HttpRequest request = HttpRequest.newBuilder(uri)
			.timeout(this.site.requestTimeout())
			.header("Authorization", "Bearer " + token)
			.header("Accept", "application/json")
			.GET()
			.build();
		try {
			this.inFlight.acquire();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("interrupted");
		}
		try {
			this.calls.incrementAndGet();
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("interrupted");
		}
		finally {
			this.inFlight.release();
		}
	}

	/**
	 * Below the threshold, wait until the bucket has drained back to it. (A throttled answer
	 * waits its back-off instead.)
	 */
	private void pace(HttpResponse<String> response) {
		response.headers().firstValue("x-rate-limit-remaining").ifPresent((value) -> {
			try {
				double left = Double.parseDouble(value.trim());
				this.remaining.set(left);
				if (left < this.site.slowDownBelow()) {
					this.meters.counter("bridge.canvas.slowdowns", "institution", this.institution).increment();
					pause(Duration.ofMillis((long) ((this.site.slowDownBelow() - left) / DRAIN_PER_SECOND * 1000)));
				}
			}
			catch (NumberFormatException ex) {
				// a header we cannot read paces nothing
			}
		});
	}

	private static boolean isThrottled(HttpResponse<String> response) {
		if (response.statusCode() == 429) {
			return true;
		}
		if (response.statusCode() != 403) {
			return false;
		}
		String type = response.headers().firstValue("content-type").orElse("").toLowerCase(Locale.ROOT);
		return type.startsWith("text/plain") || response.body().contains("Rate Limit Exceeded");
	}

	private Duration backoff(int attempt) {
		long base = this.site.throttleBackoff().toMillis() << Math.min(attempt - 1, 16);
		long capped = Math.min(base, MAX_BACKOFF.toMillis());
		return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
	}

	private CanvasException failure(int status, boolean tokenProblem, String body, String pathAndQuery) {
		String message = message(body);
		boolean coursePath = pathAndQuery.startsWith("/api/v1/courses/");
		if (status == 401 && tokenProblem) {
			return new CanvasException(status, "invalid_token", true, true,
					"Canvas refused the connector's token of institution '" + this.institution + "' (" + message + ")");
		}
		if (status == 401 && message.contains("scopes")) {
			return new CanvasException(status, "insufficient_scopes", true, true, path(pathAndQuery)
					+ ": the developer key lacks the scope url:GET|" + path(pathAndQuery) + " (" + message + ")");
		}
		if (status == 401 || status == 403) {
			return new CanvasException(status, "unauthorized", true, !coursePath, path(pathAndQuery)
					+ ": the connector's user may not read this (" + message + "); give it view_all_grades, "
					+ "read_roster and read_email_addresses where the course lives");
		}
		if (status == 404) {
			return new CanvasException(status, "not_found", true, !coursePath,
					path(pathAndQuery) + ": Canvas does not know it (" + message + ")");
		}
		if (status >= 500) {
			return unavailable(pathAndQuery, "HTTP " + status);
		}
		return new CanvasException(status, "refused", false, false, path(pathAndQuery) + ": HTTP " + status + " "
				+ message);
	}

	private CanvasException unavailable(String pathAndQuery, String what) {
		return new CanvasException(0, "unavailable", false, true,
				path(pathAndQuery) + ": " + what + " talking to " + root().getHost());
	}

	/** The first error text Canvas sent, in any of its error shapes. */
	private String message(String body) {
		try {
			JsonNode answer = this.json.readTree(body);
			JsonNode errors = answer.path("errors");
			if (errors.isArray() && !errors.isEmpty()) {
				return errors.get(0).path("message").asString("");
			}
			if (errors.isObject()) {
				return errors.toString();
			}
			JsonNode error = answer.path("error");
			return error.isObject() ? error.path("message").asString("") : error.asString(answer.path("message").asString(""));
		}
		catch (RuntimeException ex) {
			return body.length() > 200 ? body.substring(0, 200) : body.trim();
		}
	}

	private void count(String outcome) {
		this.meters.counter("bridge.canvas.calls", "institution", this.institution, "outcome", outcome).increment();
	}

	private static String path(String pathAndQuery) {
		int query = pathAndQuery.indexOf('?');
		return (query < 0) ? pathAndQuery : pathAndQuery.substring(0, query);
	}

	private static void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CanvasException(0, "interrupted", false, true, "interrupted");
		}
	}

}

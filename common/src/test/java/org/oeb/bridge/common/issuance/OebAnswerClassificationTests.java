package org.oeb.bridge.common.issuance;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.lang.reflect.Proxy;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import feign.Request;
import feign.Response;
import feign.RetryableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.oeb.bridge.common.awards.Award;
import org.oeb.bridge.common.issuance.OebIssuer.Outcome;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every answer to an issue call means, without Redis or a network: issued, already there,
 * a pause, a dead letter, or a retry, and for a retry whether OEB may have stored the award
 * (then the look-up waits {@code settle-time}) or surely did not.
 */
class OebAnswerClassificationTests {

	private static final String BADGE = "CourseBadge0000000000A";

	private static final Request REQUEST = Request.create(Request.HttpMethod.POST,
			"http://gateway/oeb/uni-a/v2/badgeclasses/" + BADGE + "/assertions", Map.of(), new byte[0],
			StandardCharsets.UTF_8, null);

	private static final Award AWARD = new Award("course-42", "u-1", BADGE, "ada@uni-a.example", "Ada", true,
			"moodle", "42", Instant.parse("2026-05-04T12:00:00Z"), Instant.parse("2026-05-04T12:01:00Z"), "[]");

	@ParameterizedTest(name = "HTTP {0} means {1}")
	@CsvSource({ "200, issued", "201, issued", "400, dead letter", "401, key refused", "402, quota",
			"403, key refused", "404, dead letter", "408, not processed", "409, dead letter", "413, dead letter",
			"425, not processed", "429, not processed", "500, ambiguous", "502, ambiguous", "503, not processed",
			"504, ambiguous" })
	void everyStatusOfAnIssueCallMeansOneThing(int status, String meaning) {
		assertThat(meaning(issue(() -> answer(status, body(status), Map.of())))).isEqualTo(meaning);
	}

	@Test
	void aDuplicateRefusalMeansOebAlreadyHoldsTheAward() {
		String duplicate = "{\"status\":{\"success\":false,\"description\":\"bad request\"},\"result\":[],"
				+ "\"fieldErrors\":{},\"validationErrors\":[\"A previous award of this badge already exists for this "
				+ "recipient.\"]}";

		assertThat(issue(() -> answer(400, duplicate, Map.of()))).isEqualTo(new Outcome.AlreadyAwarded());
	}

	@Test
	void aTimeoutAResetAndAnAnswerCutOffWhileReadingItAreAmbiguous() {
		Outcome timeout = issue(() -> {
			throw new RetryableException(-1, "Read timed out executing POST", Request.HttpMethod.POST,
					new SocketTimeoutException("Read timed out"), (Long) null, REQUEST);
		});
		Outcome reset = issue(() -> {
			throw new RetryableException(-1, "Connection reset executing POST", Request.HttpMethod.POST,
					new SocketException("Connection reset"), (Long) null, REQUEST);
		});
		InputStream cutOff = new SequenceInputStream(new ByteArrayInputStream("{\"status\":".getBytes()),
				new InputStream() {

					@Override
					public int read() throws IOException {
						throw new SocketException("Connection reset");
					}

				});
		Outcome resetWhileReading = issue(() -> Response.builder()
			.status(201)
			.request(REQUEST)
			.headers(Map.of())
			.body(cutOff, null)
			.build());

		assertThat(List.of(timeout, reset, resetWhileReading)).allSatisfy((outcome) -> assertThat(meaning(outcome))
			.isEqualTo("ambiguous"));
	}

	@Test
	void retryAfterOfANotProcessedAnswerIsKept() {
		Outcome limited = issue(() -> answer(429, body(429), Map.of("Retry-After", List.of("7"))));

		assertThat(limited).isInstanceOfSatisfying(Outcome.Transient.class,
				(transientFailure) -> assertThat(transientFailure.retryAfter()).isEqualTo(Duration.ofSeconds(7)));
	}

	/** The answer of the fake gateway: OEB's JSON for 2xx and 4xx, an HTML page for 5xx. */
	private static String body(int status) {
		if (status == 200 || status == 201) {
			return "{\"status\":{\"success\":true},\"result\":[{\"entityId\":\"Assertion000000000000A\"}]}";
		}
		if (status >= 500) {
			return "<html><body><h1>" + status + "</h1></body></html>";
		}
		return "{\"status\":{\"success\":false,\"description\":\"error\"},\"result\":[],"
				+ "\"fieldErrors\":{\"evidence\":[\"Enter a valid URL.\"]},\"validationErrors\":[]}";
	}

	private static Response answer(int status, String body, Map<String, Collection<String>> headers) {
		return Response.builder()
			.status(status)
			.request(REQUEST)
			.headers(headers)
			.body(body, StandardCharsets.UTF_8)
			.build();
	}

	private static Outcome issue(Supplier<Response> gatewayAnswer) {
		GatewayClient gateway = (GatewayClient) Proxy.newProxyInstance(GatewayClient.class.getClassLoader(),
				new Class<?>[] { GatewayClient.class }, (proxy, method, args) -> {
					if (!method.getName().equals("issue")) {
						throw new UnsupportedOperationException(method.getName());
					}
					return gatewayAnswer.get();
				});
		return new OebIssuer(gateway).issue("uni-a", "connector-key", AWARD);
	}

	private static String meaning(Outcome outcome) {
		if (outcome instanceof Outcome.Issued) {
			return "issued";
		}
		if (outcome instanceof Outcome.Refused) {
			return "dead letter";
		}
		if (outcome instanceof Outcome.KeyRefused) {
			return "key refused";
		}
		if (outcome instanceof Outcome.QuotaExhausted) {
			return "quota";
		}
		if (outcome instanceof Outcome.Transient failure) {
			return failure.mayHaveReachedOeb() ? "ambiguous" : "not processed";
		}
		return outcome.toString();
	}

}

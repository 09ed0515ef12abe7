package org.oeb.bridge.moodle.webhook;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.oeb.bridge.moodle.site.MoodleProperties;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bodies over the limit are refused before they are buffered, declared or chunked. */
class BodyLimitFilterTests {

	private final BodyLimitFilter filter = new BodyLimitFilter(new MoodleProperties(
			Map.of("uni-a", new MoodleProperties.Site(URI.create("https://moodle.uni-a.example"),
					"0123456789abcdef0123456789abcdef", null, java.time.Duration.ofMinutes(5), "0 30 2 * * *",
					List.of("student"), 4, 500, java.time.Duration.ofSeconds(120), java.time.Duration.ofMinutes(2),
					java.time.Duration.ofHours(6), null)),
			DataSize.ofKilobytes(1)));

	@Test
	void aDeclaredLengthOverTheLimitIsRefusedUnread() throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/webhooks/moodle/uni-a/local-webhooks");
		request.setContent(new byte[2048]);
		MockHttpServletResponse response = new MockHttpServletResponse();
		AtomicReference<Boolean> reachedTheController = new AtomicReference<>(false);

		this.filter.doFilter(request, response, (req, res) -> reachedTheController.set(true));

		assertThat(response.getStatus()).isEqualTo(413);
		assertThat(response.getContentAsString()).contains("body_too_large", "1024");
		assertThat(reachedTheController.get()).isFalse();
	}

	@Test
	void aBodyWithoutALengthIsCountedWhileReadAndStopsAtTheLimit() throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/webhooks/moodle/uni-a/local-webhooks") {
			@Override
			public long getContentLengthLong() {
				return -1;
			}

			@Override
			public int getContentLength() {
				return -1;
			}
		};
		request.setContent(new byte[4096]);

		assertThatThrownBy(() -> this.filter.doFilter(request, new MockHttpServletResponse(),
				(req, res) -> req.getInputStream().readAllBytes()))
			.isInstanceOf(BodyLimitFilter.BodyTooLargeException.class);
	}

	@Test
	void aBodyWithinTheLimitPassesWhole() throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/webhooks/moodle/uni-a/tool-trigger");
		request.setContent("{\"eventname\":\"x\"}".getBytes());
		AtomicReference<String> read = new AtomicReference<>();

		this.filter.doFilter(request, new MockHttpServletResponse(), (req, res) -> {
			try {
				read.set(new String(req.getInputStream().readAllBytes()));
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		});

		assertThat(read.get()).isEqualTo("{\"eventname\":\"x\"}");
	}

}

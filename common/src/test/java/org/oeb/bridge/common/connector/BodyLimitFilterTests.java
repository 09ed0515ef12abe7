package org.oeb.bridge.common.connector;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bodies over the limit are refused before they are buffered, declared or chunked. */
class BodyLimitFilterTests {

	private final BodyLimitFilter filter = new BodyLimitFilter(1024);

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

package org.oeb.bridge.common.awards;

import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.oeb.bridge.common.AwardsTestApplication;
import org.oeb.bridge.testing.FakeOeb;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The operator endpoint stays closed when actuator is mounted somewhere else. */
@SpringBootTest(classes = AwardsTestApplication.class)
@AutoConfigureMockMvc
class OperatorEndpointBasePathTests {

	private static final FakeOeb oeb = FakeOeb.start();

	@Autowired
	private MockMvc mvc;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		PipelineFixture.prepare(oeb);
		PipelineFixture.properties(oeb, "test-basepath-" + UUID.randomUUID())
			.forEach((key, value) -> registry.add(key, () -> value));
		registry.add("management.endpoints.web.base-path", () -> "/ops");
	}

	@AfterAll
	static void stopOeb() {
		oeb.close();
	}

	@Test
	void issuanceEndpointUnderACustomBasePathNeedsTheOperatorInEveryForm() throws Exception {
		for (String path : new String[] { "/ops/issuance", "/ops/issuance/", "/ops/issuance/uni-a", "/ops//issuance",
				"/OPS/issuance" }) {
			this.mvc.perform(get(path)).andExpect((result) -> {
				int status = result.getResponse().getStatus();
				if (status == 200) {
					throw new AssertionError(path + " answered 200 without credentials");
				}
			});
		}
		this.mvc.perform(post("/ops/issuance/uni-a").contentType(MediaType.APPLICATION_JSON)
			.content("{\"action\":\"resume\"}")).andExpect(status().isUnauthorized());
		this.mvc.perform(get("/ops/issuance").with(httpBasic("support", PipelineFixture.OPERATOR_PASSWORD)))
			.andExpect(status().isOk());
		this.mvc.perform(get("/ops/health")).andExpect(status().isOk());
	}

}

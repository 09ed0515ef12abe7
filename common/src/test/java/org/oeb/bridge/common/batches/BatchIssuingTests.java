package org.oeb.bridge.common.batches;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.oeb.bridge.common.AwardsTestApplication;
import org.oeb.bridge.common.awards.AwardLedger;
import org.oeb.bridge.common.awards.PipelineFixture;
import org.oeb.bridge.testing.FakeOeb;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * Manual batches through the operator endpoint, issued by the real workers against the fake
 * OEB: however often (and however concurrently) a batch is submitted, each valid recipient gets
 * one assertion.
 */
@SpringBootTest(classes = AwardsTestApplication.class)
@AutoConfigureMockMvc
class BatchIssuingTests {

	private static final FakeOeb oeb = FakeOeb.start();

	private static final String PREFIX = "test-batches-" + UUID.randomUUID();

	private static final String BULK_BADGE = "BulkBadge000000000000A";

	private static final String OTHER_BADGE = "OtherBadge00000000000A";

	private static final JsonMapper json = JsonMapper.builder().build();

	@Autowired
	private MockMvc mvc;

	@Autowired
	private AwardLedger ledger;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		properties().forEach((key, value) -> registry.add(key, () -> value));
	}

	private static Map<String, String> properties() {
		Map<String, String> properties = new LinkedHashMap<>(PipelineFixture.properties(oeb, PREFIX));
		properties.put("management.endpoints.web.exposure.include", "health,issuance,learners,batches");
		return properties;
	}

	@BeforeEach
	void fresh() {
		oeb.reset();
		PipelineFixture.prepare(oeb);
		oeb.badgeClass(BULK_BADGE).badgeClass(OTHER_BADGE);
		// as in a connector that has swept: first attempts are sent without a look-up
		this.ledger.openStream(PipelineFixture.INSTITUTION);
		this.ledger.sweepFinished(PipelineFixture.INSTITUTION, this.ledger.epoch(PipelineFixture.INSTITUTION));
	}

	@AfterAll
	static void stopOeb() {
		oeb.close();
	}

	@Test
	void aBulkBatchOf1000With10InvalidRowsSubmittedThreeTimesTwoAtOnceOnTwoReplicasIssues990AwardsOnce()
			throws Exception {
		List<Integer> invalidLines = new ArrayList<>();
		String csv = bulkCsv(invalidLines);
		String body = json.writeValueAsString(Map.of("batch", "spring-2026-cohort", "badgeClass", BULK_BADGE,
				"notify", true, "evidence", "Completed the spring cohort", "csv", csv));
		List<String> args = new ArrayList<>();
		properties().forEach((key, value) -> args.add("--" + key + "=" + value));
		try (ConfigurableApplicationContext replica = new SpringApplicationBuilder(AwardsTestApplication.class)
			.web(WebApplicationType.NONE)
			.run(args.toArray(String[]::new))) {
			BatchesEndpoint other = replica.getBean(BatchesEndpoint.class);
			CountDownLatch start = new CountDownLatch(1);
			CompletableFuture<JsonNode> here = CompletableFuture.supplyAsync(() -> {
				awaitStart(start);
				return call(post("/actuator/batches/uni-a").contentType(MediaType.APPLICATION_JSON).content(body), 202);
			});
			CompletableFuture<WebEndpointResponse<Map<String, Object>>> there = CompletableFuture.supplyAsync(() -> {
				awaitStart(start);
				return other.submit("uni-a", "spring-2026-cohort", BULK_BADGE, "true", "Completed the spring cohort",
						null, csv);
			});
			start.countDown();
			JsonNode first = here.get(30, TimeUnit.SECONDS);
			Map<String, Object> second = there.get(30, TimeUnit.SECONDS).getBody();

			assertThat(first.path("accepted").asInt() + (int) second.get("accepted")).isEqualTo(990);
			assertThat(first.path("alreadyInBatch").asInt() + (int) second.get("alreadyInBatch")).isEqualTo(990);
			assertThat(first.path("rows").asInt()).isEqualTo(1000);
			assertThat(first.path("invalid").asInt()).isEqualTo(10);
			List<Integer> reported = new ArrayList<>();
			first.path("invalidRows").forEach((row) -> reported.add(row.path("line").asInt()));
			assertThat(reported).isEqualTo(invalidLines);
			assertThat(second.get("invalid")).isEqualTo(10);

			await().atMost(Duration.ofSeconds(45))
				.pollInterval(Duration.ofMillis(500))
				.until(() -> batch("uni-a", "spring-2026-cohort").path("counts").path("issued").asInt() == 990);
			JsonNode third = call(post("/actuator/batches/uni-a").contentType(MediaType.APPLICATION_JSON).content(body),
					202);
			assertThat(third.path("accepted").asInt()).isZero();
			assertThat(third.path("alreadyInBatch").asInt()).isEqualTo(990);
		}
		Thread.sleep(500);
		assertThat(oeb.issueCallCount()).isEqualTo(990);
		assertThat(oeb.assertions(BULK_BADGE)).hasSize(990);
		JsonNode batch = batch("uni-a", "spring-2026-cohort");
		assertThat(batch.path("counts").path("total").asInt()).isEqualTo(990);
		assertThat(batch.path("submissions").asInt()).isEqualTo(3);
		JsonNode firstRecipient = batch.path("recipients").path(0);
		assertThat(firstRecipient.path("line").asString()).isEqualTo("2");
		assertThat(firstRecipient.path("email").asString()).isEqualTo("l***@cohort.example");
		assertThat(firstRecipient.path("state").asString()).isEqualTo("issued");
		assertThat(firstRecipient.path("assertion").asString()).isNotBlank();
		assertThat(list("uni-a").path("batches").path(0).path("counts").path("issued").asInt()).isEqualTo(990);
	}

	/** 1,000 rows (file lines 2 to 1001), of which 10 are invalid; their lines go into {@code invalidLines}. */
	private static String bulkCsv(List<Integer> invalidLines) {
		StringBuilder csv = new StringBuilder("Name,Email\r\n");
		for (int row = 1; row <= 1000; row++) {
			int line = row + 1;
			String email = "learner" + row + "@cohort.example";
			String name = "\"Learner, No. " + row + "\"";
			String text = switch (row) {
				case 17, 230 -> name + ",";
				case 301, 302, 999 -> name + ",learner" + row + "@@cohort.example";
				case 404, 505 -> ",  " + email;
				case 606 -> "\"" + "n".repeat(201) + "\"," + email;
				case 707 -> name;
				case 808 -> name + ",LEARNER1@cohort.example";
				default -> name + "," + email;
			};
			if (!text.equals(name + "," + email)) {
				invalidLines.add(line);
			}
			csv.append(text).append("\r\n");
		}
		return csv.toString();
	}

	@Test
	void operatorsAloneSubmitAndMistakesAreNamed() throws Exception {
		String route = "/actuator/batches/uni-dry/dry-1/recipients";
		String valid = "{\"badgeClass\":\"" + BULK_BADGE + "\",\"recipients\":["
				+ "{\"email\":\"a@dry.example\",\"name\":\"Anna\"},{\"email\":\"b@dry.example\",\"name\":\"Bernd\"}]}";
		for (MockHttpServletRequestBuilder request : List.of(
				post(route).contentType(MediaType.APPLICATION_JSON).content(valid),
				post(route).with(httpBasic("support", "wrong")).contentType(MediaType.APPLICATION_JSON).content(valid),
				post("/actuator/batches/uni-dry").contentType(MediaType.APPLICATION_JSON).content("{}"),
				get("/actuator/batches/uni-dry"), get("/actuator/batches/uni-dry/dry-1"))) {
			this.mvc.perform(request)
				.andExpect((result) -> assertThat(result.getResponse().getStatus()).isEqualTo(401));
		}
		assertThat(error(post("/actuator/batches/uni-zzz/dry-1/recipients").content(valid), 404)).contains("uni-zzz");
		assertThat(error(post("/actuator/batches/uni-zzz").content("{\"batch\":\"dry-1\"}"), 404)).contains("uni-zzz");

		JsonNode entered = call(post(route).contentType(MediaType.APPLICATION_JSON).content(valid), 202);
		assertThat(entered.path("dryRun").asBoolean()).isTrue();
		assertThat(entered.path("note").asString()).contains("dry-run");
		assertThat(entered.path("accepted").asInt()).isEqualTo(2);
		assertThat(error(post(route).content(valid.replace(BULK_BADGE, OTHER_BADGE)), 409)).contains(BULK_BADGE);
		JsonNode raw = call(post(route + "?badgeClass=" + BULK_BADGE + "&notify=false").contentType("text/csv")
			.content("email,name\nc@dry.example,Carla\na@dry.example,Anna\n"), 202);
		assertThat(raw.path("accepted").asInt()).isEqualTo(1);
		assertThat(raw.path("alreadyInBatch").asInt()).isEqualTo(1);

		assertThat(error(post("/actuator/batches/uni-dry/bad!id/recipients").content(valid), 400)).startsWith("batch");
		assertThat(error(post(route).content(valid.replace(BULK_BADGE, "short")), 400)).startsWith("badgeClass");
		assertThat(error(post(route).content(valid.replace("\"recipients\"", "\"notify\":\"yes\",\"recipients\"")),
				400)).startsWith("notify");
		assertThat(error(post(route).content(valid.replace("\"recipients\"",
				"\"evidenceUrl\":\"http://plain.example\",\"recipients\"")), 400)).startsWith("evidenceUrl");
		assertThat(error(post(route).content("{\"badgeClass\":\"" + BULK_BADGE + "\",\"recipients\":\"a@dry.example\"}"),
				400)).startsWith("recipients");
		assertThat(error(post(route).content(valid.replace("]}", "],\"csv\":\"email,name\"}")), 400))
			.contains("not both");
		assertThat(error(post("/actuator/batches/uni-dry").content("{\"batch\":\"dry-1\",\"badgeClass\":\"" + BULK_BADGE
				+ "\",\"csv\":\"a@dry.example,Anna\"}"), 400)).startsWith("csv").contains("header");
		assertThat(error(post("/actuator/batches/uni-dry").content("{\"batch\":\"dry 1\",\"badgeClass\":\"" + BULK_BADGE
				+ "\",\"csv\":\"email,name\"}"), 400)).startsWith("batch");

		JsonNode batch = batch("uni-dry", "dry-1");
		assertThat(batch.path("counts").path("dry-run").asInt()).isEqualTo(3);
		List<String> shown = new ArrayList<>();
		batch.path("recipients").forEach((recipient) -> shown.add(recipient.path("email").asString()));
		assertThat(shown).containsExactlyInAnyOrder("a***@dry.example", "b***@dry.example", "c***@dry.example");
		assertThat(batch.path("badgeClass").asString()).isEqualTo(BULK_BADGE);
		assertThat(error(get("/actuator/batches/uni-dry/no-such-batch"), 404)).contains("no-such-batch");
		assertThat(oeb.issueCallCount()).isZero();
	}

	@Test
	void anAwardOebStoredBeforeDroppingTheConnectionIsLookedUpNotSentAgainAndTheLearnerCanBeErased()
			throws Exception {
		String email = "dropped-" + UUID.randomUUID() + "@fault.example";
		String body = "{\"badgeClass\":\"" + BULK_BADGE + "\",\"notify\":false,"
				+ "\"evidence\":\"Workshop\",\"evidenceUrl\":\"https://lms.example/workshop\",\"recipients\":[{\"email\":\""
				+ email.toUpperCase() + "\",\"name\":\"Drop Ped\"}]}";
		oeb.storeThenDropConnection(1);

		assertThat(call(post("/actuator/batches/uni-a/fault-1/recipients").contentType(MediaType.APPLICATION_JSON)
			.content(body), 202).path("accepted").asInt()).isEqualTo(1);
		await().atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> "issued".equals(batch("uni-a", "fault-1").path("recipients").path(0).path("state").asString()));
		assertThat(call(post("/actuator/batches/uni-a/fault-1/recipients").contentType(MediaType.APPLICATION_JSON)
			.content(body), 202).path("alreadyInBatch").asInt()).isEqualTo(1);

		String user = Batches.userId("uni-a", email);
		assertThat(this.ledger.award("uni-a", "batch:fault-1", user)).containsEntry("issuedBy", "look-up")
			.containsEntry("lms", "manual")
			.containsEntry("notify", "false");
		assertThat(oeb.issueCallsFor(email)).hasSize(1);
		assertThat(oeb.issueCallsFor(email).get(0).getBodyAsString()).contains("Workshop", "https://lms.example/workshop",
				"Drop Ped");
		assertThat(oeb.assertionsFor(email)).hasSize(1);

		JsonNode export = call(get("/actuator/learners/uni-a/" + user), 200);
		assertThat(export.path("ledger").path("awards").path(0).path("rule").asString()).isEqualTo("batch:fault-1");
		assertThat(export.path("batches").path("batches").path(0).path("batch").asString()).isEqualTo("fault-1");
		call(delete("/actuator/learners/uni-a/" + user), 200);
		assertThat(this.ledger.award("uni-a", "batch:fault-1", user)).isEmpty();
		assertThat(batch("uni-a", "fault-1").path("counts").path("total").asInt()).isZero();
	}

	@Test
	void aDeadBatchAwardIsShownWithItsReasonAndReplayedThroughTheIssuanceEndpoint() throws Exception {
		String email = "refused-" + UUID.randomUUID() + "@fault.example";
		oeb.failIssuing(400, 1, null);
		call(post("/actuator/batches/uni-a/dead-1/recipients").contentType(MediaType.APPLICATION_JSON)
			.content("{\"badgeClass\":\"" + BULK_BADGE + "\",\"recipients\":[{\"email\":\"" + email
					+ "\",\"name\":\"Re Fused\"}]}"), 202);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> "dead".equals(batch("uni-a", "dead-1").path("recipients").path(0).path("state").asString()));
		assertThat(call(get("/actuator/batches/uni-a/dead-1?state=dead"), 200).path("recipients").path(0)
			.path("deadReason").asString()).contains("HTTP 400");

		call(post("/actuator/issuance/uni-a").contentType(MediaType.APPLICATION_JSON)
			.content("{\"action\":\"replay\",\"rule\":\"batch:dead-1\",\"user\":\"" + Batches.userId("uni-a", email)
					+ "\"}"), 200);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> "issued".equals(batch("uni-a", "dead-1").path("recipients").path(0).path("state").asString()));
		assertThat(oeb.assertionsFor(email)).hasSize(1);
	}

	private JsonNode batch(String institution, String batch) {
		return call(get("/actuator/batches/" + institution + "/" + batch), 200);
	}

	private JsonNode list(String institution) {
		return call(get("/actuator/batches/" + institution), 200);
	}

	private JsonNode call(MockHttpServletRequestBuilder request, int status) {
		try {
			var response = this.mvc.perform(request.with(httpBasic("support", PipelineFixture.OPERATOR_PASSWORD)))
				.andReturn()
				.getResponse();
			String text = response.getContentAsString(java.nio.charset.StandardCharsets.UTF_8);
			assertThat(response.getStatus()).as(text).isEqualTo(status);
			return json.readTree(text);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private String error(MockHttpServletRequestBuilder request, int status) {
		return call(request.contentType(MediaType.APPLICATION_JSON), status).path("error").asString();
	}

	private static void awaitStart(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

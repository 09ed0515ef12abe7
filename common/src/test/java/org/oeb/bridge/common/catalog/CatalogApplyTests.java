package org.oeb.bridge.common.catalog;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import feign.Response;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.oeb.bridge.common.AwardsTestApplication;
import org.oeb.bridge.common.awards.AwardEngine;
import org.oeb.bridge.common.awards.AwardLedger;
import org.oeb.bridge.common.awards.AwardsProperties;
import org.oeb.bridge.common.awards.PipelineFixture;
import org.oeb.bridge.common.catalog.CatalogPlan.Action;
import org.oeb.bridge.common.issuance.GatewayClient;
import org.oeb.bridge.common.leases.RedisLeases;
import org.oeb.bridge.common.operations.IssuanceEndpoint;
import org.oeb.bridge.testing.FakeOeb;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Plan and apply against the fake OEB behind a fake gateway, on real Redis: convergence,
 * field-by-field edits, an interrupted create, retirement and archiving, the operator endpoint,
 * rules that name a badge by key, and the command for CI pipelines.
 */
@SpringBootTest(classes = AwardsTestApplication.class)
@AutoConfigureMockMvc
class CatalogApplyTests {

	private static final String INSTITUTION = PipelineFixture.INSTITUTION;

	private static final String REDIS_PREFIX = "test-catalog-" + UUID.randomUUID();

	private static final FakeOeb oeb = FakeOeb.start();

	private static final Path images = tempDirectory();

	@Autowired
	private GatewayClient gateway;

	@Autowired
	private StringRedisTemplate redis;

	@Autowired
	private AwardsProperties awards;

	@Autowired
	private CatalogSync configured;

	@Autowired
	private AwardEngine engine;

	@Autowired
	private MockMvc mvc;

	@Autowired
	private RedisLeases leases;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		PipelineFixture.prepare(oeb);
		oeb.issuer(CatalogFiles.ISSUER);
		appProperties().forEach((key, value) -> registry.add(key, () -> value));
	}

	private static Map<String, String> appProperties() {
		Map<String, String> properties = new LinkedHashMap<>(PipelineFixture.properties(oeb, REDIS_PREFIX));
		properties.putAll(CatalogFiles.catalog(images));
		properties.put("management.endpoints.web.exposure.include", "health,issuance,catalog");
		properties.put("bridge.awards.institutions.uni-a.rules[4].id", "open-data-course");
		properties.put("bridge.awards.institutions.uni-a.rules[4].badge", "open-data");
		properties.put("bridge.awards.institutions.uni-a.rules[4].when", "course-completed(course=60)");
		properties.put("spring.lifecycle.timeout-per-shutdown-phase", "10s");
		return properties;
	}

	@AfterAll
	static void stop() {
		oeb.close();
	}

	@Test
	void planChangesNothingAndASecondApplyFindsNothingToDo() {
		Catalog catalog = newCatalog(Map.of());
		int creates = oeb.badgeClassCreateCallCount();
		CatalogPlan plan = catalog.sync().plan(INSTITUTION);
		assertThat(plan.changes()).extracting(CatalogPlan.Change::action).containsOnly(Action.CREATE).hasSize(5);
		assertThat(plan.hasChanges()).isTrue();
		assertThat(oeb.badgeClassCreateCallCount()).isEqualTo(creates);
		assertThat(oeb.storedBadgeClasses(catalog.issuer())).isEmpty();

		CatalogPlan applied = catalog.sync().apply(INSTITUTION);
		assertThat(applied.changes()).extracting(CatalogPlan.Change::outcome).containsOnly("done");
		List<JsonNode> classes = oeb.storedBadgeClasses(catalog.issuer());
		assertThat(classes).extracting((c) -> c.path("name").asString())
			.containsExactlyInAnyOrder("Introduction to Open Science", "Open Data", "Open Code",
					"Open Science Practitioner");
		JsonNode openData = classes.stream().filter((c) -> c.path("name").asString().equals("Open Data")).findFirst()
			.orElseThrow();
		assertThat(openData.path("entityId").asString()).isEqualTo(catalog.sync().badgeClass(INSTITUTION, "open-data")
			.orElseThrow());
		assertThat(openData.path("extensions").path("extensions:CompetencyExtension").get(0).path("framework_identifier")
			.asString()).isEqualTo("http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d");
		List<JsonNode> paths = oeb.learningPaths(catalog.issuer());
		assertThat(paths).hasSize(1);
		assertThat(paths.get(0).path("required_badges_count").asInt()).isEqualTo(2);
		assertThat(paths.get(0).path("badges")).hasSize(3);

		int writes = writeCalls();
		CatalogPlan again = catalog.sync().apply(INSTITUTION);
		assertThat(again.changes()).extracting(CatalogPlan.Change::action).containsOnly(Action.UNCHANGED);
		assertThat(again.hasChanges()).isFalse();
		assertThat(writeCalls()).isEqualTo(writes);
		assertThat(oeb.storedBadgeClasses(catalog.issuer())).hasSize(4);
	}

	@Test
	void editsArePlannedFieldByFieldAndOnlyTheEditedBadgesAreSent() {
		Catalog first = newCatalog(Map.of());
		first.sync().apply(INSTITUTION);
		String code = first.sync().badgeClass(INSTITUTION, "open-code").orElseThrow();
		String imageBefore = oeb.badgeClassImageDigest(code).orElseThrow();
		Map<String, String> edits = new LinkedHashMap<>();
		edits.put(first.at() + "badges.intro.description", "Took part in every session of the introduction");
		edits.put(first.at() + "badges.open-code.image",
				CatalogFiles.png(images, "open-code-v2-" + UUID.randomUUID() + ".png", 24, java.awt.Color.MAGENTA)
					.toString());
		edits.put(first.at() + "learning-paths.open-science.required", "3");
		Catalog edited = first.with(edits);
		int updates = oeb.badgeClassUpdateCallCount();
		CatalogPlan plan = edited.sync().plan(INSTITUTION);
		assertThat(change(plan, "intro").action()).isEqualTo(Action.UPDATE);
		assertThat(change(plan, "intro").fields()).extracting(CatalogPlan.FieldChange::field)
			.containsExactly("description");
		assertThat(change(plan, "intro").fields().get(0).from()).isEqualTo("Took part in the introduction");
		assertThat(change(plan, "open-code").fields()).extracting(CatalogPlan.FieldChange::field).containsExactly("image");
		assertThat(change(plan, "open-data").action()).isEqualTo(Action.UNCHANGED);
		assertThat(change(plan, "open-science").fields()).extracting(CatalogPlan.FieldChange::field)
			.containsExactly("required_badges_count");

		edited.sync().apply(INSTITUTION);
		assertThat(oeb.badgeClassUpdateCallCount()).isEqualTo(updates + 2);
		assertThat(oeb.badgeClassImageDigest(code)).isPresent().get().isNotEqualTo(imageBefore);
		assertThat(oeb.learningPaths(edited.issuer()).get(0).path("required_badges_count").asInt()).isEqualTo(3);
		assertThat(edited.sync().plan(INSTITUTION).hasChanges()).isFalse();
	}

	@Test
	void createWhoseAnswerIsLostIsLookedUpAfterTheSettleTimeAndNeverSentTwice() {
		Catalog catalog = newCatalog(Map.of("bridge.catalog.settle-time", "1h"));
		oeb.storeBadgeClassThenFail(1);
		CatalogPlan interrupted = catalog.sync().apply(INSTITUTION);
		List<CatalogPlan.Change> unknown = interrupted.changes().stream()
			.filter((change) -> change.outcome() != null && change.outcome().startsWith("unknown"))
			.toList();
		assertThat(unknown).hasSize(1);
		String key = unknown.get(0).key();
		assertThat(oeb.storedBadgeClasses(catalog.issuer())).hasSize(4);

		int creates = oeb.badgeClassCreateCallCount();
		CatalogPlan waiting = catalog.sync().apply(INSTITUTION);
		assertThat(change(waiting, key).action()).isEqualTo(Action.WAIT);
		assertThat(change(waiting, key).note()).contains("may still be storing it");
		assertThat(oeb.badgeClassCreateCallCount()).isEqualTo(creates);

		Catalog later = catalog.at(Clock.offset(Clock.systemUTC(), Duration.ofHours(2)));
		CatalogPlan resumed = later.sync().apply(INSTITUTION);
		assertThat(change(resumed, key).action()).isEqualTo(Action.UPDATE);
		assertThat(change(resumed, key).note()).contains("found the badge class an interrupted create stored");
		assertThat(change(resumed, key).outcome()).isEqualTo("done");
		assertThat(oeb.badgeClassCreateCallCount()).isEqualTo(creates);
		assertThat(oeb.storedBadgeClasses(catalog.issuer())).hasSize(4);
		assertThat(later.sync().plan(INSTITUTION).hasChanges()).isFalse();
	}

	@Test
	void createThatDidNotReachOebIsSentAgainAfterTheSettleTime() {
		Catalog catalog = newCatalog(Map.of("bridge.catalog.settle-time", "0s"));
		catalog.state().change(INSTITUTION).set(CatalogState.INTENTS, "badge:intro",
				Long.toString(Instant.now().minusSeconds(60).toEpochMilli())).write();
		CatalogPlan plan = catalog.sync().apply(INSTITUTION);
		assertThat(change(plan, "intro").action()).isEqualTo(Action.CREATE);
		assertThat(change(plan, "intro").note()).contains("did not reach OEB");
		assertThat(oeb.storedBadgeClasses(catalog.issuer())).hasSize(4);
	}

	@Test
	void removedBadgeWithActiveAwardsIsRetiredAndOneWithoutIsDeleted() {
		Catalog catalog = newCatalog(Map.of());
		catalog.sync().apply(INSTITUTION);
		String code = catalog.sync().badgeClass(INSTITUTION, "open-code").orElseThrow();
		String intro = catalog.sync().badgeClass(INSTITUTION, "intro").orElseThrow();
		oeb.existingAssertion(code, "ada@example.org", Instant.now(), false, null);
		oeb.existingAssertion(intro, "grace@example.org", Instant.now(), true, null);
		Catalog smaller = catalog.without("badges.open-code.", "badges.intro.", "learning-paths.", "badges.open-science-degree.");
		CatalogPlan plan = smaller.sync().plan(INSTITUTION);
		assertThat(change(plan, "open-code").action()).isEqualTo(Action.RETIRE);
		assertThat(change(plan, "intro").action()).isEqualTo(Action.DELETE);

		int deletes = oeb.badgeClassDeleteCallCount();
		CatalogPlan applied = smaller.sync().apply(INSTITUTION);
		assertThat(change(applied, "open-code").outcome()).isEqualTo("done");
		assertThat(oeb.storedBadgeClasses(catalog.issuer())).extracting((c) -> c.path("entityId").asString())
			.contains(code)
			.doesNotContain(intro);
		assertThat(oeb.badgeClassDeleteCallCount()).isGreaterThan(deletes);
		assertThat(smaller.sync().badgeClass(INSTITUTION, "open-code")).isEmpty();
		CatalogPlan again = smaller.sync().plan(INSTITUTION);
		assertThat(change(again, "open-code").action()).isEqualTo(Action.RETIRED);
		assertThat(again.hasChanges()).isFalse();
	}

	@Test
	void oebRefusingTheDeleteRetiresTheBadgeInstead() {
		Catalog catalog = newCatalog(Map.of());
		catalog.sync().apply(INSTITUTION);
		String data = catalog.sync().badgeClass(INSTITUTION, "open-data").orElseThrow();
		Catalog smaller = catalog.without("badges.open-data.", "learning-paths.", "badges.open-science-degree.");
		CatalogPlan plan = smaller.sync().plan(INSTITUTION);
		assertThat(change(plan, "open-data").action()).isEqualTo(Action.DELETE);
		// awarded between plan and apply: the apply plans again, and OEB would refuse anyway
		oeb.existingAssertion(data, "ada@example.org", Instant.now(), false, null);
		CatalogPlan applied = smaller.sync().apply(INSTITUTION);
		assertThat(change(applied, "open-data").action()).isEqualTo(Action.RETIRE);
		assertThat(oeb.storedBadgeClasses(catalog.issuer())).extracting((c) -> c.path("entityId").asString())
			.contains(data);
	}

	@Test
	void learningPathThatAwardedAMicroDegreeIsArchivedNotDeleted() {
		Catalog catalog = newCatalog(Map.of());
		catalog.sync().apply(INSTITUTION);
		String slug = catalog.state().read(INSTITUTION, CatalogState.PATHS).get("open-science");
		oeb.awardMicroDegree(slug, "ada@example.org");
		Catalog withoutPath = catalog.withoutPath();
		CatalogPlan plan = withoutPath.sync().plan(INSTITUTION);
		assertThat(change(plan, "open-science").action()).isEqualTo(Action.ARCHIVE);
		withoutPath.sync().apply(INSTITUTION);
		List<JsonNode> paths = oeb.learningPaths(catalog.issuer());
		assertThat(paths).hasSize(1);
		assertThat(paths.get(0).path("archived").asBoolean()).isTrue();
		CatalogPlan again = withoutPath.sync().plan(INSTITUTION);
		assertThat(change(again, "open-science").action()).isEqualTo(Action.ARCHIVED);
		assertThat(again.hasChanges()).isFalse();
	}

	@Test
	void learningPathWithoutAwardsIsDeleted() {
		Catalog catalog = newCatalog(Map.of());
		catalog.sync().apply(INSTITUTION);
		CatalogPlan applied = catalog.withoutPath().sync().apply(INSTITUTION);
		assertThat(change(applied, "open-science").action()).isEqualTo(Action.DELETE);
		assertThat(change(applied, "open-science").outcome()).isEqualTo("done");
		assertThat(oeb.learningPaths(catalog.issuer())).isEmpty();
	}

	@Test
	void oebsRefusalIsReportedInItsOwnWordsAndNothingIsRecorded() {
		Catalog catalog = newCatalog(Map.of());
		Catalog unknownIssuer = catalog.with(Map.of(catalog.at() + "issuer", "UnknownIssuer000000000"));
		CatalogPlan applied = unknownIssuer.sync().apply(INSTITUTION);
		assertThat(change(applied, "intro").outcome()).startsWith("failed: HTTP 404")
			.contains("entity not found or insufficient privileges");
		assertThat(change(applied, "open-science").action()).isEqualTo(Action.BLOCKED);
		assertThat(change(applied, "open-science").note()).startsWith("cannot read the issuer's learning paths: HTTP 404");
		assertThat(catalog.state().read(INSTITUTION, CatalogState.INTENTS)).isEmpty();
		assertThat(catalog.state().read(INSTITUTION, CatalogState.BADGES)).isEmpty();
	}

	@Test
	void onlyOneApplyOfAnInstitutionRunsAtATime() {
		Catalog catalog = newCatalog(Map.of());
		RedisLeases otherReplica = new RedisLeases(this.redis);
		RedisLeases.Lease lease = otherReplica.acquire(catalog.state().leaseKey(INSTITUTION), Duration.ofMinutes(1));
		assertThatThrownBy(() -> catalog.sync().apply(INSTITUTION)).isInstanceOf(CatalogSync.ApplyRunning.class);
		assertThat(oeb.storedBadgeClasses(catalog.issuer())).isEmpty();
		lease.close();
		otherReplica.stop();
		catalog.sync().apply(INSTITUTION);
		assertThat(oeb.storedBadgeClasses(catalog.issuer())).hasSize(4);
	}

	@Test
	void createAnsweredWithoutAnEntityIdRecordsNothingAndIsLookedUpByTheNextApply() {
		for (String hostile : List.of("../../o/publicregister", "", "x".repeat(23), "Qs4bN3yTQoa5xNmY1aV0g%")) {
			Catalog catalog = newCatalog(Map.of());
			com.github.tomakehurst.wiremock.stubbing.StubMapping stub = oeb.wireMock()
				.stubFor(com.github.tomakehurst.wiremock.client.WireMock
					.post(com.github.tomakehurst.wiremock.client.WireMock
						.urlPathEqualTo("/oeb/uni-a/v2/issuers/" + catalog.issuer() + "/badgeclasses"))
					.willReturn(FakeOeb.json(201, FakeOeb.envelope("{\"entityType\":\"BadgeClass\",\"entityId\":\""
							+ hostile + "\"}"))));
			CatalogPlan applied = catalog.sync().apply(INSTITUTION);
			oeb.wireMock().removeStub(stub);
			assertThat(change(applied, "intro").outcome()).as(hostile).startsWith("unknown");
			assertThat(catalog.state().read(INSTITUTION, CatalogState.BADGES)).as(hostile).isEmpty();
			assertThat(catalog.state().read(INSTITUTION, CatalogState.INTENTS)).as(hostile).containsKey("badge:intro");
			CatalogPlan later = catalog.at(Clock.offset(Clock.systemUTC(), Duration.ofHours(2))).sync()
				.apply(INSTITUTION);
			assertThat(change(later, "intro").note()).as(hostile).contains("did not reach OEB");
			assertThat(oeb.storedBadgeClasses(catalog.issuer())).as(hostile).hasSize(4);
		}
	}

	@Test
	void twoReplicasApplyingAtOnceCreateEachBadgeClassOnce() throws Exception {
		Catalog catalog = newCatalog(Map.of());
		oeb.badgeClassWriteDelay(Duration.ofMillis(200));
		int creates = oeb.badgeClassCreateCallCount();
		RedisLeases otherReplica = new RedisLeases(this.redis);
		java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
		java.util.concurrent.ExecutorService replicas = java.util.concurrent.Executors.newFixedThreadPool(2);
		try {
			List<java.util.concurrent.Future<String>> outcomes = new ArrayList<>();
			for (CatalogSync sync : List.of(catalog.sync(), catalog.sync(otherReplica))) {
				outcomes.add(replicas.submit(() -> {
					start.await();
					try {
						return sync.apply(INSTITUTION).hasChanges() ? "applied" : "nothing to do";
					}
					catch (CatalogSync.ApplyRunning ex) {
						return "refused";
					}
				}));
			}
			start.countDown();
			List<String> results = new ArrayList<>();
			for (java.util.concurrent.Future<String> outcome : outcomes) {
				results.add(outcome.get(60, java.util.concurrent.TimeUnit.SECONDS));
			}
			assertThat(results).contains("applied");
		}
		finally {
			oeb.badgeClassWriteDelay(Duration.ZERO);
			replicas.shutdownNow();
			otherReplica.stop();
		}
		assertThat(oeb.badgeClassCreateCallCount() - creates).isEqualTo(4);
		assertThat(oeb.storedBadgeClasses(catalog.issuer())).hasSize(4);
		assertThat(oeb.learningPaths(catalog.issuer())).hasSize(1);
	}

	@Test
	void learningPathWhoseCreateAnswerWasLostIsAdoptedNotCreatedAgain() {
		Catalog catalog = newCatalog(Map.of());
		catalog.sync().apply(INSTITUTION);
		String slug = catalog.state().read(INSTITUTION, CatalogState.PATHS).get("open-science");
		// as if OEB stored the path and the answer never came: nothing recorded but the announced create
		catalog.state().change(INSTITUTION).delete(CatalogState.PATHS, "open-science")
			.set(CatalogState.INTENTS, "learning-path:open-science", Long.toString(Instant.now().minusSeconds(60).toEpochMilli()))
			.write();
		int writes = writeCalls();
		CatalogPlan waiting = catalog.sync().apply(INSTITUTION);
		assertThat(change(waiting, "open-science").action()).isEqualTo(Action.WAIT);
		CatalogPlan resumed = catalog.at(Clock.offset(Clock.systemUTC(), Duration.ofHours(2))).sync().apply(INSTITUTION);
		assertThat(change(resumed, "open-science").note()).contains("found the learning path an interrupted create");
		assertThat(change(resumed, "open-science").entityId()).isEqualTo(slug);
		assertThat(writeCalls()).isEqualTo(writes);
		assertThat(oeb.learningPaths(catalog.issuer())).hasSize(1);
		assertThat(catalog.sync().plan(INSTITUTION).hasChanges()).isFalse();
	}

	@Test
	void operatorsPlanAndApplyThroughTheActuatorEndpointAndRulesIssueByKey() throws Exception {
		this.mvc.perform(get("/actuator/catalog/uni-a")).andExpect(status().isUnauthorized());
		this.mvc.perform(get("/actuator/catalog/uni-a").with(operator("wrong"))).andExpect(status().isUnauthorized());
		this.mvc.perform(post("/actuator/catalog/uni-a").contentType(MediaType.APPLICATION_JSON)
			.content("{\"action\":\"apply\"}")).andExpect(status().isUnauthorized());
		this.mvc.perform(get("/actuator/catalog/uni-b").with(operator(PipelineFixture.OPERATOR_PASSWORD)))
			.andExpect(status().isNotFound());
		this.mvc.perform(post("/actuator/catalog/uni-a").with(operator(PipelineFixture.OPERATOR_PASSWORD))
			.contentType(MediaType.APPLICATION_JSON).content("{\"action\":\"delete-everything\"}"))
			.andExpect(status().isBadRequest());

		// before the apply, a learner who meets the rule is not decided, and not lost either
		assertThat(this.engine.observe(PipelineFixture.completed(INSTITUTION, "60", "u-60", "lin@example.org")))
			.isEmpty();
		assertThat(this.engine.usersStillOpen(INSTITUTION, List.of("open-data-course"), List.of("u-60")))
			.containsExactly("u-60");

		this.mvc.perform(get("/actuator/catalog/uni-a").with(operator(PipelineFixture.OPERATOR_PASSWORD)))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.hasChanges").value(true))
			.andExpect(jsonPath("$.changes[?(@.key == 'open-data')].action").value("create"));
		this.mvc.perform(post("/actuator/catalog/uni-a").with(operator(PipelineFixture.OPERATOR_PASSWORD))
			.contentType(MediaType.APPLICATION_JSON).content("{\"action\":\"apply\"}"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.changes[?(@.key == 'open-data')].outcome").value("done"));
		String openData = this.configured.badgeClass(INSTITUTION, "open-data").orElseThrow();

		this.engine.observe(PipelineFixture.completed(INSTITUTION, "60", "u-60", "lin@example.org"));
		await().atMost(Duration.ofSeconds(20)).until(() -> oeb.issueCallCount(openData) == 1);
		assertThat(oeb.assertionsFor("lin@example.org")).hasSize(1);
	}

	@Test
	void replayOfARuleThatNamesItsBadgeByKeyIssuesTheClassTheKeyNamesToday() {
		Map<String, String> properties = new LinkedHashMap<>(appProperties());
		properties.put("bridge.awards.redis-key-prefix", "test-catalog-replay-" + UUID.randomUUID());
		properties.put("bridge.catalog.institutions.uni-a.issuer", newIssuer());
		List<String> args = new ArrayList<>();
		properties.forEach((key, value) -> args.add("--" + key + "=" + value));
		try (ConfigurableApplicationContext connector = new SpringApplicationBuilder(AwardsTestApplication.class)
			.web(WebApplicationType.NONE)
			.run(args.toArray(String[]::new))) {
			CatalogSync sync = connector.getBean(CatalogSync.class);
			AwardLedger ledger = connector.getBean(AwardLedger.class);
			ledger.sweepFinished(INSTITUTION, ledger.epoch(INSTITUTION));
			sync.apply(INSTITUTION);
			String before = sync.badgeClass(INSTITUTION, "open-data").orElseThrow();
			// someone deletes the badge class in OEB: the award decided for it dies with a 404
			try (Response deleted = this.gateway.deleteBadgeClass(INSTITUTION, before, PipelineFixture.API_KEY)) {
				assertThat(deleted.status()).isLessThan(300);
			}
			String user = "u-" + UUID.randomUUID().toString().substring(0, 8);
			connector.getBean(AwardEngine.class)
				.observe(PipelineFixture.completed(INSTITUTION, "60", user, user + "@example.org"));
			await().atMost(Duration.ofSeconds(20))
				.untilAsserted(() -> assertThat(ledger.award(INSTITUTION, "open-data-course", user))
					.containsEntry("state", "dead")
					.containsEntry("badgeClass", before));
			// the next apply creates the badge again, under a new entityId
			sync.apply(INSTITUTION);
			String today = sync.badgeClass(INSTITUTION, "open-data").orElseThrow();
			assertThat(today).isNotEqualTo(before);

			assertThat(connector.getBean(IssuanceEndpoint.class)
				.act(INSTITUTION, "replay", "open-data-course", user, null)
				.getStatus()).isEqualTo(200);

			await().atMost(Duration.ofSeconds(20))
				.untilAsserted(() -> assertThat(ledger.award(INSTITUTION, "open-data-course", user))
					.containsEntry("state", "issued")
					.containsEntry("badgeClass", today));
			assertThat(oeb.issueCallCount(today)).isEqualTo(1);
			assertThat(oeb.issueCallCount(before)).isEqualTo(1);
		}
	}

	@Test
	void theCommandPlansAndAppliesForPipelinesWithoutStartingTheConnector() {
		Map<String, String> properties = new LinkedHashMap<>(appProperties());
		String prefix = "test-catalog-command-" + UUID.randomUUID();
		String issuer = newIssuer();
		properties.put("bridge.awards.redis-key-prefix", prefix);
		properties.put("bridge.catalog.institutions.uni-a.issuer", issuer);
		List<String> args = new ArrayList<>();
		properties.forEach((key, value) -> args.add("--" + key + "=" + value));
		// a pending award the command's context would issue if it started the issuing workers
		org.oeb.bridge.common.awards.AwardLedger ledger = new org.oeb.bridge.common.awards.AwardLedger(this.redis, prefix);
		ledger.decideAll(INSTITUTION, List.of(new org.oeb.bridge.common.awards.AwardLedger.Decision(
				org.oeb.bridge.common.awards.AwardState.PENDING,
				new org.oeb.bridge.common.awards.Award("course-42", "u-pending", PipelineFixture.COURSE_BADGE,
						"pending@example.org", "Pending", true, "moodle", "42", Instant.now(), Instant.now(), "[]"))));
		int issued = oeb.issueCallCount();

		Run plan = command("plan", args);
		assertThat(plan.exit()).isEqualTo(2);
		assertThat(plan.output()).contains("Catalog of institution 'uni-a' (issuer " + issuer + ")")
			.contains("create    badge 'open-data'")
			.contains("5 change(s).");
		Run apply = command("apply", args);
		assertThat(apply.exit()).isZero();
		assertThat(apply.output()).contains("badge 'open-data' (").contains("): done");
		Run again = command("plan", args);
		assertThat(again.exit()).isZero();
		assertThat(again.output()).contains("OEB holds the catalog as configured.");
		assertThat(command("destroy", args).exit()).isEqualTo(64);
		assertThat(oeb.storedBadgeClasses(issuer)).hasSize(4);
		assertThat(oeb.issueCallCount()).isEqualTo(issued);
		assertThat(oeb.issueCallsFor("pending@example.org")).isEmpty();
	}

	private Run command(String verb, List<String> springArgs) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		List<String> args = new ArrayList<>(List.of("catalog", verb, "--institution=" + INSTITUTION));
		args.addAll(springArgs);
		int exit = CatalogCommand.run(AwardsTestApplication.class, new PrintStream(bytes, true, StandardCharsets.UTF_8),
				args.toArray(String[]::new));
		return new Run(exit, bytes.toString(StandardCharsets.UTF_8));
	}

	private record Run(int exit, String output) {
	}

	private static org.springframework.test.web.servlet.request.RequestPostProcessor operator(String password) {
		return org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors
			.httpBasic("support", password);
	}

	private static CatalogPlan.Change change(CatalogPlan plan, String key) {
		return plan.changes().stream().filter((change) -> change.key().equals(key)).findFirst().orElseThrow();
	}

	private static int writeCalls() {
		return oeb.badgeClassCreateCallCount() + oeb.badgeClassUpdateCallCount() + oeb.badgeClassDeleteCallCount()
				+ oeb.learningPathWriteCallCount();
	}

	private static String newIssuer() {
		String issuer = ("Issuer" + UUID.randomUUID().toString().replace("-", "")).substring(0, 22);
		oeb.issuer(issuer);
		return issuer;
	}

	/** A catalog of the fixture's shape for an issuer and Redis keys of its own. */
	private Catalog newCatalog(Map<String, String> overrides) {
		Map<String, String> properties = new LinkedHashMap<>(CatalogFiles.catalog(images));
		properties.put("bridge.catalog.institutions.uni-a.issuer", newIssuer());
		properties.putAll(overrides);
		return new Catalog(properties, new CatalogState(this.redis, "test-catalog-" + UUID.randomUUID()),
				Clock.systemUTC());
	}

	private static Path tempDirectory() {
		try {
			return Files.createTempDirectory("catalog-images");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** One catalog configuration with its own state, and what it makes of it. */
	private final class Catalog {

		private final Map<String, String> properties;

		private final CatalogState state;

		private final Clock clock;

		Catalog(Map<String, String> properties, CatalogState state, Clock clock) {
			this.properties = properties;
			this.state = state;
			this.clock = clock;
		}

		String at() {
			return "bridge.catalog.institutions.uni-a.";
		}

		String issuer() {
			return this.properties.get(at() + "issuer");
		}

		CatalogState state() {
			return this.state;
		}

		CatalogSync sync() {
			return sync(CatalogApplyTests.this.leases);
		}

		/** As another replica would: with leases of its own. */
		CatalogSync sync(RedisLeases leases) {
			CatalogProperties bound = new Binder(new MapConfigurationPropertySource(this.properties))
				.bind("bridge.catalog", CatalogProperties.class)
				.get();
			return new CatalogSync(bound, DesiredCatalog.compile(bound), CatalogApplyTests.this.awards,
					CatalogApplyTests.this.gateway, this.state, leases, new SimpleMeterRegistry(),
					this.clock);
		}

		Catalog with(Map<String, String> changes) {
			Map<String, String> changed = new LinkedHashMap<>(this.properties);
			changed.putAll(changes);
			return new Catalog(changed, this.state, this.clock);
		}

		Catalog without(String... prefixes) {
			Map<String, String> kept = new LinkedHashMap<>();
			this.properties.forEach((key, value) -> {
				for (String prefix : prefixes) {
					if (key.startsWith(at() + prefix)) {
						return;
					}
				}
				kept.put(key, value);
			});
			return new Catalog(kept, this.state, this.clock);
		}

		/** Without its learning path; the micro degree then needs a study load of its own. */
		Catalog withoutPath() {
			return without("learning-paths.").with(Map.of(at() + "badges.open-science-degree.study-load-minutes", "510"));
		}

		Catalog at(Clock later) {
			return new Catalog(this.properties, this.state, later);
		}

	}

}

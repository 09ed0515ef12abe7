package org.oeb.bridge.testing;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Badge-class and learning-path management on the fake OEB, driven over HTTP the way the
 * gateway forwards it ({@code /oeb/{institution}/…}) and, once, directly with a token.
 */
class FakeOebManagementTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final String ISSUER = "IssuerOfUniA00000000AA";

	private static final String OTHER_ISSUER = "IssuerOfUniB00000000BB";

	private static final String PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

	private static final String OTHER_PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

	private static FakeOeb oeb;

	@BeforeAll
	static void start() {
		oeb = FakeOeb.start();
	}

	@AfterAll
	static void stop() {
		oeb.close();
	}

	@BeforeEach
	void fresh() {
		oeb.reset();
		oeb.actAsGateway("uni-a", "key-a").issuer(ISSUER, "University A");
	}

	@Test
	void createsABadgeClassInOebsV2ShapeWithoutEchoingTheImage() throws Exception {
		HttpResponse<String> created = send("POST", "/v2/issuers/" + ISSUER + "/badgeclasses",
				badgeClass("Python basics", "competency").put("expiration", 730).put("criteriaUrl", "https://lms.example/42"));

		assertThat(created.statusCode()).isEqualTo(201);
		JsonNode body = JSON.readTree(created.body());
		assertThat(body.path("status").path("success").asBoolean()).isTrue();
		assertThat(body.path("result")).hasSize(1);
		JsonNode stored = body.path("result").get(0);
		String id = stored.path("entityId").asString();
		assertThat(id).matches("[A-Za-z0-9_-]{22}");
		assertThat(stored.path("entityType").asString()).isEqualTo("BadgeClass");
		assertThat(stored.path("openBadgeId").asString()).endsWith("/public/badges/" + id);
		assertThat(stored.path("image").asString()).endsWith("/public/badges/" + id + "/image");
		assertThat(stored.path("issuer").asString()).isEqualTo(ISSUER);
		assertThat(stored.path("issuerOpenBadgeId").asString()).endsWith("/public/issuers/" + ISSUER);
		assertThat(stored.path("createdAt").asString()).endsWith("Z");
		assertThat(stored.path("createdBy").asString()).isNotBlank();
		assertThat(stored.path("language").asString()).isEqualTo("en");
		assertThat(stored.path("course_url").isNull()).isTrue();
		assertThat(stored.path("criteriaUrl").asString()).isEqualTo("https://lms.example/42");
		assertThat(stored.path("expiration").asInt()).isEqualTo(730);
		assertThat(stored.path("tags")).hasSize(1);
		assertThat(stored.path("alignments").isArray()).isTrue();
		assertThat(stored.path("extensions").path("extensions:CategoryExtension").path("Category").asString())
			.isEqualTo("competency");
		assertThat(created.body()).doesNotContain("base64");
		assertThat(oeb.badgeClassImageDigest(id)).isPresent();
		assertThat(oeb.storedBadgeClasses(ISSUER)).singleElement()
			.satisfies((json) -> assertThat(json.path("entityId").asString()).isEqualTo(id));
	}

	@Test
	void servesIssuesAndFeedsACreatedBadgeClassLikeARegisteredOne() throws Exception {
		String id = create(ISSUER, badgeClass("Statistics", "competency").put("expiration", 30));

		HttpResponse<String> read = send("GET", "/v2/badgeclasses/" + id, null);
		assertThat(read.statusCode()).isEqualTo(200);
		assertThat(JSON.readTree(read.body()).path("result").get(0).path("name").asString()).isEqualTo("Statistics");

		HttpResponse<String> issued = issue(id, "Ada@Uni-A.example");
		assertThat(issued.statusCode()).isEqualTo(201);
		assertThat(oeb.assertions(id)).singleElement().satisfies((assertion) -> {
			assertThat(assertion.recipient()).isEqualTo("ada@uni-a.example");
			assertThat(Duration.between(assertion.issuedOn(), assertion.expires())).isEqualTo(Duration.ofDays(30));
		});
		assertThat(JSON.readTree(send("GET", "/v2/badgeclasses/" + id + "/assertions?recipient=ada@uni-a.example", null)
			.body()).path("result")).hasSize(1);

		JsonNode feed = JSON.readTree(send("GET", "/v2/badgeclasses/changed", null).body());
		assertThat(feed.path("result").findValuesAsString("entityId")).contains(id);
	}

	@Test
	void listsTheBadgeClassesOfAnIssuerAndAll() throws Exception {
		oeb.issuer(OTHER_ISSUER);
		String mine = create(ISSUER, badgeClass("Mine", "participation"));
		String theirs = create(OTHER_ISSUER, badgeClass("Theirs", "participation"));

		JsonNode ofIssuer = JSON.readTree(send("GET", "/v2/issuers/" + ISSUER + "/badgeclasses", null).body());
		JsonNode all = JSON.readTree(send("GET", "/v2/badgeclasses?num=100", null).body());

		assertThat(ofIssuer.path("result").findValuesAsString("entityId")).containsExactly(mine);
		assertThat(all.path("result").findValuesAsString("entityId")).containsExactlyInAnyOrder(mine, theirs);
		assertThat(send("GET", "/v2/issuers/UnknownIssuer000000000/badgeclasses", null).statusCode()).isEqualTo(404);
	}

	@Test
	void createsABadgeClassNamingItsIssuerInTheBody() throws Exception {
		HttpResponse<String> created = send("POST", "/v2/badgeclasses",
				badgeClass("Body issuer", "participation").put("issuer", ISSUER));
		HttpResponse<String> withoutIssuer = send("POST", "/v2/badgeclasses", badgeClass("No issuer", "participation"));

		assertThat(created.statusCode()).isEqualTo(201);
		assertThat(JSON.readTree(created.body()).path("result").get(0).path("issuer").asString()).isEqualTo(ISSUER);
		assertThat(withoutIssuer.statusCode()).isEqualTo(400);
		assertThat(JSON.readTree(withoutIssuer.body()).path("fieldErrors").path("issuer").get(0).asString())
			.isEqualTo("This field is required.");
	}

	@Test
	void answersAMissingNameInOebsV2ErrorShape() throws Exception {
		ObjectNode body = badgeClass("x", "competency");
		body.remove("name");

		HttpResponse<String> refused = send("POST", "/v2/issuers/" + ISSUER + "/badgeclasses", body);

		assertThat(refused.statusCode()).isEqualTo(400);
		assertThat(JSON.readTree(refused.body())).isEqualTo(JSON.readTree("{\"status\":{\"success\":false,"
				+ "\"description\":\"bad request\"},\"result\":[],\"fieldErrors\":{\"name\":[\"This field is required.\"]},"
				+ "\"validationErrors\":[]}"));
		assertThat(oeb.storedBadgeClasses(ISSUER)).isEmpty();
	}

	@Test
	void refusesABadgeClassWithoutAnyOfTheRequiredFields() throws Exception {
		HttpResponse<String> refused = send("POST", "/v2/issuers/" + ISSUER + "/badgeclasses", JSON.createObjectNode());

		JsonNode body = JSON.readTree(refused.body());
		assertThat(refused.statusCode()).isEqualTo(400);
		assertThat(body.path("fieldErrors").propertyNames()).containsExactlyInAnyOrder("name", "description", "language",
				"image", "extensions");
		assertThat(body.path("validationErrors").get(0).asString()).contains("criteriaNarrative and criteriaUrl");
	}

	@Test
	void refusesBadgeClassValuesOebRefuses() throws Exception {
		assertRefused(badgeClass("n".repeat(256), "competency"), "name");
		assertRefused(badgeClass("x", "competency").put("language", "deu"), "language");
		assertRefused(badgeClass("x", "competency").put("image", "https://example.org/badge.png"), "image");
		assertRefused(badgeClass("x", "competency").put("image", "data:image/jpeg;base64,/9j/4AAQSkZJRg=="), "image");
		assertRefused(badgeClass("x", "competency").put("image", "data:image/png;base64,bm90IGEgcG5n"), "image");
		assertRefused(badgeClass("x", "competency").put("expiration", 0), "expiration");
		assertRefused(badgeClass("x", "competency").put("expiration", 36501), "expiration");
		assertRefused(badgeClass("x", "competency").put("expiration", "soon"), "expiration");
		assertRefused(badgeClass("x", "certificate"), "extensions");
		ObjectNode noCategory = badgeClass("x", "competency");
		noCategory.putObject("extensions");
		assertRefused(noCategory, "extensions");
		assertThat(oeb.storedBadgeClasses(ISSUER)).isEmpty();
	}

	@Test
	void acceptsAnSvgImageAndTheLongestExpiration() throws Exception {
		String svg = "data:image/svg+xml;base64," + java.util.Base64.getEncoder()
			.encodeToString("<svg xmlns=\"http://www.w3.org/2000/svg\"/>".getBytes(StandardCharsets.UTF_8));

		HttpResponse<String> created = send("POST", "/v2/issuers/" + ISSUER + "/badgeclasses",
				badgeClass("Vector", "participation").put("image", svg).put("expiration", 36500));

		assertThat(created.statusCode()).isEqualTo(201);
	}

	@Test
	void answersAnUnknownIssuerWithOebsNotFoundOrNotPermitted() throws Exception {
		HttpResponse<String> onPath = send("POST", "/v2/issuers/UnknownIssuer000000000/badgeclasses",
				badgeClass("x", "competency"));
		HttpResponse<String> inBody = send("POST", "/v2/badgeclasses",
				badgeClass("x", "competency").put("issuer", "UnknownIssuer000000000"));

		for (HttpResponse<String> refused : List.of(onPath, inBody)) {
			assertThat(refused.statusCode()).isEqualTo(404);
			assertThat(JSON.readTree(refused.body()).path("status").path("description").asString())
				.isEqualTo("entity not found or insufficient privileges");
		}
		assertThat(oeb.badgeClassCreateCallCount()).isEqualTo(2);
	}

	@Test
	void knowsTheIssuersItsHelpersAndItsIssuerListImply() throws Exception {
		oeb.reset();
		oeb.actAsGateway("uni-a", "key-a")
			.badgeClass("Registered000000000AAA", FakeOeb.competencyBadgeClass("Registered000000000AAA", "IssuerFromJson00000000",
					"Registered", 60, "Statistics", "http://data.europa.eu/esco/skill/1"))
			.learningPath("IssuerFromPath00000000", "PathOfHelper0000000AAA", "Helper path", "MicroDegree00000000AAA", 1,
					"Registered000000000AAA");
		String listed = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(oeb.baseUrl() + "/v2/issuers"))
			.header("Authorization", "Bearer " + token())
			.build(), HttpResponse.BodyHandlers.ofString()).body()).path("result").get(0).path("entityId").asString();

		for (String issuer : List.of("IssuerFromJson00000000", "IssuerFromPath00000000", listed)) {
			assertThat(send("POST", "/v2/issuers/" + issuer + "/badgeclasses", badgeClass("x", "competency")).statusCode())
				.as(issuer)
				.isEqualTo(201);
		}
		assertThat(send("POST", "/v2/issuers/" + ISSUER + "/badgeclasses", badgeClass("x", "competency")).statusCode())
			.as("forgotten by reset")
			.isEqualTo(404);
	}

	@Test
	void updatesABadgeClassKeepingWhatThePutLeavesOut() throws Exception {
		String id = create(ISSUER, badgeClass("Before", "competency").put("expiration", 10)
			.put("course_url", "https://lms.example/course/1"));
		String imageBefore = oeb.badgeClassImageDigest(id).orElseThrow();
		ObjectNode put = JSON.createObjectNode().put("name", "After").put("description", "New text").put("language", "de")
			.put("image", "https://example.org/ignored.png");
		put.putObject("extensions").putObject("extensions:CategoryExtension").put("Category", "participation");

		HttpResponse<String> updated = send("PUT", "/v2/badgeclasses/" + id, put);

		assertThat(updated.statusCode()).isEqualTo(200);
		JsonNode stored = JSON.readTree(updated.body()).path("result").get(0);
		assertThat(stored.path("name").asString()).isEqualTo("After");
		assertThat(stored.path("language").asString()).isEqualTo("de");
		assertThat(stored.path("course_url").asString()).isEqualTo("https://lms.example/course/1");
		assertThat(stored.path("expiration").asInt()).isEqualTo(10);
		assertThat(stored.path("tags").get(0).asString()).isEqualTo("sandbox");
		assertThat(stored.path("extensions").propertyNames()).containsExactly("extensions:CategoryExtension");
		assertThat(stored.path("extensions").path("extensions:CategoryExtension").path("Category").asString())
			.isEqualTo("participation");
		assertThat(oeb.badgeClassImageDigest(id)).contains(imageBefore);
		assertThat(JSON.readTree(send("GET", "/v2/badgeclasses/" + id, null).body()).path("result").get(0).path("name")
			.asString()).isEqualTo("After");
	}

	@Test
	void replacesTheImageAndTheExpiryOfABadgeClass() throws Exception {
		String id = create(ISSUER, badgeClass("Image", "competency").put("expiration", 10));
		String imageBefore = oeb.badgeClassImageDigest(id).orElseThrow();

		HttpResponse<String> updated = send("PUT", "/v2/badgeclasses/" + id,
				JSON.createObjectNode().put("name", "Image").put("description", "d").put("language", "en")
					.put("image", OTHER_PNG).put("expiration", 20));
		issue(id, "grace@uni-a.example");

		assertThat(updated.statusCode()).isEqualTo(200);
		assertThat(oeb.badgeClassImageDigest(id)).isPresent().get().isNotEqualTo(imageBefore);
		assertThat(oeb.assertions(id)).singleElement()
			.satisfies((assertion) -> assertThat(Duration.between(assertion.issuedOn(), assertion.expires()))
				.isEqualTo(Duration.ofDays(20)));
	}

	@Test
	void refusesAnIncompleteUpdateAndAnUnknownBadgeClass() throws Exception {
		String id = create(ISSUER, badgeClass("Kept", "competency"));

		HttpResponse<String> withoutLanguage = send("PUT", "/v2/badgeclasses/" + id,
				JSON.createObjectNode().put("name", "Changed").put("description", "d"));
		HttpResponse<String> unknown = send("PUT", "/v2/badgeclasses/Unknown000000000000000",
				JSON.createObjectNode().put("name", "n").put("description", "d").put("language", "en"));

		assertThat(withoutLanguage.statusCode()).isEqualTo(400);
		assertThat(JSON.readTree(withoutLanguage.body()).path("fieldErrors").propertyNames()).containsExactly("language");
		assertThat(oeb.storedBadgeClasses(ISSUER).get(0).path("name").asString()).isEqualTo("Kept");
		assertThat(unknown.statusCode()).isEqualTo(404);
		assertThat(oeb.badgeClassUpdateCallCount()).isEqualTo(2);
	}

	@Test
	void updatesABadgeClassRegisteredWithItsJson() throws Exception {
		oeb.badgeClass("Registered000000000AAA", FakeOeb.competencyBadgeClass("Registered000000000AAA", ISSUER, "Old", 60,
				"Statistics", "http://data.europa.eu/esco/skill/1"));

		HttpResponse<String> updated = send("PUT", "/v2/badgeclasses/Registered000000000AAA",
				JSON.createObjectNode().put("name", "New").put("description", "d").put("language", "en"));

		assertThat(updated.statusCode()).isEqualTo(200);
		JsonNode stored = JSON.readTree(updated.body()).path("result").get(0);
		assertThat(stored.path("name").asString()).isEqualTo("New");
		assertThat(stored.path("extensions").path("extensions:StudyLoadExtension").path("StudyLoad").asInt()).isEqualTo(60);
	}

	@Test
	void refusesToDeleteABadgeClassWithActiveAwards() throws Exception {
		String id = create(ISSUER, badgeClass("Awarded", "competency"));
		issue(id, "ada@uni-a.example");

		HttpResponse<String> refused = send("DELETE", "/v2/badgeclasses/" + id, null);

		assertThat(refused.statusCode()).isEqualTo(400);
		JsonNode body = JSON.readTree(refused.body());
		assertThat(body.path("status").path("success").asBoolean()).isFalse();
		assertThat(body.path("status").path("description").asString())
			.isEqualTo("BadgeClass may only be deleted if all BadgeInstances have been revoked.");
		assertThat(send("GET", "/v2/badgeclasses/" + id, null).statusCode()).isEqualTo(200);
	}

	@Test
	void deletesABadgeClassOnceItsAwardsAreRevokedOrExpired() throws Exception {
		String revoked = create(ISSUER, badgeClass("Revoked", "competency"));
		issue(revoked, "ada@uni-a.example");
		oeb.revokeInOeb(oeb.assertions(revoked).get(0).entityId(), "wrong course");
		String expired = create(ISSUER, badgeClass("Expired", "competency"));
		oeb.existingAssertion(expired, "ada@uni-a.example", Instant.now().minusSeconds(7200), false,
				Instant.now().minusSeconds(3600));

		for (String id : List.of(revoked, expired)) {
			HttpResponse<String> deleted = send("DELETE", "/v2/badgeclasses/" + id, null);
			assertThat(deleted.statusCode()).isEqualTo(204);
			assertThat(deleted.body()).isEmpty();
			assertThat(send("GET", "/v2/badgeclasses/" + id, null).statusCode()).isEqualTo(404);
			assertThat(issue(id, "grace@uni-a.example").statusCode()).isEqualTo(404);
		}
		assertThat(oeb.storedBadgeClasses(ISSUER)).isEmpty();
		assertThat(send("DELETE", "/v2/badgeclasses/" + revoked, null).statusCode()).isEqualTo(404);
		assertThat(oeb.badgeClassDeleteCallCount()).isEqualTo(3);
		assertThat(JSON.readTree(send("GET", "/v2/badgeclasses/changed", null).body()).path("result")
			.findValuesAsString("entityId")).doesNotContain(revoked, expired);
	}

	@Test
	void deletingABadgeClassDeletesTheLearningPathsItLeavesWithTwoBadgesOrFewer() throws Exception {
		String degree = create(ISSUER, badgeClass("Degree", "learningpath"));
		List<String> badges = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			badges.add(create(ISSUER, badgeClass("Part " + i, "competency")));
		}
		String shortPath = createPath(learningPath("Short", degree, 2, badges.get(0), badges.get(1), badges.get(2)));
		String longPath = createPath(learningPath("Long", degree, 4, badges.toArray(String[]::new)));

		assertThat(send("DELETE", "/v2/badgeclasses/" + badges.get(0), null).statusCode()).isEqualTo(204);

		assertThat(getPath(shortPath).statusCode()).isEqualTo(404);
		JsonNode remaining = JSON.readTree(getPath(longPath).body());
		assertThat(remaining.path("badges").findValuesAsString("slug")).containsExactly(badges.get(1), badges.get(2),
				badges.get(3));
		assertThat(remaining.path("required_badges_count").asInt()).isEqualTo(3);
	}

	@Test
	void answersABodyLargerThanTenMegabytesWith413AndStoresNothing() throws Exception {
		ObjectNode body = badgeClass("Huge", "competency");
		body.put("description", "x".repeat(10 * 1024 * 1024));

		HttpResponse<String> refused = send("POST", "/v2/issuers/" + ISSUER + "/badgeclasses", body);
		HttpResponse<String> refusedUpdate = send("PUT", "/v2/badgeclasses/" + create(ISSUER, badgeClass("Small",
				"competency")), body);

		for (HttpResponse<String> response : List.of(refused, refusedUpdate)) {
			assertThat(response.statusCode()).isEqualTo(413);
			assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying((type) -> assertThat(type)
				.startsWith("text/html"));
			assertThat(response.body()).contains("413 Request Entity Too Large");
		}
		assertThat(oeb.storedBadgeClasses(ISSUER)).singleElement()
			.satisfies((json) -> assertThat(json.path("name").asString()).isEqualTo("Small"));
	}

	@Test
	void storesABadgeClassButAnswers502WhenToldTo() throws Exception {
		oeb.storeBadgeClassThenFail(1);

		HttpResponse<String> lost = send("POST", "/v2/issuers/" + ISSUER + "/badgeclasses", badgeClass("Lost", "competency"));
		HttpResponse<String> answered = send("POST", "/v2/issuers/" + ISSUER + "/badgeclasses",
				badgeClass("Answered", "competency"));

		assertThat(lost.statusCode()).isEqualTo(502);
		assertThat(lost.body()).doesNotContain("entityId");
		assertThat(answered.statusCode()).isEqualTo(201);
		assertThat(oeb.storedBadgeClasses(ISSUER)).extracting((json) -> json.path("name").asString())
			.containsExactlyInAnyOrder("Lost", "Answered");
		assertThat(oeb.badgeClassCreateCallCount()).isEqualTo(2);
	}

	@Test
	void delaysBadgeClassWritesWhenToldTo() throws Exception {
		oeb.badgeClassWriteDelay(Duration.ofMillis(300));
		long started = System.nanoTime();

		HttpResponse<String> created = send("POST", "/v2/issuers/" + ISSUER + "/badgeclasses",
				badgeClass("Slow", "competency"));

		assertThat(created.statusCode()).isEqualTo(201);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
	}

	@Test
	void createsABadgeClassDirectlyWithAnIssuerToken() throws Exception {
		String token = token();

		HttpResponse<String> created = HTTP.send(HttpRequest
			.newBuilder(URI.create(oeb.baseUrl() + "/v2/issuers/" + ISSUER + "/badgeclasses"))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(badgeClass("Direct", "competency").toString()))
			.build(), HttpResponse.BodyHandlers.ofString());

		assertThat(created.statusCode()).isEqualTo(201);
		assertThat(oeb.badgeClassCreateCallCount()).isEqualTo(1);
	}

	@Test
	void createsReadsAndListsALearningPath() throws Exception {
		String degree = create(ISSUER, badgeClass("Data literacy", "learningpath"));
		String first = create(ISSUER, badgeClass("Statistics", "competency"));
		String second = create(ISSUER, badgeClass("Visualisation", "competency"));
		ObjectNode body = learningPath("Data literacy", degree, 2, second, first);
		((ObjectNode) body.withArrayProperty("badges").get(0)).put("order", 2);
		((ObjectNode) body.withArrayProperty("badges").get(1)).put("order", 1);

		HttpResponse<String> created = send("POST", "/v1/issuer/issuers/" + ISSUER + "/learningpath", body);

		assertThat(created.statusCode()).isEqualTo(201);
		JsonNode path = JSON.readTree(created.body());
		String slug = path.path("slug").asString();
		assertThat(slug).matches("[A-Za-z0-9_-]{22}");
		assertThat(path.path("name").asString()).isEqualTo("Data literacy");
		assertThat(path.path("description").asString()).isEqualTo("Data literacy, step by step");
		assertThat(path.path("issuer_id").asString()).isEqualTo(ISSUER);
		assertThat(path.path("issuer_name").asString()).isEqualTo("University A");
		assertThat(path.path("participationBadge_id").asString()).isEqualTo(degree);
		assertThat(path.path("participationBadge_image").asString()).endsWith("/public/badges/" + degree + "/image");
		assertThat(path.path("required_badges_count").asInt()).isEqualTo(2);
		assertThat(path.path("activated").asBoolean()).isTrue();
		assertThat(path.path("archived").asBoolean()).isFalse();
		assertThat(path.path("tags").get(0).asString()).isEqualTo("data");
		assertThat(path.path("badges").findValuesAsString("slug")).containsExactly(first, second);
		assertThat(path.path("badges").get(0).path("order").asInt()).isEqualTo(1);
		assertThat(path.path("badges").get(0).path("badge").path("name").asString()).isEqualTo("Statistics");
		assertThat(path.path("participant_count").asInt()).isZero();
		assertThat(path.path("has_awarded_micro_degree").asBoolean()).isFalse();
		assertThat(JSON.readTree(getPath(slug).body())).isEqualTo(path);
		assertThat(JSON.readTree(send("GET", "/v1/issuer/issuers/" + ISSUER + "/learningpath", null).body()))
			.containsExactly(path);
		assertThat(oeb.learningPaths(ISSUER)).containsExactly(path);
		assertThat(oeb.learningPathWriteCallCount()).isEqualTo(1);
	}

	@Test
	void listsTheHelpersLearningPathsInTheSameShape() throws Exception {
		oeb.learningPath(ISSUER, "PathOfHelper0000000AAA", "Helper path", "MicroDegree00000000AAA", 1,
				"BadgeA0000000000000000", "BadgeB0000000000000000");

		JsonNode listed = JSON.readTree(send("GET", "/v1/issuer/issuers/" + ISSUER + "/learningpath/", null).body());

		assertThat(listed).singleElement().satisfies((path) -> {
			assertThat(path.path("slug").asString()).isEqualTo("PathOfHelper0000000AAA");
			assertThat(path.path("participationBadge_id").asString()).isEqualTo("MicroDegree00000000AAA");
			assertThat(path.path("badges").findValuesAsString("slug")).containsExactly("BadgeA0000000000000000",
					"BadgeB0000000000000000");
			assertThat(path.propertyNames()).contains("description", "issuer_name", "participationBadge_image", "activated",
					"archived", "tags", "participant_count", "has_awarded_micro_degree");
		});
	}

	@Test
	void listsActiveArchivedOrAllLearningPaths() throws Exception {
		String degree = create(ISSUER, badgeClass("Degree", "learningpath"));
		String badge = create(ISSUER, badgeClass("Part", "competency"));
		String active = createPath(learningPath("Active", degree, 1, badge));
		String archived = createPath(learningPath("Archived", degree, 1, badge));

		HttpResponse<String> archiving = send("POST",
				"/v1/issuer/issuers/" + ISSUER + "/learningpath/" + archived + "/archive", null);

		assertThat(archiving.statusCode()).isEqualTo(200);
		assertThat(JSON.readTree(archiving.body()).path("archived").asBoolean()).isTrue();
		assertThat(JSON.readTree(archiving.body()).path("archived_at").asString()).endsWith("Z");
		assertThat(slugs("")).containsExactly(active);
		assertThat(slugs("?archived=false")).containsExactly(active);
		assertThat(slugs("?archived=true")).containsExactly(archived);
		assertThat(slugs("?archived=all")).containsExactly(active, archived);
		assertThat(oeb.learningPaths(ISSUER)).hasSize(2);
	}

	@Test
	void refusesLearningPathsOebRefuses() throws Exception {
		String degree = create(ISSUER, badgeClass("Degree", "learningpath"));
		String competency = create(ISSUER, badgeClass("Competency", "competency"));
		String other = create(ISSUER, badgeClass("Other", "competency"));
		ObjectNode noName = learningPath("x", degree, 1, competency);
		noName.remove("name");
		ObjectNode noDescription = learningPath("x", degree, 1, competency);
		noDescription.remove("description");

		assertPathRefused(noName, "name");
		assertPathRefused(noDescription, "description");
		assertPathRefused(learningPath("x", degree, 1, competency, "NoSuchBadge00000000000"), "badges");
		assertPathRefused(learningPath("x", "NoSuchBadge00000000000", 1, competency), "participationBadge_id");
		assertPathRefused(learningPath("x", other, 1, competency), "participationBadge_id");
		assertPathRefused(learningPath("x", degree, 0, competency, other), "required_badges_count");
		assertPathRefused(learningPath("x", degree, 3, competency, other), "required_badges_count");
		assertThat(oeb.learningPaths(ISSUER)).isEmpty();
		assertThat(oeb.learningPathWriteCallCount()).isEqualTo(7);
	}

	@Test
	void answersUnknownLearningPathsAndIssuersWithDrfsNotFound() throws Exception {
		String unknownPath = "/v1/issuer/issuers/" + ISSUER + "/learningpath/NoSuchPath000000000000";
		List<HttpResponse<String>> refused = List.of(send("GET", unknownPath, null),
				send("PUT", unknownPath, JSON.createObjectNode()), send("DELETE", unknownPath, null),
				send("POST", unknownPath + "/archive", null),
				send("GET", "/v1/issuer/issuers/UnknownIssuer000000000/learningpath", null));

		for (HttpResponse<String> response : refused) {
			assertThat(response.statusCode()).isEqualTo(404);
			assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree("{\"detail\":\"Not found.\"}"));
		}
	}

	@Test
	void replacesALearningPath() throws Exception {
		String degree = create(ISSUER, badgeClass("Degree", "learningpath"));
		String first = create(ISSUER, badgeClass("First", "competency"));
		String second = create(ISSUER, badgeClass("Second", "competency"));
		String slug = createPath(learningPath("Before", degree, 1, first));
		ObjectNode replacement = learningPath("After", degree, 2, first, second).put("activated", false);
		replacement.putArray("tags");

		HttpResponse<String> replaced = send("PUT", "/v1/issuer/issuers/" + ISSUER + "/learningpath/" + slug, replacement);
		HttpResponse<String> refused = send("PUT", "/v1/issuer/issuers/" + ISSUER + "/learningpath/" + slug,
				learningPath("Invalid", degree, 5, first));

		assertThat(replaced.statusCode()).isEqualTo(200);
		JsonNode path = JSON.readTree(getPath(slug).body());
		assertThat(path.path("name").asString()).isEqualTo("After");
		assertThat(path.path("required_badges_count").asInt()).isEqualTo(2);
		assertThat(path.path("activated").asBoolean()).isFalse();
		assertThat(path.path("tags")).isEmpty();
		assertThat(path.path("badges").findValuesAsString("slug")).containsExactly(first, second);
		assertThat(refused.statusCode()).isEqualTo(400);
		assertThat(JSON.readTree(refused.body()).propertyNames()).containsExactly("required_badges_count");
	}

	@Test
	void deletesALearningPathNobodyHasCompleted() throws Exception {
		String degree = create(ISSUER, badgeClass("Degree", "learningpath"));
		String slug = createPath(learningPath("Unused", degree, 1, create(ISSUER, badgeClass("Part", "competency"))));

		HttpResponse<String> deleted = send("DELETE", "/v1/issuer/issuers/" + ISSUER + "/learningpath/" + slug, null);

		assertThat(deleted.statusCode()).isEqualTo(204);
		assertThat(getPath(slug).statusCode()).isEqualTo(404);
		assertThat(oeb.learningPaths(ISSUER)).isEmpty();
	}

	@Test
	void awardsTheMicroDegreeOfACreatedPathAndThenRefusesToDeleteIt() throws Exception {
		String degree = create(ISSUER, badgeClass("Degree", "learningpath"));
		String first = create(ISSUER, badgeClass("First", "competency"));
		String second = create(ISSUER, badgeClass("Second", "competency"));
		String slug = createPath(learningPath("Path", degree, 2, first, second));

		issue(first, "ada@uni-a.example");
		assertThat(oeb.assertions(degree)).isEmpty();
		issue(second, "ada@uni-a.example");

		assertThat(oeb.assertions(degree)).singleElement()
			.satisfies((assertion) -> assertThat(assertion.recipient()).isEqualTo("ada@uni-a.example"));
		JsonNode path = JSON.readTree(getPath(slug).body());
		assertThat(path.path("has_awarded_micro_degree").asBoolean()).isTrue();
		assertThat(path.path("participant_count").asInt()).isEqualTo(1);
		HttpResponse<String> refused = send("DELETE", "/v1/issuer/issuers/" + ISSUER + "/learningpath/" + slug, null);
		assertThat(refused.statusCode()).isEqualTo(409);
		assertThat(JSON.readTree(refused.body()).path("code").asString()).isEqualTo("learningpath_has_awards");
		assertThat(JSON.readTree(refused.body()).path("error").asString()).isNotBlank();
		assertThat(getPath(slug).statusCode()).isEqualTo(200);
	}

	@Test
	void awardsNoMicroDegreeOfADeactivatedOrArchivedPath() throws Exception {
		String degree = create(ISSUER, badgeClass("Degree", "learningpath"));
		String deactivatedBadge = create(ISSUER, badgeClass("Deactivated", "competency"));
		String archivedBadge = create(ISSUER, badgeClass("Archived", "competency"));
		createPath(learningPath("Deactivated", degree, 1, deactivatedBadge).put("activated", false));
		String archived = createPath(learningPath("Archived", degree, 1, archivedBadge));
		send("POST", "/v1/issuer/issuers/" + ISSUER + "/learningpath/" + archived + "/archive", null);

		issue(deactivatedBadge, "ada@uni-a.example");
		issue(archivedBadge, "ada@uni-a.example");

		assertThat(oeb.assertions(degree)).isEmpty();
	}

	@Test
	void marksALearningPathAsAwardedWhenATestAwardsItsMicroDegree() throws Exception {
		String degree = create(ISSUER, badgeClass("Degree", "learningpath"));
		String slug = createPath(learningPath("Path", degree, 1, create(ISSUER, badgeClass("Part", "competency"))));

		FakeOeb.StoredAssertion awarded = oeb.awardMicroDegree(slug, "Grace@Uni-A.example");

		assertThat(awarded.badgeClass()).isEqualTo(degree);
		assertThat(oeb.learningPaths(ISSUER).get(0).path("has_awarded_micro_degree").asBoolean()).isTrue();
		assertThat(send("DELETE", "/v1/issuer/issuers/" + ISSUER + "/learningpath/" + slug, null).statusCode())
			.isEqualTo(409);
	}

	@Test
	void resetForgetsCreatedBadgeClassesPathsAndFaults() throws Exception {
		String degree = create(ISSUER, badgeClass("Degree", "learningpath"));
		String badge = create(ISSUER, badgeClass("Part", "competency"));
		createPath(learningPath("Path", degree, 1, badge));
		oeb.storeBadgeClassThenFail(3).badgeClassWriteDelay(Duration.ofSeconds(5));

		oeb.reset();
		oeb.actAsGateway("uni-a", "key-a").issuer(ISSUER);

		assertThat(oeb.storedBadgeClasses(ISSUER)).isEmpty();
		assertThat(oeb.learningPaths(ISSUER)).isEmpty();
		assertThat(oeb.badgeClassImageDigest(badge)).isEmpty();
		assertThat(issue(badge, "ada@uni-a.example").statusCode()).isEqualTo(404);
		assertThat(oeb.badgeClassCreateCallCount()).isZero();
		assertThat(send("POST", "/v2/issuers/" + ISSUER + "/badgeclasses", badgeClass("Fresh", "competency")).statusCode())
			.isEqualTo(201);
	}

	/** An issuer token, as a client-credentials application gets one. */
	private static String token() throws Exception {
		oeb.registerClient("client", "secret");
		String form = "grant_type=client_credentials&client_id=client&client_secret=secret&scope="
				+ URLEncoder.encode("rw:issuer", StandardCharsets.UTF_8);
		return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(oeb.baseUrl() + "/o/token"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.build(), HttpResponse.BodyHandlers.ofString()).body()).path("access_token").asString();
	}

	private static void assertRefused(ObjectNode body, String field) throws Exception {
		HttpResponse<String> refused = send("POST", "/v2/issuers/" + ISSUER + "/badgeclasses", body);
		assertThat(refused.statusCode()).as(body.toString()).isEqualTo(400);
		JsonNode answer = JSON.readTree(refused.body());
		assertThat(answer.path("status").path("description").asString()).isEqualTo("bad request");
		assertThat(answer.path("fieldErrors").propertyNames()).as(refused.body()).containsExactly(field);
	}

	private static void assertPathRefused(ObjectNode body, String field) throws Exception {
		HttpResponse<String> refused = send("POST", "/v1/issuer/issuers/" + ISSUER + "/learningpath", body);
		assertThat(refused.statusCode()).as(body.toString()).isEqualTo(400);
		JsonNode answer = JSON.readTree(refused.body());
		assertThat(answer.propertyNames()).as(refused.body()).containsExactly(field);
		assertThat(answer.path(field).get(0).isString()).isTrue();
	}

	private static List<String> slugs(String query) throws Exception {
		List<String> slugs = new ArrayList<>();
		JSON.readTree(send("GET", "/v1/issuer/issuers/" + ISSUER + "/learningpath" + query, null).body())
			.forEach((path) -> slugs.add(path.path("slug").asString()));
		return slugs;
	}

	private static ObjectNode badgeClass(String name, String category) {
		ObjectNode body = JSON.createObjectNode()
			.put("name", name)
			.put("description", name + " (test)")
			.put("language", "en")
			.put("image", PNG)
			.put("criteriaNarrative", "Complete the course");
		body.putArray("tags").add("sandbox");
		body.putObject("extensions")
			.putObject("extensions:CategoryExtension")
			.put("@context", "https://api.openbadges.education/static/extensions/CategoryExtension/context.json")
			.put("Category", category)
			.putArray("type")
			.add("Extension")
			.add("extensions:CategoryExtension");
		return body;
	}

	private static ObjectNode learningPath(String name, String microDegree, int required, String... badges) {
		ObjectNode body = JSON.createObjectNode()
			.put("name", name)
			.put("description", name + ", step by step")
			.put("issuer_id", ISSUER)
			.put("participationBadge_id", microDegree)
			.put("required_badges_count", required)
			.put("activated", true);
		body.putArray("tags").add("data");
		for (int i = 0; i < badges.length; i++) {
			body.withArrayProperty("badges").addObject().put("order", i + 1).putObject("badge").put("slug", badges[i]);
		}
		return body;
	}

	private static String create(String issuer, ObjectNode body) throws Exception {
		HttpResponse<String> created = send("POST", "/v2/issuers/" + issuer + "/badgeclasses", body);
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		return JSON.readTree(created.body()).path("result").get(0).path("entityId").asString();
	}

	private static String createPath(ObjectNode body) throws Exception {
		HttpResponse<String> created = send("POST", "/v1/issuer/issuers/" + ISSUER + "/learningpath", body);
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		return JSON.readTree(created.body()).path("slug").asString();
	}

	private static HttpResponse<String> getPath(String slug) throws Exception {
		return send("GET", "/v1/issuer/issuers/" + ISSUER + "/learningpath/" + slug, null);
	}

	private static HttpResponse<String> issue(String badgeClass, String recipient) throws Exception {
		ObjectNode body = JSON.createObjectNode();
		body.putObject("recipient").put("identity", recipient).put("type", "email");
		return send("POST", "/v2/badgeclasses/" + badgeClass + "/assertions", body);
	}

	/** A call as the gateway forwards it for institution {@code uni-a}. */
	private static HttpResponse<String> send(String method, String path, JsonNode body) throws Exception {
		HttpRequest.BodyPublisher publisher = (body != null) ? HttpRequest.BodyPublishers.ofString(body.toString())
				: HttpRequest.BodyPublishers.noBody();
		return HTTP.send(HttpRequest.newBuilder(URI.create(oeb.baseUrl() + "/oeb/uni-a" + path))
			.header("X-Api-Key", "key-a")
			.header("Content-Type", "application/json")
			.header("Accept", "application/json")
			.method(method, publisher)
			.build(), HttpResponse.BodyHandlers.ofString());
	}

}

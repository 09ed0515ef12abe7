package org.oeb.bridge.common.catalog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.oeb.bridge.common.StartupFailures;



/** A catalog that OEB would refuse, or that does not fit the rules, stops start-up naming the entry. */
class CatalogConfigurationTests {

	private static final String AT = "bridge.catalog.institutions.uni-a.";

	private static final String DATA = AT + "badges.open-data.";

	@TempDir
	Path images;

	@Test
	void escoUriOfAnyOtherFormIsRejected() {
		for (String uri : List.of("https://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d",
				"http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d/",
				"http://data.europa.eu/esco/skill/CCD0A1D9-AFDA-43D9-B901-96344886E14D",
				"http://data.europa.eu/esco/isco/ccd0a1d9-afda-43d9-b901-96344886e14d",
				"http://data.europa.eu/esco/skill/ccd0a1d9", "http://evil.example/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d",
				"http://data.europa.eu/esco/skill/../occupation/ccd0a1d9-afda-43d9-b901-96344886e14d")) {
			assertStartupFails(Map.of(DATA + "competencies[0].esco", uri), DATA + "competencies[0].esco",
					"must be an ESCO URI");
		}
	}

	@Test
	void minutesThatAreNotPositiveOrExceedTheBadgeAreRejected() {
		assertStartupFails(Map.of(DATA + "competencies[0].minutes", "0"), "competencies[0].minutes: must be positive");
		assertStartupFails(Map.of(DATA + "competencies[0].minutes", "-5"), "competencies[0].minutes: must be positive");
		assertStartupFails(Map.of(DATA + "competencies[0].minutes", "301"), "is more than the badge's study-load");
		assertStartupFails(Map.of(DATA + "study-load-minutes", "0"), DATA + "study-load-minutes: must be positive");
		assertStartupFails(Map.of(DATA + "study-load-minutes", "ninety"), "study-load-minutes");
	}

	@Test
	void imageThatIsMissingTooLargeOrNoImageIsRejected() throws Exception {
		assertStartupFails(Map.of(DATA + "image", this.images.resolve("nope.png").toString()), DATA + "image",
				"no readable file");
		Path text = Files.writeString(this.images.resolve("fake.png"), "GIF89a not a png");
		assertStartupFails(Map.of(DATA + "image", text.toString()), DATA + "image", "neither a PNG nor an SVG");
		Path large = CatalogFiles.png(this.images, "large.png", 600, java.awt.Color.ORANGE);
		assertStartupFails(Map.of(DATA + "image", large.toString(), "bridge.catalog.max-image-size", "10KB"),
				DATA + "image", "larger than bridge.catalog.max-image-size");
		assertStartupFails(Map.of("bridge.catalog.max-image-size", "9MB"), "bridge.catalog.max-image-size",
				"at most 7MB");
	}

	@Test
	void learningPathNamingAnUnknownOrUnfitBadgeIsRejected() {
		String path = AT + "learning-paths.open-science.";
		assertStartupFails(Map.of(path + "badges[1]", "open-dat"), path + "badges[1]", "'open-dat' is not a badge");
		assertStartupFails(Map.of(path + "badges[1]", "open-science-degree"), path + "badges[1]",
				"is a micro-degree badge");
		assertStartupFails(Map.of(path + "badges[1]", "intro"), path + "badges[1]", "listed twice");
		assertStartupFails(Map.of(path + "micro-degree", "intro"), path + "micro-degree",
				"must name a badge of category micro-degree");
		assertStartupFails(Map.of(path + "required", "4"), path + "required", "must be 2 to 3");
		assertStartupFails(Map.of(path + "required", "1"), path + "required", "must be 2 to 3");
	}

	@Test
	void badgeFieldsOebRefusesAreRejected() {
		assertStartupFails(Map.of(DATA + "language", "deu"), DATA + "language", "two-letter");
		assertStartupFails(Map.of(DATA + "category", "skill"), DATA + "category");
		assertStartupFails(Map.of(DATA + "level", "d1"), DATA + "level", "a1, a2");
		assertStartupFails(Map.of(DATA + "license", "MIT"), DATA + "license", "CC-0");
		assertStartupFails(Map.of(DATA + "expiration-days", "0"), DATA + "expiration-days", "1 to 36500");
		assertStartupFails(Map.of(DATA + "criteria-url", "javascript:alert(1)"), DATA + "criteria-url",
				"http(s) URL");
		assertStartupFails(Map.of(DATA + "name", "Introduction to open science "), DATA + "name",
				"also the name of badge 'intro'");
		assertStartupFails(Map.of(DATA + "entity-id", "short"), DATA + "entity-id", "22-character");
		assertStartupFails(Map.of(AT + "badges.Open_Data.name", "x"), AT + "badges.Open_Data",
				"lower-case letters");
		assertStartupFails(Map.of(AT + "issuer", "https://api.openbadges.education/public/issuers/x"), AT + "issuer",
				"22-character");
	}

	@Test
	void ruleNamingABadgeByKeyMustFindItInTheCatalog() {
		String rule = "bridge.awards.institutions.uni-a.rules[0].";
		assertStartupFails(Map.of(rule + "badge", "open-dat"), "rules[0] (rule 'course-42'): badge 'open-dat' is not a "
				+ "key of the institution's badge catalog");
		assertStartupFails(Map.of(rule + "badge", "open-science-degree"), "is a micro degree");
		assertStartupFails(Map.of(rule + "badge", "open-data", rule + "badge-class", "CourseBadge0000000000A"),
				"not both");
	}

	@Test
	void catalogOfAnInstitutionTheConnectorDoesNotServeIsRejected() {
		Map<String, String> other = new LinkedHashMap<>();
		CatalogFiles.catalog(this.images).forEach((key, value) -> other.put(key.replace("uni-a", "uni-b"), value));
		assertStartupFails(other, "bridge.catalog.institutions.uni-b", "serves no such institution");
	}

	private void assertStartupFails(Map<String, String> overrides, String... expected) {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("bridge.issuance.gateway-url", "http://localhost:1");
		properties.put("bridge.awards.institutions.uni-a.gateway-api-key", "key");
		properties.put("bridge.awards.institutions.uni-a.rules[0].id", "course-42");
		properties.put("bridge.awards.institutions.uni-a.rules[0].badge", "open-data");
		properties.put("bridge.awards.institutions.uni-a.rules[0].when", "course-completed(course=42)");
		properties.put("spring.data.redis.port", "1");
		properties.put("spring.lifecycle.timeout-per-shutdown-phase", "5m");
		properties.putAll(CatalogFiles.catalog(this.images));
		properties.putAll(overrides);
		if (overrides.containsKey("bridge.awards.institutions.uni-a.rules[0].badge-class")) {
			properties.put("bridge.awards.institutions.uni-a.rules[0].badge-class",
					overrides.get("bridge.awards.institutions.uni-a.rules[0].badge-class"));
		}
		StartupFailures.assertStartupFails(properties, expected);
	}

}

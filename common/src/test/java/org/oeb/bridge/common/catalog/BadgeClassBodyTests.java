package org.oeb.bridge.common.catalog;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** A catalog badge becomes the v2 fields OEB's own UI sends, extension objects included. */
class BadgeClassBodyTests {

	private static final String CONTEXT = "https://api.openbadges.education/static/extensions/";

	private final JsonMapper json = JsonMapper.builder().build();

	@Test
	void competencyBadgeCarriesEveryExtensionAsOebsUiBuildsIt() {
		CatalogProperties.Badge badge = new CatalogProperties.Badge(CatalogProperties.Category.COMPETENCY, " Open Data ",
				"Publishes research data", "de", "x.png", "Publish a data set", URI.create("https://lms.example.org/c/42"),
				null, 300,
				List.of(new CatalogProperties.Competency(
						"http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d", "Manage research data",
						"FAIR data", 185, "skill")),
				"b1", "CC-BY-4.0", 730, List.of(" Open Science "), null);
		JsonNode fields = DesiredCatalog.fields(badge, 300, CONTEXT);
		JsonNode expected = this.json.readTree("""
				{"name": "Open Data", "description": "Publishes research data", "language": "de",
				 "criteriaNarrative": "Publish a data set", "criteriaUrl": "https://lms.example.org/c/42",
				 "course_url": null, "tags": ["open science"], "expiration": 730,
				 "extensions": {
				  "extensions:CategoryExtension": {
				    "@context": "https://api.openbadges.education/static/extensions/CategoryExtension/context.json",
				    "type": ["Extension", "extensions:CategoryExtension"], "Category": "competency"},
				  "extensions:StudyLoadExtension": {
				    "@context": "https://api.openbadges.education/static/extensions/StudyLoadExtension/context.json",
				    "type": ["Extension", "extensions:StudyLoadExtension"], "StudyLoad": 300},
				  "extensions:CompetencyExtension": [{
				    "@context": "https://api.openbadges.education/static/extensions/CompetencyExtension/context.json",
				    "type": ["Extension", "extensions:CompetencyExtension"], "name": "Manage research data",
				    "description": "FAIR data", "framework": "esco",
				    "framework_identifier": "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d",
				    "source": "manual", "studyLoad": 185, "hours": 3, "minutes": 5, "category": "skill"}],
				  "extensions:BasedOnExtension": {
				    "@context": "https://api.openbadges.education/static/extensions/BasedOnExtension/context.json",
				    "type": ["Extension", "extensions:BasedOnExtension"], "BasedOn": {"slug": "", "issuerSlug": ""}},
				  "extensions:LevelExtension": {
				    "@context": "https://api.openbadges.education/static/extensions/LevelExtension/context.json",
				    "type": ["Extension", "extensions:LevelExtension"], "Level": "b1"},
				  "extensions:LicenseExtension": {
				    "@context": "https://api.openbadges.education/static/extensions/LicenseExtension/context.json",
				    "type": ["Extension", "extensions:LicenseExtension"], "id": "CC-BY-4.0",
				    "name": "Attribution 4.0 International",
				    "legalCode": "https://creativecommons.org/licenses/by/4.0/legalcode"}}}
				""");
		assertThat(fields).isEqualTo(expected);
	}

	@Test
	void participationBadgeSendsNoCompetenciesLevelA1AndPublicDomainByDefault() {
		CatalogProperties.Badge badge = new CatalogProperties.Badge(CatalogProperties.Category.PARTICIPATION, "Intro",
				"Took part", "en", "x.png", null, URI.create("https://lms.example.org/c/1"), null, 90, List.of(), null,
				null, null, List.of(), null);
		JsonNode extensions = DesiredCatalog.fields(badge, 90, CONTEXT).path("extensions");
		assertThat(extensions.path("extensions:CompetencyExtension").isArray()).isTrue();
		assertThat(extensions.path("extensions:CompetencyExtension").isEmpty()).isTrue();
		assertThat(extensions.path("extensions:LevelExtension").path("Level").asString()).isEqualTo("a1");
		assertThat(extensions.path("extensions:LicenseExtension").path("id").asString()).isEqualTo("CC-0");
		assertThat(extensions.path("extensions:CategoryExtension").path("Category").asString()).isEqualTo("participation");
	}

	@Test
	void microDegreeIsALearningPathBadgeWithoutLevelOrProvenance() {
		CatalogProperties.Badge badge = new CatalogProperties.Badge(CatalogProperties.Category.MICRO_DEGREE, "Degree",
				"Completed the path", "en", "x.png", "Earn the path's badges", null, null, null, List.of(), null, null,
				null, List.of(), null);
		JsonNode extensions = DesiredCatalog.fields(badge, 510, CONTEXT).path("extensions");
		assertThat(extensions.path("extensions:CategoryExtension").path("Category").asString()).isEqualTo("learningpath");
		assertThat(extensions.path("extensions:StudyLoadExtension").path("StudyLoad").asInt()).isEqualTo(510);
		assertThat(extensions.has("extensions:LevelExtension")).isFalse();
		assertThat(extensions.has("extensions:BasedOnExtension")).isFalse();
	}

	@Test
	void valuesOebReturnsInOtherSpellingsCompareEqual() {
		assertThat(CatalogSync.sameValue(this.json.readTree("300.0"), this.json.readTree("300"))).isTrue();
		assertThat(CatalogSync.sameValue(this.json.readTree("\"3\""), this.json.readTree("3"))).isTrue();
		assertThat(CatalogSync.sameValue(this.json.readTree("\"\""), this.json.readTree("null"))).isTrue();
		assertThat(CatalogSync.sameValue(this.json.readTree("null"), this.json.readTree("[]"))).isTrue();
		assertThat(CatalogSync.sameValue(this.json.readTree("{\"a\":1,\"b\":[1,2]}"),
				this.json.readTree("{\"b\":[1,2],\"a\":1.0}"))).isTrue();
		assertThat(CatalogSync.sameValue(this.json.readTree("{\"b\":[2,1]}"), this.json.readTree("{\"b\":[1,2]}")))
			.isFalse();
		assertThat(CatalogSync.sameValue(this.json.readTree("\"Open Data\""), this.json.readTree("\"Open data\"")))
			.isFalse();
	}

}

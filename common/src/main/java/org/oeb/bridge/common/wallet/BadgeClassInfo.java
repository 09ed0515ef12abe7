package org.oeb.bridge.common.wallet;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * What the wallet needs of an OEB badge class, read from its v2 JSON and OEB's extensions.
 *
 * @param entityId the badge class
 * @param name its name
 * @param image the URL of its image
 * @param category {@code participation}, {@code competency}, {@code micro-degree} or {@code unknown}
 * @param issuer the issuer's entityId
 * @param studyLoadMinutes the study load in minutes, 0 when not given
 * @param competencies the competencies it certifies
 */
public record BadgeClassInfo(String entityId, String name, String image, String category, String issuer,
		int studyLoadMinutes, List<Competency> competencies) {

	public BadgeClassInfo {
		competencies = (competencies != null) ? List.copyOf(competencies) : List.of();
	}

	/** A badge class the bridge could not read (deleted, or OEB unreachable). */
	static BadgeClassInfo unknown(String entityId) {
		return new BadgeClassInfo(entityId, null, null, "unknown", null, 0, List.of());
	}

	static BadgeClassInfo from(JsonNode badgeClass) {
		JsonNode extensions = badgeClass.path("extensions");
		String category = switch (String.valueOf(OebReads.text(extensions.path("extensions:CategoryExtension").path("Category")))) {
			case "participation" -> "participation";
			case "competency" -> "competency";
			case "learningpath" -> "micro-degree";
			default -> "unknown";
		};
		List<Competency> competencies = new ArrayList<>();
		JsonNode listed = extensions.path("extensions:CompetencyExtension");
		// OEB's UI sends a list; a single object appears in older badge classes
		if (listed.isObject()) {
			competencies.add(Competency.from(listed));
		}
		else {
			listed.forEach((item) -> competencies.add(Competency.from(item)));
		}
		return new BadgeClassInfo(OebReads.text(badgeClass.path("entityId")), OebReads.text(badgeClass.path("name")),
				OebReads.text(badgeClass.path("image")), category, OebReads.text(badgeClass.path("issuer")),
				minutes(extensions.path("extensions:StudyLoadExtension").path("StudyLoad")), competencies);
	}

	static int minutes(JsonNode value) {
		int minutes = value.isNumber() ? value.asInt() : value.asInt(0);
		return Math.max(0, minutes);
	}

	/**
	 * One competency of a badge class ({@code CompetencyExtension}).
	 *
	 * @param uri the ESCO URI ({@code framework_identifier}), may be null
	 * @param name its name
	 * @param minutes study load in minutes
	 * @param category {@code skill} or {@code knowledge}
	 */
	public record Competency(String uri, String name, int minutes, String category) {

		static Competency from(JsonNode item) {
			return new Competency(OebReads.text(item.path("framework_identifier")), OebReads.text(item.path("name")),
					BadgeClassInfo.minutes(item.path("studyLoad")), OebReads.text(item.path("category")));
		}

	}

}

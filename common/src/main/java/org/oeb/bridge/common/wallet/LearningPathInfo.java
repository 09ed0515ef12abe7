package org.oeb.bridge.common.wallet;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * A learning path (micro degree) of the institution, as OEB's v1 API describes it.
 *
 * @param entityId the path
 * @param name its name
 * @param requiredBadges how many of its badges earn the micro degree
 * @param badges its badge classes, in order
 * @param microDegreeBadge the badge class OEB awards when the path is complete
 * @param activated whether OEB awards it
 */
record LearningPathInfo(String entityId, String name, int requiredBadges, List<String> badges,
		String microDegreeBadge, boolean activated) {

	LearningPathInfo {
		badges = (badges != null) ? List.copyOf(badges) : List.of();
	}

	static LearningPathInfo from(JsonNode path) {
		List<String> badges = new ArrayList<>();
		List<JsonNode> ordered = new ArrayList<>();
		path.path("badges").forEach(ordered::add);
		ordered.sort(java.util.Comparator.comparingInt((JsonNode item) -> item.path("order").asInt(0)));
		for (JsonNode item : ordered) {
			String slug = OebReads.text(item.path("badge").path("slug"));
			if (slug != null) {
				badges.add(slug);
			}
		}
		String microDegree = OebReads.text(path.path("participationBadge_id"));
		if (microDegree == null) {
			microDegree = OebReads.text(path.path("participationBadge").path("slug"));
		}
		int required = path.path("required_badges_count").asInt(badges.size());
		return new LearningPathInfo(OebReads.text(path.path("slug")), OebReads.text(path.path("name")),
				(required > 0) ? required : badges.size(), badges, microDegree, path.path("activated").asBoolean(true));
	}

}

package org.oeb.bridge.common.catalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * {@code /actuator/catalog}: the institutions with a badge catalog; {@code GET …/{institution}}
 * plans (changes nothing), {@code POST …/{institution}} with {@code {"action":"apply"}} applies.
 */
@Endpoint(id = "catalog")
public class CatalogEndpoint {

	private final CatalogSync sync;

	CatalogEndpoint(CatalogSync sync) {
		this.sync = sync;
	}

	@ReadOperation
	public Map<String, Object> institutions() {
		Map<String, Object> all = new LinkedHashMap<>();
		this.sync.institutions().stream().sorted().forEach((institution) -> all.put(institution, Map.of("plan",
				"GET /actuator/catalog/" + institution, "apply", "POST /actuator/catalog/" + institution
						+ " {\"action\":\"apply\"}")));
		return all;
	}

	@ReadOperation
	public WebEndpointResponse<Map<String, Object>> plan(@Selector String institution) {
		if (!this.sync.institutions().contains(institution)) {
			return unknown(institution);
		}
		return new WebEndpointResponse<>(describe(this.sync.plan(institution)), 200);
	}

	@WriteOperation
	public WebEndpointResponse<Map<String, Object>> apply(@Selector String institution, @Nullable String action) {
		if (!this.sync.institutions().contains(institution)) {
			return unknown(institution);
		}
		if (!"apply".equals(action)) {
			return new WebEndpointResponse<>(Map.of("error", "action must be 'apply' (a plan is GET)"), 400);
		}
		try {
			return new WebEndpointResponse<>(describe(this.sync.apply(institution)), 200);
		}
		catch (CatalogSync.ApplyRunning ex) {
			return new WebEndpointResponse<>(Map.of("error", ex.getMessage()), 409);
		}
	}

	private static WebEndpointResponse<Map<String, Object>> unknown(String institution) {
		return new WebEndpointResponse<>(Map.of("error", "no catalog is configured for institution '" + institution
				+ "'"), 404);
	}

	static Map<String, Object> describe(CatalogPlan plan) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("institution", plan.institution());
		body.put("issuer", plan.issuer());
		body.put("hasChanges", plan.hasChanges());
		List<Map<String, Object>> changes = new ArrayList<>();
		for (CatalogPlan.Change change : plan.changes()) {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("kind", change.kind());
			entry.put("key", change.key());
			entry.put("action", change.action().name().toLowerCase(Locale.ROOT));
			entry.put("entityId", change.entityId());
			if (!change.fields().isEmpty()) {
				List<Map<String, Object>> fields = new ArrayList<>();
				for (CatalogPlan.FieldChange field : change.fields()) {
					Map<String, Object> one = new LinkedHashMap<>();
					one.put("field", field.field());
					one.put("from", plain(field.from()));
					one.put("to", plain(field.to()));
					fields.add(one);
				}
				entry.put("fields", fields);
			}
			if (change.note() != null) {
				entry.put("note", change.note());
			}
			if (change.outcome() != null) {
				entry.put("outcome", change.outcome());
			}
			changes.add(entry);
		}
		body.put("changes", changes);
		return body;
	}

	/** JSON trees as their text, so that any JSON library writes them the same way. */
	private static Object plain(Object value) {
		return (value instanceof tools.jackson.databind.JsonNode node) ? node.toString() : value;
	}

}

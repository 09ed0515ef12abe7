package org.oeb.bridge.common.catalog;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.micrometer.core.instrument.MeterRegistry;
import org.oeb.bridge.common.awards.AwardsProperties;
import org.oeb.bridge.common.catalog.CatalogPlan.Action;
import org.oeb.bridge.common.catalog.CatalogPlan.Change;
import org.oeb.bridge.common.catalog.CatalogPlan.FieldChange;
import org.oeb.bridge.common.catalog.DesiredCatalog.DesiredBadge;
import org.oeb.bridge.common.catalog.DesiredCatalog.DesiredPath;
import org.oeb.bridge.common.issuance.GatewayClient;
import org.oeb.bridge.common.leases.RedisLeases;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Plans and applies an institution's catalog. A plan reads OEB (through the gateway) and
 * compares; an apply plans again under the institution's lease and makes each change,
 * recording every entityId as soon as OEB names it. A create is announced in Redis before it is
 * sent, so a create whose answer is lost (OEB may have stored it) is looked up by the next apply
 * instead of being sent twice.
 */
public class CatalogSync {

	private static final Logger logger = LoggerFactory.getLogger(CatalogSync.class);

	static final String BADGE = "badge";

	static final String PATH = "learning-path";

	private static final java.util.regex.Pattern ENTITY_ID = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{22}");

	/** How far OEB's clock may be behind ours when a lost create is looked for by its creation time. */
	private static final Duration CLOCK_SKEW = Duration.ofMinutes(2);

	private final CatalogProperties properties;

	private final Map<String, DesiredCatalog> catalogs;

	private final AwardsProperties awards;

	private final GatewayClient gateway;

	private final CatalogState state;

	private final RedisLeases leases;

	private final MeterRegistry meters;

	private final Clock clock;

	private final JsonMapper json = JsonMapper.builder().build();

	CatalogSync(CatalogProperties properties, Map<String, DesiredCatalog> catalogs, AwardsProperties awards,
			GatewayClient gateway, CatalogState state, RedisLeases leases, MeterRegistry meters, Clock clock) {
		this.properties = properties;
		this.catalogs = catalogs;
		this.awards = awards;
		this.gateway = gateway;
		this.state = state;
		this.leases = leases;
		this.meters = meters;
		this.clock = clock;
	}

	/** The institutions that have a catalog. */
	public Set<String> institutions() {
		return this.catalogs.keySet();
	}

	/** What an apply would change now; changes nothing. */
	public CatalogPlan plan(String institution) {
		return plan(catalog(institution), new Reads(catalog(institution)));
	}

	/**
	 * Makes OEB hold the catalog: plans under the institution's lease and makes every change.
	 *
	 * @throws ApplyRunning when another apply of the institution is running
	 */
	public CatalogPlan apply(String institution) {
		DesiredCatalog catalog = catalog(institution);
		RedisLeases.Lease lease = this.leases.acquire(this.state.leaseKey(institution), this.properties.leaseTimeout());
		if (lease == null) {
			throw new ApplyRunning(institution);
		}
		try (lease) {
			CatalogPlan plan = plan(catalog, new Reads(catalog));
			List<Change> done = new ArrayList<>();
			for (Change change : plan.changes()) {
				Change applied = change.action().changes() ? applyOne(catalog, change) : change;
				if (change.action().changes()) {
					logger.info("Catalog of institution '{}': {} {} '{}' ({}): {}", institution,
							change.action().name().toLowerCase(Locale.ROOT), change.kind(), change.key(),
							applied.entityId(), applied.outcome());
					this.meters
						.counter("bridge.catalog.changes", "institution", institution, "action",
								change.action().name().toLowerCase(Locale.ROOT), "outcome",
								outcomeTag(applied.outcome()))
						.increment();
				}
				done.add(applied);
			}
			return new CatalogPlan(institution, catalog.issuer(), List.copyOf(done));
		}
	}

	/** The OEB badge class a catalog key names, once an apply created or adopted it. */
	public Optional<String> badgeClass(String institution, String key) {
		return this.state.badgeClass(institution, key);
	}

	private DesiredCatalog catalog(String institution) {
		DesiredCatalog catalog = this.catalogs.get(institution);
		if (catalog == null) {
			throw new UnknownInstitution(institution);
		}
		return catalog;
	}

	private String apiKey(String institution) {
		return this.awards.institutions().get(institution).gatewayApiKey();
	}

	// ---- planning

	private CatalogPlan plan(DesiredCatalog catalog, Reads reads) {
		String institution = catalog.institution();
		Known known = new Known(this.state.read(institution, CatalogState.BADGES),
				this.state.read(institution, CatalogState.RETIRED), this.state.read(institution, CatalogState.IMAGES),
				this.state.read(institution, CatalogState.PATHS), this.state.read(institution, CatalogState.ARCHIVED),
				this.state.read(institution, CatalogState.INTENTS));
		List<Change> changes = new ArrayList<>();
		catalog.badges().values().stream().sorted(java.util.Comparator.comparing(DesiredBadge::key))
			.forEach((badge) -> changes.add(planBadge(catalog, badge, known, reads)));
		catalog.paths().values().stream().sorted(java.util.Comparator.comparing(DesiredPath::key))
			.forEach((path) -> changes.add(planPath(catalog, path, known, reads)));
		known.paths().keySet().stream().filter((key) -> !catalog.paths().containsKey(key)).sorted()
			.forEach((key) -> changes.add(planPathRemoval(key, known.paths().get(key), reads)));
		known.archived().keySet().stream().filter((key) -> !catalog.paths().containsKey(key)).sorted()
			.forEach((key) -> changes.add(new Change(PATH, key, Action.ARCHIVED, known.archived().get(key), List.of(),
					"removed from the catalog after it awarded micro degrees; archived in OEB", null)));
		Set<String> removed = new java.util.TreeSet<>(known.badges().keySet());
		removed.addAll(known.retired().keySet());
		removed.removeAll(catalog.badges().keySet());
		removed.forEach((key) -> changes.add(planBadgeRemoval(catalog.institution(), key,
				known.badges().getOrDefault(key, known.retired().get(key)), known.retired().containsKey(key), reads)));
		return new CatalogPlan(institution, catalog.issuer(), List.copyOf(changes));
	}

	private Change planBadge(DesiredCatalog catalog, DesiredBadge badge, Known known, Reads reads) {
		String id = known.badges().get(badge.key());
		String note = null;
		if (id == null && known.retired().containsKey(badge.key())) {
			id = known.retired().get(badge.key());
			note = "back in the catalog after it was retired";
		}
		if (id == null && badge.adoptedEntityId() != null) {
			id = badge.adoptedEntityId();
			note = "takes over the existing badge class " + id;
		}
		if (id == null) {
			return planBadgeCreate(catalog, badge, known, reads);
		}
		List<JsonNode> classes = reads.badgeClasses();
		if (classes == null) {
			return new Change(BADGE, badge.key(), Action.BLOCKED, id, List.of(), "cannot list the issuer's badge "
					+ "classes: " + reads.problem(), null);
		}
		JsonNode actual = reads.badgeClass(id);
		if (actual == null) {
			if (!known.badges().containsKey(badge.key()) && !known.retired().containsKey(badge.key())) {
				return new Change(BADGE, badge.key(), Action.BLOCKED, id, List.of(), "OEB knows no badge class " + id
						+ " of this institution's issuer (entity-id)", null);
			}
			Change create = planBadgeCreate(catalog, badge, known, reads);
			return new Change(BADGE, badge.key(), create.action(), create.entityId(), create.fields(),
					"badge class " + id + " is gone from OEB; " + ((create.note() != null) ? create.note()
							: "it is created again"), null);
		}
		List<FieldChange> fields = badgeDiff(badge, actual, known.images().get(badge.key()));
		boolean recorded = known.badges().containsKey(badge.key()) && Objects.equals(known.badges().get(badge.key()), id);
		Action action = (fields.isEmpty() && recorded) ? Action.UNCHANGED : Action.UPDATE;
		return new Change(BADGE, badge.key(), action, id, fields, note, null);
	}

	private Change planBadgeCreate(DesiredCatalog catalog, DesiredBadge badge, Known known, Reads reads) {
		Intent intent = Intent.parse(known.intents().get(intentField(BADGE, badge.key())));
		if (intent == null) {
			return new Change(BADGE, badge.key(), Action.CREATE, null, createFields(badge.fields()), null, null);
		}
		Instant lookAfter = intent.at().plus(this.properties.settleTime());
		if (this.clock.instant().isBefore(lookAfter)) {
			return new Change(BADGE, badge.key(), Action.WAIT, null, List.of(), "a create sent at " + intent.at()
					+ " got no answer and OEB may still be storing it; an apply after " + lookAfter
					+ " looks for it before creating", null);
		}
		List<JsonNode> classes = reads.badgeClasses();
		if (classes == null) {
			return new Change(BADGE, badge.key(), Action.BLOCKED, null, List.of(),
					"cannot list the issuer's badge classes to look for an interrupted create: " + reads.problem(), null);
		}
		Set<String> claimed = new HashSet<>(known.badges().values());
		claimed.addAll(known.retired().values());
		Optional<JsonNode> found = classes.stream()
			.filter((candidate) -> sameName(text(candidate.path("name")), badge.name()))
			.filter((candidate) -> entityId(candidate.path("entityId")) != null)
			.filter((candidate) -> !claimed.contains(text(candidate.path("entityId"))))
			.filter((candidate) -> createdAfter(candidate.path("createdAt"), intent.at()))
			.min(java.util.Comparator.comparing((candidate) -> text(candidate.path("createdAt"))));
		if (found.isEmpty()) {
			return new Change(BADGE, badge.key(), Action.CREATE, null, createFields(badge.fields()),
					"a create sent at " + intent.at() + " did not reach OEB", null);
		}
		String id = text(found.get().path("entityId"));
		List<FieldChange> fields = badgeDiff(badge, found.get(), intent.image());
		return new Change(BADGE, badge.key(), Action.UPDATE, id, fields,
				"found the badge class an interrupted create stored at " + text(found.get().path("createdAt")), null);
	}

	private Change planBadgeRemoval(String institution, String key, String id, boolean retired, Reads reads) {
		if (reads.badgeClasses() == null) {
			return new Change(BADGE, key, Action.BLOCKED, id, List.of(), "cannot list the issuer's badge classes: "
					+ reads.problem(), null);
		}
		if (reads.badgeClass(id) == null) {
			return new Change(BADGE, key, Action.FORGET, id, List.of(), "removed from the catalog and gone from OEB",
					null);
		}
		OebAnswer awarded = OebAnswer.of(() -> this.gateway.activeAwards(institution, id, apiKey(institution), 1));
		if (!awarded.ok()) {
			return new Change(BADGE, key, Action.BLOCKED, id, List.of(), "cannot read its awards from OEB: "
					+ awarded.problem(), null);
		}
		if (!awarded.results().isEmpty()) {
			return new Change(BADGE, key, retired ? Action.RETIRED : Action.RETIRE, id, List.of(),
					"removed from the catalog, but learners hold it: OEB keeps it, the bridge no longer issues it",
					null);
		}
		return new Change(BADGE, key, Action.DELETE, id, List.of(), "removed from the catalog; no learner holds it",
				null);
	}

	private Change planPath(DesiredCatalog catalog, DesiredPath path, Known known, Reads reads) {
		List<JsonNode> all = reads.paths();
		if (all == null) {
			return new Change(PATH, path.key(), Action.BLOCKED, known.paths().get(path.key()), List.of(),
					"cannot read the issuer's learning paths: " + reads.problem(), null);
		}
		String slug = known.paths().get(path.key());
		JsonNode actual = (slug != null) ? find(all, slug) : null;
		ObjectNode desired = pathBody(catalog, path, known.badges());
		if (actual != null && !actual.path("archived").asBoolean(false)) {
			List<FieldChange> fields = pathDiff(desired, actual);
			return new Change(PATH, path.key(), fields.isEmpty() ? Action.UNCHANGED : Action.UPDATE, slug, fields,
					null, null);
		}
		String gone = (slug == null) ? null : (actual == null) ? "learning path " + slug + " is gone from OEB"
				: "learning path " + slug + " was archived in OEB";
		Intent intent = Intent.parse(known.intents().get(intentField(PATH, path.key())));
		if (intent != null) {
			Instant lookAfter = intent.at().plus(this.properties.settleTime());
			if (this.clock.instant().isBefore(lookAfter)) {
				return new Change(PATH, path.key(), Action.WAIT, null, List.of(), "a create sent at " + intent.at()
						+ " got no answer and OEB may still be storing it; an apply after " + lookAfter
						+ " looks for it before creating", null);
			}
			Set<String> claimed = new HashSet<>(known.paths().values());
			claimed.addAll(known.archived().values());
			Optional<JsonNode> found = all.stream()
				.filter((candidate) -> sameName(text(candidate.path("name")), path.name()))
				.filter((candidate) -> entityId(candidate.path("slug")) != null)
				.filter((candidate) -> !claimed.contains(text(candidate.path("slug"))))
				.filter((candidate) -> !candidate.path("archived").asBoolean(false))
				.findFirst();
			if (found.isPresent()) {
				String foundSlug = text(found.get().path("slug"));
				return new Change(PATH, path.key(), Action.UPDATE, foundSlug, pathDiff(desired, found.get()),
						"found the learning path an interrupted create stored", null);
			}
		}
		return new Change(PATH, path.key(), Action.CREATE, null, createFields(desired), gone, null);
	}

	private Change planPathRemoval(String key, String slug, Reads reads) {
		List<JsonNode> all = reads.paths();
		if (all == null) {
			return new Change(PATH, key, Action.BLOCKED, slug, List.of(), "cannot read the issuer's learning paths: "
					+ reads.problem(), null);
		}
		JsonNode actual = find(all, slug);
		if (actual == null) {
			return new Change(PATH, key, Action.FORGET, slug, List.of(), "removed from the catalog and gone from OEB",
					null);
		}
		if (actual.path("archived").asBoolean(false)) {
			return new Change(PATH, key, Action.ARCHIVE, slug, List.of(),
					"removed from the catalog; archived in OEB already", null);
		}
		if (actual.path("has_awarded_micro_degree").asBoolean(false)) {
			return new Change(PATH, key, Action.ARCHIVE, slug, List.of(),
					"removed from the catalog after it awarded micro degrees: archived, not deleted", null);
		}
		return new Change(PATH, key, Action.DELETE, slug, List.of(), "removed from the catalog", null);
	}

	// ---- applying

	private Change applyOne(DesiredCatalog catalog, Change change) {
		try {
			return BADGE.equals(change.kind()) ? applyBadge(catalog, change) : applyPath(catalog, change);
		}
		catch (RuntimeException ex) {
			logger.warn("Catalog change of {} '{}' of institution '{}' failed", change.kind(), change.key(),
					catalog.institution(), ex);
			return change.withOutcome("failed: " + ex.getMessage());
		}
	}

	private Change applyBadge(DesiredCatalog catalog, Change change) {
		String institution = catalog.institution();
		String key = change.key();
		DesiredBadge badge = catalog.badges().get(key);
		switch (change.action()) {
			case CREATE -> {
				String field = intentField(BADGE, key);
				this.state.change(institution)
					.set(CatalogState.INTENTS, field, new Intent(this.clock.instant(), badge.imageSha256()).value())
					.write();
				ObjectNode body = badge.fields().deepCopy();
				body.put("image", badge.imageDataUri());
				OebAnswer answer = OebAnswer.of(() -> this.gateway.createBadgeClass(institution, catalog.issuer(),
						apiKey(institution), body.toString()));
				String id = entityId(answer.result().path("entityId"));
				if (answer.ok() && id != null) {
					this.state.change(institution)
						.set(CatalogState.BADGES, key, id)
						.set(CatalogState.IMAGES, key, badge.imageSha256())
						.delete(CatalogState.RETIRED, key)
						.delete(CatalogState.INTENTS, field)
						.write();
					return change.withEntityId(id).withOutcome("done");
				}
				if (answer.ambiguous() || answer.ok()) {
					return change.withOutcome("unknown: " + answer.problem() + "; OEB may have stored it, so the next "
							+ "apply looks for it (after " + this.properties.settleTime() + ") before creating");
				}
				this.state.change(institution).delete(CatalogState.INTENTS, field).write();
				return change.withOutcome("failed: " + answer.problem());
			}
			case UPDATE -> {
				String id = change.entityId();
				boolean imageChanged = change.fields().stream().anyMatch((f) -> "image".equals(f.field()));
				boolean fieldsChanged = change.fields().stream().anyMatch((f) -> !"image".equals(f.field()));
				if (fieldsChanged || imageChanged) {
					ObjectNode body = badge.fields().deepCopy();
					if (imageChanged) {
						body.put("image", badge.imageDataUri());
					}
					OebAnswer answer = OebAnswer.of(() -> this.gateway.updateBadgeClass(institution, badgeId(id),
							apiKey(institution), body.toString()));
					if (!answer.ok()) {
						return change.withOutcome(
								(answer.ambiguous() ? "unknown: " : "failed: ") + answer.problem());
					}
				}
				this.state.change(institution)
					.set(CatalogState.BADGES, key, id)
					.set(CatalogState.IMAGES, key, badge.imageSha256())
					.delete(CatalogState.RETIRED, key)
					.delete(CatalogState.INTENTS, intentField(BADGE, key))
					.write();
				return change.withOutcome("done");
			}
			case RETIRE -> {
				this.state.change(institution)
					.set(CatalogState.RETIRED, key, change.entityId())
					.delete(CatalogState.BADGES, key)
					.write();
				return change.withOutcome("done");
			}
			case DELETE -> {
				OebAnswer answer = OebAnswer.of(() -> this.gateway.deleteBadgeClass(institution,
						badgeId(change.entityId()), apiKey(institution)));
				if (answer.ok() || answer.status() == 404) {
					forgetBadge(institution, key);
					return change.withOutcome("done");
				}
				if (answer.status() == 400) {
					// awarded since the plan read it: OEB refuses, and the badge is retired instead
					this.state.change(institution)
						.set(CatalogState.RETIRED, key, change.entityId())
						.delete(CatalogState.BADGES, key)
						.write();
					return new Change(BADGE, key, Action.RETIRE, change.entityId(), List.of(),
							"OEB refused the delete (" + answer.problem() + "): retired instead", "done");
				}
				return change.withOutcome((answer.ambiguous() ? "unknown: " : "failed: ") + answer.problem());
			}
			case FORGET -> {
				forgetBadge(institution, key);
				return change.withOutcome("done");
			}
			default -> {
				return change;
			}
		}
	}

	private void forgetBadge(String institution, String key) {
		this.state.change(institution)
			.delete(CatalogState.BADGES, key)
			.delete(CatalogState.RETIRED, key)
			.delete(CatalogState.IMAGES, key)
			.write();
	}

	private Change applyPath(DesiredCatalog catalog, Change change) {
		String institution = catalog.institution();
		String key = change.key();
		switch (change.action()) {
			case CREATE, UPDATE -> {
				DesiredPath path = catalog.paths().get(key);
				Map<String, String> ids = this.state.read(institution, CatalogState.BADGES);
				List<String> missing = new ArrayList<>();
				for (String member : concat(path.badges(), path.microDegree())) {
					if (!ids.containsKey(member)) {
						missing.add(member);
					}
				}
				if (!missing.isEmpty()) {
					return change.withOutcome("failed: its badges " + missing + " are not in OEB yet");
				}
				ObjectNode body = pathBody(catalog, path, ids);
				if (change.action() == Action.CREATE) {
					String field = intentField(PATH, key);
					this.state.change(institution)
						.set(CatalogState.INTENTS, field, new Intent(this.clock.instant(), null).value())
						.write();
					OebAnswer answer = OebAnswer.of(() -> this.gateway.createLearningPath(institution, catalog.issuer(),
							apiKey(institution), body.toString()));
					String slug = entityId(answer.body().path("slug"));
					if (answer.ok() && slug != null) {
						this.state.change(institution)
							.set(CatalogState.PATHS, key, slug)
							.delete(CatalogState.ARCHIVED, key)
							.delete(CatalogState.INTENTS, field)
							.write();
						return change.withEntityId(slug).withOutcome("done");
					}
					if (answer.ambiguous() || answer.ok()) {
						return change.withOutcome("unknown: " + answer.problem() + "; OEB may have stored it, so the "
								+ "next apply looks for it before creating");
					}
					this.state.change(institution).delete(CatalogState.INTENTS, field).write();
					return change.withOutcome("failed: " + answer.problem());
				}
				if (!change.fields().isEmpty()) {
					OebAnswer answer = OebAnswer.of(() -> this.gateway.updateLearningPath(institution, catalog.issuer(),
							change.entityId(), apiKey(institution), body.toString()));
					if (!answer.ok()) {
						return change.withOutcome((answer.ambiguous() ? "unknown: " : "failed: ") + answer.problem());
					}
				}
				this.state.change(institution)
					.set(CatalogState.PATHS, key, change.entityId())
					.delete(CatalogState.INTENTS, intentField(PATH, key))
					.write();
				return change.withOutcome("done");
			}
			case DELETE -> {
				OebAnswer answer = OebAnswer.of(() -> this.gateway.deleteLearningPath(institution, catalog.issuer(),
						change.entityId(), apiKey(institution)));
				if (answer.ok() || answer.status() == 404) {
					this.state.change(institution).delete(CatalogState.PATHS, key).write();
					return change.withOutcome("done");
				}
				if (answer.status() == 409) {
					Change archived = archive(catalog, change);
					return new Change(PATH, key, Action.ARCHIVE, change.entityId(), List.of(),
							"OEB refused the delete (" + answer.problem() + "): archived instead", archived.outcome());
				}
				return change.withOutcome((answer.ambiguous() ? "unknown: " : "failed: ") + answer.problem());
			}
			case ARCHIVE -> {
				return archive(catalog, change);
			}
			case FORGET -> {
				this.state.change(institution).delete(CatalogState.PATHS, key).write();
				return change.withOutcome("done");
			}
			default -> {
				return change;
			}
		}
	}

	private Change archive(DesiredCatalog catalog, Change change) {
		String institution = catalog.institution();
		if (change.note() == null || !change.note().contains("archived in OEB already")) {
			OebAnswer answer = OebAnswer.of(() -> this.gateway.archiveLearningPath(institution, catalog.issuer(),
					change.entityId(), apiKey(institution)));
			if (!answer.ok()) {
				return change.withOutcome((answer.ambiguous() ? "unknown: " : "failed: ") + answer.problem());
			}
		}
		this.state.change(institution)
			.set(CatalogState.ARCHIVED, change.key(), change.entityId())
			.delete(CatalogState.PATHS, change.key())
			.write();
		return change.withOutcome("done");
	}

	// ---- comparing

	private List<FieldChange> badgeDiff(DesiredBadge badge, JsonNode actual, String appliedImage) {
		List<FieldChange> changes = new ArrayList<>();
		for (Iterator<Map.Entry<String, JsonNode>> fields = badge.fields().properties().iterator(); fields.hasNext();) {
			Map.Entry<String, JsonNode> field = fields.next();
			JsonNode is = actual.path(field.getKey());
			if (!sameValue(is, field.getValue())) {
				changes.add(new FieldChange(field.getKey(), shown(is), shown(field.getValue())));
			}
		}
		if (!badge.imageSha256().equals(appliedImage)) {
			changes.add(new FieldChange("image", (appliedImage != null) ? "sha256:" + appliedImage : "not known",
					"sha256:" + badge.imageSha256()));
		}
		return changes;
	}

	private ObjectNode pathBody(DesiredCatalog catalog, DesiredPath path, Map<String, String> ids) {
		ObjectNode body = this.json.createObjectNode();
		body.put("name", path.name().trim());
		body.put("description", path.description());
		body.put("issuer_id", catalog.issuer());
		body.put("participationBadge_id", ids.getOrDefault(path.microDegree(), "(new badge " + path.microDegree() + ")"));
		body.put("required_badges_count", path.required());
		body.put("activated", path.activated());
		ArrayNode tags = body.putArray("tags");
		path.tags().stream().map((tag) -> tag.trim().toLowerCase(Locale.ROOT)).forEach(tags::add);
		ArrayNode badges = body.putArray("badges");
		for (int i = 0; i < path.badges().size(); i++) {
			String member = path.badges().get(i);
			ObjectNode entry = badges.addObject();
			entry.putObject("badge").put("slug", ids.getOrDefault(member, "(new badge " + member + ")"));
			entry.put("order", i + 1);
		}
		return body;
	}

	private List<FieldChange> pathDiff(ObjectNode desired, JsonNode actual) {
		List<FieldChange> changes = new ArrayList<>();
		for (String field : List.of("name", "description", "required_badges_count", "activated")) {
			if (!sameValue(actual.path(field), desired.path(field))) {
				changes.add(new FieldChange(field, shown(actual.path(field)), shown(desired.path(field))));
			}
		}
		List<String> wantedTags = strings(desired.path("tags"));
		List<String> tags = new ArrayList<>();
		actual.path("tags").forEach((tag) -> tags.add(tag.isObject() ? text(tag.path("name")) : text(tag)));
		if (!new HashSet<>(tags).equals(new HashSet<>(wantedTags))) {
			changes.add(new FieldChange("tags", tags, wantedTags));
		}
		List<String> wanted = new ArrayList<>();
		desired.path("badges").forEach((entry) -> wanted.add(text(entry.path("badge").path("slug"))));
		List<JsonNode> entries = new ArrayList<>();
		actual.path("badges").forEach(entries::add);
		entries.sort(java.util.Comparator.comparingInt((entry) -> entry.path("order").asInt(0)));
		List<String> members = entries.stream().map((entry) -> text(entry.path("badge").path("slug"))).toList();
		if (!members.equals(wanted)) {
			changes.add(new FieldChange("badges", members, wanted));
		}
		String degree = text(actual.path("participationBadge_id"));
		if (degree == null) {
			degree = text(actual.path("participationBadge").path("slug"));
		}
		String wantedDegree = text(desired.path("participationBadge_id"));
		if (degree != null && !degree.equals(wantedDegree)) {
			changes.add(new FieldChange("participationBadge_id", degree, wantedDegree));
		}
		return changes;
	}

	private static List<FieldChange> createFields(ObjectNode fields) {
		List<FieldChange> changes = new ArrayList<>();
		fields.properties().forEach((field) -> {
			if (!field.getValue().isNull()) {
				changes.add(new FieldChange(field.getKey(), null, shown(field.getValue())));
			}
		});
		return changes;
	}

	/** Equal as OEB would store them: a missing field is null, "" is null, numbers by value, objects by content. */
	static boolean sameValue(JsonNode actual, JsonNode desired) {
		if (absent(actual) || absent(desired)) {
			return absent(actual) && absent(desired) || desired.isArray() && desired.isEmpty() && absent(actual);
		}
		if (actual.isNumber() && desired.isNumber()) {
			return actual.decimalValue().compareTo(desired.decimalValue()) == 0;
		}
		if (actual.isString() && desired.isNumber() || actual.isNumber() && desired.isString()) {
			try {
				return new BigDecimal(actual.asString()).compareTo(new BigDecimal(desired.asString())) == 0;
			}
			catch (NumberFormatException ex) {
				return false;
			}
		}
		if (actual.isObject() && desired.isObject()) {
			Set<String> names = new HashSet<>(actual.propertyNames());
			names.addAll(desired.propertyNames());
			return names.stream().allMatch((name) -> sameValue(actual.path(name), desired.path(name)));
		}
		if (actual.isArray() && desired.isArray()) {
			if (actual.size() != desired.size()) {
				return false;
			}
			for (int i = 0; i < actual.size(); i++) {
				if (!sameValue(actual.get(i), desired.get(i))) {
					return false;
				}
			}
			return true;
		}
		return actual.equals(desired);
	}

	private static boolean absent(JsonNode node) {
		return node == null || node.isMissingNode() || node.isNull() || node.isString() && node.asString().isEmpty();
	}

	private static Object shown(JsonNode node) {
		if (absent(node)) {
			return null;
		}
		if (node.isString()) {
			String text = node.asString();
			return (text.length() > 200) ? text.substring(0, 200) + "…" : text;
		}
		if (node.isNumber()) {
			return node.numberValue();
		}
		if (node.isBoolean()) {
			return node.asBoolean();
		}
		return node;
	}

	private static boolean sameName(String a, String b) {
		return a != null && b != null && a.trim().equalsIgnoreCase(b.trim());
	}

	private static boolean createdAfter(JsonNode createdAt, Instant intent) {
		try {
			return !Instant.parse(createdAt.asString("")).isBefore(intent.minus(CLOCK_SKEW));
		}
		catch (DateTimeParseException ex) {
			return false;
		}
	}

	private static JsonNode find(List<JsonNode> paths, String slug) {
		return paths.stream().filter((path) -> slug.equals(text(path.path("slug")))).findFirst().orElse(null);
	}

	private static List<String> strings(JsonNode array) {
		List<String> values = new ArrayList<>();
		array.forEach((value) -> values.add(text(value)));
		return values;
	}

	private static List<String> concat(List<String> list, String one) {
		List<String> all = new ArrayList<>(list);
		all.add(one);
		return all;
	}

	static String text(JsonNode node) {
		return (node == null || node.isMissingNode() || node.isNull()) ? null : node.asString();
	}

	/**
	 * An id OEB answered, if it is an entityId; anything else is never recorded, so it can never
	 * reach a gateway path later.
	 */
	private static String entityId(JsonNode node) {
		String id = text(node);
		return (id != null && ENTITY_ID.matcher(id).matches()) ? id : null;
	}

	/** An id from Redis or configuration that goes into a gateway path: only an entityId may. */
	private static String badgeId(String id) {
		if (id == null || !ENTITY_ID.matcher(id).matches()) {
			throw new IllegalStateException("'" + id + "' is not an OEB entityId");
		}
		return id;
	}

	private static String intentField(String kind, String key) {
		return kind + ":" + key;
	}

	private static String outcomeTag(String outcome) {
		if (outcome == null) {
			return "none";
		}
		int colon = outcome.indexOf(':');
		return (colon < 0) ? outcome : outcome.substring(0, colon);
	}

	/** What the bridge recorded of the institution's catalog before this plan. */
	private record Known(Map<String, String> badges, Map<String, String> retired, Map<String, String> images,
			Map<String, String> paths, Map<String, String> archived, Map<String, String> intents) {
	}

	/** A create sent at {@code at}, with the image it carried. */
	private record Intent(Instant at, String image) {

		String value() {
			return this.at.toEpochMilli() + ((this.image != null) ? "|" + this.image : "");
		}

		static Intent parse(String value) {
			if (value == null) {
				return null;
			}
			int bar = value.indexOf('|');
			try {
				long millis = Long.parseLong((bar < 0) ? value : value.substring(0, bar));
				return new Intent(Instant.ofEpochMilli(millis), (bar < 0) ? null : value.substring(bar + 1));
			}
			catch (NumberFormatException ex) {
				return new Intent(Instant.EPOCH, null);
			}
		}

	}

	/** OEB's lists, read at most once per plan. */
	private final class Reads {

		private final DesiredCatalog catalog;

		private List<JsonNode> badgeClasses;

		private List<JsonNode> paths;

		private String problem;

		private boolean badgeClassesRead;

		private boolean pathsRead;

		Reads(DesiredCatalog catalog) {
			this.catalog = catalog;
		}

		List<JsonNode> badgeClasses() {
			if (!this.badgeClassesRead) {
				this.badgeClassesRead = true;
				OebAnswer answer = OebAnswer.of(() -> CatalogSync.this.gateway.issuerBadgeClasses(
						this.catalog.institution(), this.catalog.issuer(), apiKey(this.catalog.institution())));
				if (answer.ok()) {
					this.badgeClasses = answer.results();
				}
				else {
					this.problem = answer.problem();
				}
			}
			return this.badgeClasses;
		}

		List<JsonNode> paths() {
			if (!this.pathsRead) {
				this.pathsRead = true;
				OebAnswer answer = OebAnswer.of(() -> CatalogSync.this.gateway.learningPaths(
						this.catalog.institution(), this.catalog.issuer(), apiKey(this.catalog.institution()), "all"));
				if (answer.ok() && answer.body().isArray()) {
					this.paths = answer.results();
				}
				else {
					this.problem = answer.problem();
				}
			}
			return this.paths;
		}

		/** One of the issuer's badge classes, or {@code null} when OEB lists none of that id. */
		JsonNode badgeClass(String id) {
			return badgeClasses().stream().filter((candidate) -> id.equals(text(candidate.path("entityId")))).findFirst()
				.orElse(null);
		}

		String problem() {
			return this.problem;
		}

	}

	/** Another apply of the institution holds its lease. */
	public static final class ApplyRunning extends RuntimeException {

		ApplyRunning(String institution) {
			super("another apply of the catalog of institution '" + institution + "' is running");
		}

	}

	/** No catalog is configured for the institution. */
	public static final class UnknownInstitution extends RuntimeException {

		UnknownInstitution(String institution) {
			super("no catalog is configured for institution '" + institution + "' (bridge.catalog.institutions."
					+ institution + ")");
		}

	}

}

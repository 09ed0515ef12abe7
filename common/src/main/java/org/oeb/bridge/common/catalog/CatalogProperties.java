package org.oeb.bridge.common.catalog;

import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The badge catalog per institution: badge classes and learning paths by stable keys.
 *
 * @param institutions by institution id (the same id as in {@code bridge.awards.institutions})
 * @param settleTime how long after a create whose answer was lost the next apply waits before it
 * looks the badge up in OEB (OEB may still be storing it)
 * @param leaseTimeout how long an apply's lease on an institution outlives a replica that stopped
 * renewing it (it is renewed every third of it while the apply runs)
 * @param maxImageSize the largest badge image (OEB's UI takes up to 2 MB; its server takes 10 MB
 * per request, and an image travels base64-encoded)
 * @param extensionContext where OEB's extension contexts live, as OEB's UI sends them
 * @param redisKeyPrefix prefix of the catalog's Redis keys (default: the award ledger's); two
 * connectors that serve one institution share it, so they share one record of its badges
 */
@Validated
@ConfigurationProperties(prefix = "bridge.catalog", ignoreUnknownFields = false)
public record CatalogProperties(Map<String, InstitutionCatalog> institutions,
		@DefaultValue("2m") @NotNull Duration settleTime, @DefaultValue("2m") @NotNull Duration leaseTimeout,
		@DefaultValue("2MB") @NotNull DataSize maxImageSize,
		@DefaultValue("https://api.openbadges.education/static/extensions/") @NotNull URI extensionContext,
		String redisKeyPrefix) {

	static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

	private static final Pattern ENTITY_ID = Pattern.compile("[A-Za-z0-9_-]{22}");

	private static final Pattern ESCO = Pattern.compile(
			"http://data\\.europa\\.eu/esco/(skill|occupation)/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

	private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2}");

	private static final Set<String> LEVELS = Set.of("a1", "a2", "b1", "b2", "c1", "c2");

	private static final long OEB_REQUEST_LIMIT = 10L * 1024 * 1024;

	public CatalogProperties {
		institutions = (institutions != null) ? Map.copyOf(institutions) : Map.of();
		if (settleTime.isNegative()) {
			throw new IllegalArgumentException("bridge.catalog.settle-time must not be negative");
		}
		if (leaseTimeout.compareTo(Duration.ofSeconds(10)) < 0) {
			throw new IllegalArgumentException("bridge.catalog.lease-timeout must be at least 10s");
		}
		// base64 grows an image by a third, and the rest of the badge class travels with it
		if (maxImageSize.toBytes() <= 0 || maxImageSize.toBytes() * 4 / 3 + 64 * 1024 > OEB_REQUEST_LIMIT) {
			throw new IllegalArgumentException("bridge.catalog.max-image-size must be positive and at most 7MB: "
					+ "OEB takes requests of up to 10 MB, and an image is sent base64-encoded");
		}
		if (!"https".equals(extensionContext.getScheme()) && !"http".equals(extensionContext.getScheme())) {
			throw new IllegalArgumentException("bridge.catalog.extension-context must be an http(s) URL");
		}
		institutions.forEach(CatalogProperties::validate);
	}

	private static void validate(String institution, InstitutionCatalog catalog) {
		String where = "bridge.catalog.institutions." + institution;
		if (catalog == null) {
			throw new IllegalArgumentException(where + ": is empty");
		}
		if (catalog.issuer() == null || !ENTITY_ID.matcher(catalog.issuer()).matches()) {
			throw new IllegalArgumentException(where + ".issuer: must be the 22-character OEB entityId of the "
					+ "institution's issuer (got '" + catalog.issuer() + "')");
		}
		Map<String, String> names = new LinkedHashMap<>();
		Set<String> adopted = new HashSet<>();
		catalog.badges().forEach((key, badge) -> {
			String at = where + ".badges." + key;
			requireKey(at, key);
			validateBadge(at, badge);
			String previous = names.put(badge.name().trim().toLowerCase(Locale.ROOT), key);
			if (previous != null) {
				throw new IllegalArgumentException(at + ".name: '" + badge.name() + "' is also the name of badge '"
						+ previous + "'; names must be unique within an institution's catalog");
			}
			if (badge.entityId() != null && !adopted.add(badge.entityId())) {
				throw new IllegalArgumentException(at + ".entity-id: " + badge.entityId()
						+ " is adopted by another badge too");
			}
		});
		Set<String> pathNames = new HashSet<>();
		Map<String, String> degrees = new LinkedHashMap<>();
		catalog.learningPaths().forEach((key, path) -> {
			String at = where + ".learning-paths." + key;
			requireKey(at, key);
			validatePath(at, path, catalog.badges());
			if (!pathNames.add(path.name().trim().toLowerCase(Locale.ROOT))) {
				throw new IllegalArgumentException(at + ".name: '" + path.name()
						+ "' is the name of another learning path too");
			}
			String other = degrees.put(path.microDegree(), key);
			if (other != null) {
				throw new IllegalArgumentException(at + ".micro-degree: '" + path.microDegree()
						+ "' is the micro degree of learning path '" + other + "' already");
			}
		});
		catalog.badges().forEach((key, badge) -> {
			if (badge.category() == Category.MICRO_DEGREE && !degrees.containsKey(key)
					&& badge.studyLoadMinutes() == null) {
				throw new IllegalArgumentException(where + ".badges." + key + ".study-load-minutes: is required for "
						+ "a micro-degree badge that no learning path names (otherwise it is the sum of the path's "
						+ "badges)");
			}
		});
	}

	private static void requireKey(String at, String key) {
		if (!KEY.matcher(key).matches()) {
			throw new IllegalArgumentException(at + ": a key must be 1-63 lower-case letters, digits and '-'; it "
					+ "is how the bridge recognises the badge across renames, so keep it stable");
		}
	}

	private static void validateBadge(String at, Badge badge) {
		if (badge == null) {
			throw new IllegalArgumentException(at + ": is empty");
		}
		if (badge.category() == null) {
			throw new IllegalArgumentException(at + ".category: must be participation, competency or micro-degree");
		}
		requireText(at + ".name", badge.name(), 255);
		requireText(at + ".description", badge.description(), 16_384);
		if (badge.language() == null || !LANGUAGE.matcher(badge.language()).matches()) {
			throw new IllegalArgumentException(at + ".language: must be a two-letter ISO 639-1 code such as 'de' "
					+ "or 'en' (got '" + badge.language() + "')");
		}
		if (badge.image() == null || badge.image().isBlank()) {
			throw new IllegalArgumentException(at + ".image: a PNG or SVG file is required (OEB refuses a badge "
					+ "class without an image)");
		}
		boolean narrative = badge.criteriaNarrative() != null && !badge.criteriaNarrative().isBlank();
		if (!narrative && badge.criteriaUrl() == null) {
			throw new IllegalArgumentException(at + ": criteria-narrative or criteria-url is required");
		}
		requireHttpUrl(at + ".criteria-url", badge.criteriaUrl());
		requireHttpUrl(at + ".course-url", badge.courseUrl());
		if (badge.studyLoadMinutes() != null && badge.studyLoadMinutes() <= 0) {
			throw new IllegalArgumentException(at + ".study-load-minutes: must be positive (minutes)");
		}
		if (badge.studyLoadMinutes() == null && badge.category() != Category.MICRO_DEGREE) {
			throw new IllegalArgumentException(at + ".study-load-minutes: is required for a " + badge.category().label()
					+ " badge (the workload in minutes, as OEB's UI asks for it)");
		}
		if (badge.expirationDays() != null && (badge.expirationDays() < 1 || badge.expirationDays() > 36_500)) {
			throw new IllegalArgumentException(at + ".expiration-days: must be 1 to 36500 days");
		}
		if (badge.level() != null && badge.category() == Category.MICRO_DEGREE) {
			throw new IllegalArgumentException(at + ".level: a micro-degree badge has no level");
		}
		if (badge.level() != null && !LEVELS.contains(badge.level())) {
			throw new IllegalArgumentException(at + ".level: must be one of a1, a2, b1, b2, c1, c2 (got '"
					+ badge.level() + "')");
		}
		if (badge.license() != null && !License.IDS.containsKey(badge.license())) {
			throw new IllegalArgumentException(at + ".license: must be one of " + License.IDS.keySet() + " (got '"
					+ badge.license() + "')");
		}
		if (badge.entityId() != null && !ENTITY_ID.matcher(badge.entityId()).matches()) {
			throw new IllegalArgumentException(at + ".entity-id: must be a 22-character OEB entityId (got '"
					+ badge.entityId() + "')");
		}
		for (int i = 0; i < badge.tags().size(); i++) {
			requireText(at + ".tags[" + i + "]", badge.tags().get(i), 255);
		}
		if (badge.category() != Category.COMPETENCY && !badge.competencies().isEmpty()) {
			throw new IllegalArgumentException(at + ".competencies: only a competency badge lists competencies");
		}
		if (badge.category() == Category.COMPETENCY && badge.competencies().isEmpty()) {
			throw new IllegalArgumentException(at + ".competencies: a competency badge needs at least one");
		}
		for (int i = 0; i < badge.competencies().size(); i++) {
			String c = at + ".competencies[" + i + "]";
			Competency competency = badge.competencies().get(i);
			if (competency == null) {
				throw new IllegalArgumentException(c + ": is empty");
			}
			if (competency.esco() == null || !ESCO.matcher(competency.esco()).matches()) {
				throw new IllegalArgumentException(c + ".esco: must be an ESCO URI such as "
						+ "http://data.europa.eu/esco/skill/<uuid> or http://data.europa.eu/esco/occupation/<uuid> "
						+ "(got '" + competency.esco() + "')");
			}
			requireText(c + ".name", competency.name(), 1024);
			if (competency.minutes() == null || competency.minutes() <= 0) {
				throw new IllegalArgumentException(c + ".minutes: must be positive (the study load in minutes)");
			}
			if (competency.minutes() > badge.studyLoadMinutes()) {
				throw new IllegalArgumentException(c + ".minutes: " + competency.minutes()
						+ " is more than the badge's study-load-minutes (" + badge.studyLoadMinutes() + ")");
			}
			if (!"skill".equals(competency.category()) && !"knowledge".equals(competency.category())) {
				throw new IllegalArgumentException(c + ".category: must be 'skill' or 'knowledge' (got '"
						+ competency.category() + "')");
			}
		}
	}

	private static void validatePath(String at, LearningPath path, Map<String, Badge> badges) {
		if (path == null) {
			throw new IllegalArgumentException(at + ": is empty");
		}
		requireText(at + ".name", path.name(), 255);
		requireText(at + ".description", path.description(), 100_000);
		if (path.badges().size() < 2) {
			throw new IllegalArgumentException(at + ".badges: a learning path lists at least two badges by catalog "
					+ "key");
		}
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < path.badges().size(); i++) {
			String key = path.badges().get(i);
			Badge badge = badges.get(key);
			if (badge == null) {
				throw new IllegalArgumentException(at + ".badges[" + i + "]: '" + key
						+ "' is not a badge of this institution's catalog");
			}
			if (badge.category() == Category.MICRO_DEGREE) {
				throw new IllegalArgumentException(at + ".badges[" + i + "]: '" + key
						+ "' is a micro-degree badge; a path is made of participation and competency badges");
			}
			if (!seen.add(key)) {
				throw new IllegalArgumentException(at + ".badges[" + i + "]: '" + key + "' is listed twice");
			}
		}
		int required = (path.required() != null) ? path.required() : path.badges().size();
		if (required < 2 || required > path.badges().size()) {
			throw new IllegalArgumentException(at + ".required: must be 2 to " + path.badges().size()
					+ " (the number of its badges)");
		}
		Badge degree = (path.microDegree() != null) ? badges.get(path.microDegree()) : null;
		if (degree == null || degree.category() != Category.MICRO_DEGREE) {
			throw new IllegalArgumentException(at + ".micro-degree: must name a badge of category micro-degree in "
					+ "this catalog (got '" + path.microDegree() + "')");
		}
		for (int i = 0; i < path.tags().size(); i++) {
			requireText(at + ".tags[" + i + "]", path.tags().get(i), 255);
		}
	}

	private static void requireText(String at, String value, int max) {
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException(at + ": is required");
		}
		if (value.length() > max) {
			throw new IllegalArgumentException(at + ": is longer than " + max + " characters");
		}
	}

	private static void requireHttpUrl(String at, URI url) {
		if (url != null && (!"https".equals(url.getScheme()) && !"http".equals(url.getScheme())
				|| url.getHost() == null)) {
			throw new IllegalArgumentException(at + ": must be an http(s) URL (got '" + url + "')");
		}
	}

	/**
	 * One institution's catalog.
	 *
	 * @param issuer the institution's OEB issuer entityId
	 * @param badges by stable key
	 * @param learningPaths micro degrees by stable key
	 */
	public record InstitutionCatalog(String issuer, Map<String, Badge> badges, Map<String, LearningPath> learningPaths) {

		public InstitutionCatalog {
			badges = (badges != null) ? java.util.Collections.unmodifiableMap(new LinkedHashMap<>(badges)) : Map.of();
			learningPaths = (learningPaths != null)
					? java.util.Collections.unmodifiableMap(new LinkedHashMap<>(learningPaths)) : Map.of();
		}

	}

	/**
	 * One badge class.
	 *
	 * @param category participation, competency or micro-degree
	 * @param name shown to learners; unique within the catalog
	 * @param description what the badge stands for
	 * @param language two-letter ISO 639-1 code
	 * @param image a PNG or SVG file ({@code file:…}, {@code classpath:…} or a plain path)
	 * @param criteriaNarrative what a learner did to earn it
	 * @param criteriaUrl where the criteria are described
	 * @param courseUrl the course
	 * @param studyLoadMinutes total workload in minutes
	 * @param competencies ESCO competencies of a competency badge
	 * @param level a1 to c2 (default a1, as OEB's UI sends it; none for a micro degree)
	 * @param license a Creative Commons licence id (default CC-0, as OEB's UI sends it)
	 * @param expirationDays assertions expire this many days after issue
	 * @param tags search tags
	 * @param entityId an existing OEB badge class this key takes over (instead of creating one)
	 */
	public record Badge(Category category, String name, String description, String language, String image,
			String criteriaNarrative, URI criteriaUrl, URI courseUrl, Integer studyLoadMinutes,
			List<Competency> competencies, String level, String license, Integer expirationDays, List<String> tags,
			String entityId) {

		public Badge {
			competencies = (competencies != null) ? List.copyOf(competencies) : List.of();
			tags = (tags != null) ? List.copyOf(tags) : List.of();
		}

	}

	/**
	 * One ESCO competency of a competency badge.
	 *
	 * @param esco the ESCO concept URI
	 * @param name its name
	 * @param description what it means here
	 * @param minutes study load in minutes
	 * @param category {@code skill} or {@code knowledge}
	 */
	public record Competency(String esco, String name, String description, Integer minutes, String category) {
	}

	/**
	 * One learning path (micro degree).
	 *
	 * @param name shown to learners
	 * @param description what it stands for
	 * @param badges its badges by catalog key, in order
	 * @param required how many of them earn the micro degree (default: all)
	 * @param microDegree the catalog key of its micro-degree badge
	 * @param activated whether OEB awards it (activating one awards it retroactively)
	 * @param tags search tags
	 */
	public record LearningPath(String name, String description, List<String> badges, Integer required,
			String microDegree, @DefaultValue("true") boolean activated, List<String> tags) {

		public LearningPath {
			badges = (badges != null) ? List.copyOf(badges) : List.of();
			tags = (tags != null) ? List.copyOf(tags) : List.of();
		}

		int requiredCount() {
			return (this.required != null) ? this.required : this.badges.size();
		}

	}

	/** The badge categories, with the name OEB's CategoryExtension gives each. */
	public enum Category {

		PARTICIPATION("participation"), COMPETENCY("competency"), MICRO_DEGREE("learningpath");

		private final String oebName;

		Category(String oebName) {
			this.oebName = oebName;
		}

		String oebName() {
			return this.oebName;
		}

		String label() {
			return name().toLowerCase(Locale.ROOT).replace('_', '-');
		}

	}

}

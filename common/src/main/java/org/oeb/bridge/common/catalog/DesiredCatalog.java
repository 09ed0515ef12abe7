package org.oeb.bridge.common.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * One institution's catalog as OEB should hold it: each badge class as the v2 fields OEB's own
 * UI would send (its extension objects built the same way), with its image read and checked, and
 * each learning path by the keys of its badges.
 */
record DesiredCatalog(String institution, String issuer, Map<String, DesiredBadge> badges,
		Map<String, DesiredPath> paths) {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final byte[] PNG = { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

	/** Compiles every institution's catalog; a file that is missing, too big or not an image fails start-up. */
	static Map<String, DesiredCatalog> compile(CatalogProperties properties, ResourceLoader loader) {
		Map<String, DesiredCatalog> all = new LinkedHashMap<>();
		properties.institutions().forEach((institution, catalog) -> {
			Map<String, DesiredBadge> badges = new LinkedHashMap<>();
			catalog.badges().forEach((key, badge) -> {
				String at = "bridge.catalog.institutions." + institution + ".badges." + key;
				Image image = readImage(at + ".image", badge.image(), properties.maxImageSize().toBytes(), loader);
				badges.put(key, new DesiredBadge(key, badge.category(), badge.name(),
						fields(badge, studyLoad(key, badge, catalog), properties.extensionContext().toString()),
						image.dataUri(), image.sha256(), badge.entityId()));
			});
			Map<String, DesiredPath> paths = new LinkedHashMap<>();
			catalog.learningPaths().forEach((key, path) -> paths.put(key, new DesiredPath(key, path.name(),
					path.description(), path.badges(), path.requiredCount(), path.microDegree(), path.activated(),
					path.tags())));
			all.put(institution, new DesiredCatalog(institution, catalog.issuer(), Map.copyOf(badges), Map.copyOf(paths)));
		});
		return Map.copyOf(all);
	}

	static Map<String, DesiredCatalog> compile(CatalogProperties properties) {
		return compile(properties, new DefaultResourceLoader());
	}

	/** The v2 fields of a badge class, without its image. */
	static ObjectNode fields(CatalogProperties.Badge badge, int studyLoad, String contextBase) {
		ObjectNode fields = JSON.createObjectNode();
		fields.put("name", badge.name().trim());
		fields.put("description", badge.description());
		fields.put("language", badge.language());
		fields.put("criteriaNarrative", blankToNull(badge.criteriaNarrative()));
		fields.put("criteriaUrl", (badge.criteriaUrl() != null) ? badge.criteriaUrl().toString() : null);
		fields.put("course_url", (badge.courseUrl() != null) ? badge.courseUrl().toString() : null);
		ArrayNode tags = fields.putArray("tags");
		badge.tags().stream().map((tag) -> tag.trim().toLowerCase(Locale.ROOT)).forEach(tags::add);
		if (badge.expirationDays() != null) {
			fields.put("expiration", badge.expirationDays());
		}
		else {
			fields.putNull("expiration");
		}
		ObjectNode extensions = fields.putObject("extensions");
		extension(extensions, contextBase, "CategoryExtension").put("Category", badge.category().oebName());
		extension(extensions, contextBase, "StudyLoadExtension").put("StudyLoad", studyLoad);
		// OEB's UI sends an empty list for participation badges and micro degrees
		ArrayNode competencies = extensions.putArray("extensions:CompetencyExtension");
		for (CatalogProperties.Competency competency : badge.competencies()) {
			ObjectNode item = competencies.addObject();
			item.put("@context", contextBase + "CompetencyExtension/context.json");
			item.putArray("type").add("Extension").add("extensions:CompetencyExtension");
			item.put("name", competency.name());
			item.put("description", (competency.description() != null) ? competency.description() : "");
			item.put("framework", "esco");
			item.put("framework_identifier", competency.esco());
			item.put("source", "manual");
			item.put("studyLoad", competency.minutes());
			item.put("hours", competency.minutes() / 60);
			item.put("minutes", competency.minutes() % 60);
			item.put("category", competency.category());
		}
		if (badge.category() != CatalogProperties.Category.MICRO_DEGREE) {
			// a new badge, not a copy: OEB's UI sends empty provenance
			extension(extensions, contextBase, "BasedOnExtension").putObject("BasedOn").put("slug", "")
				.put("issuerSlug", "");
			extension(extensions, contextBase, "LevelExtension").put("Level",
					(badge.level() != null) ? badge.level() : "a1");
		}
		License license = License.IDS.get((badge.license() != null) ? badge.license() : "CC-0");
		extension(extensions, contextBase, "LicenseExtension").put("id", license.id())
			.put("name", license.name())
			.put("legalCode", license.legalCode());
		return fields;
	}

	/** The badge's own study load; a micro degree's is the sum of its path's badges, as OEB's UI computes it. */
	private static int studyLoad(String key, CatalogProperties.Badge badge, CatalogProperties.InstitutionCatalog catalog) {
		if (badge.studyLoadMinutes() != null) {
			return badge.studyLoadMinutes();
		}
		return catalog.learningPaths()
			.values()
			.stream()
			.filter((path) -> key.equals(path.microDegree()))
			.flatMap((path) -> path.badges().stream())
			.mapToInt((member) -> catalog.badges().get(member).studyLoadMinutes())
			.sum();
	}

	private static ObjectNode extension(ObjectNode extensions, String contextBase, String name) {
		ObjectNode extension = extensions.putObject("extensions:" + name);
		extension.put("@context", contextBase + name + "/context.json");
		extension.putArray("type").add("Extension").add("extensions:" + name);
		return extension;
	}

	private static String blankToNull(String value) {
		return (value == null || value.isBlank()) ? null : value;
	}

	private static Image readImage(String at, String location, long maxBytes, ResourceLoader loader) {
		String normalized = location.contains(":") && !location.matches("[A-Za-z]:[\\\\/].*") ? location
				: "file:" + location;
		Resource resource = loader.getResource(normalized);
		if (!resource.exists() || !resource.isReadable()) {
			throw new IllegalArgumentException(at + ": no readable file at '" + location + "'");
		}
		byte[] bytes;
		try (InputStream in = resource.getInputStream()) {
			bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
		}
		catch (IOException ex) {
			throw new IllegalArgumentException(at + ": cannot read '" + location + "': " + ex.getMessage(), ex);
		}
		if (bytes.length > maxBytes) {
			throw new IllegalArgumentException(at + ": '" + location + "' is larger than bridge.catalog.max-image-size ("
					+ maxBytes + " bytes); OEB takes at most 10 MB per request, base64-encoded");
		}
		String type;
		if (startsWith(bytes, PNG)) {
			type = "image/png";
		}
		else if (isSvg(bytes)) {
			type = "image/svg+xml";
		}
		else {
			throw new IllegalArgumentException(at + ": '" + location + "' is neither a PNG nor an SVG image");
		}
		return new Image("data:" + type + ";base64," + Base64.getEncoder().encodeToString(bytes), sha256(bytes));
	}

	private static boolean startsWith(byte[] bytes, byte[] prefix) {
		if (bytes.length < prefix.length) {
			return false;
		}
		for (int i = 0; i < prefix.length; i++) {
			if (bytes[i] != prefix[i]) {
				return false;
			}
		}
		return true;
	}

	private static boolean isSvg(byte[] bytes) {
		String head = new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.UTF_8)
			.replace("\uFEFF", "")
			.stripLeading()
			.toLowerCase(Locale.ROOT);
		return (head.startsWith("<?xml") || head.startsWith("<svg") || head.startsWith("<!--")
				|| head.startsWith("<!doctype svg")) && head.contains("<svg");
	}

	static String sha256(byte[] bytes) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private record Image(String dataUri, String sha256) {
	}

	/** One badge class as OEB should hold it. */
	record DesiredBadge(String key, CatalogProperties.Category category, String name, ObjectNode fields,
			String imageDataUri, String imageSha256, String adoptedEntityId) {
	}

	/** One learning path, its badges by catalog key. */
	record DesiredPath(String key, String name, String description, List<String> badges, int required,
			String microDegree, boolean activated, List<String> tags) {
	}

}

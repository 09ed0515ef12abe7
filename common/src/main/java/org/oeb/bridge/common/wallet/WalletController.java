package org.oeb.bridge.common.wallet;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The wallet API for the LMS and other campus systems: a learner's badges, competencies and
 * learning-path progress as JSON, and single-use URLs of OEB's own pages to embed. Each
 * institution's wallets are readable only with a key of that institution.
 */
@RestController
@Tag(name = "Wallets", description = "Learners' badges from one institution, for the LMS and campus systems")
@SecurityRequirement(name = "institutionKey")
@SecurityScheme(name = "institutionKey", type = SecuritySchemeType.HTTP, scheme = "bearer",
		description = "A key of the institution (bridge.wallet.clients.<institution>.key-sha256 holds its SHA-256)")
class WalletController {

	private static final Logger logger = LoggerFactory.getLogger(WalletController.class);

	private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

	private static final Set<String> VIEWS = Set.of("badges", "competencies", "learningpaths");

	private static final Set<String> LANGUAGES = Set.of("de", "en");

	private final Wallets wallets;

	private final WalletApiKeys keys;

	WalletController(Wallets wallets, WalletApiKeys keys) {
		this.wallets = wallets;
		this.keys = keys;
	}

	@GetMapping(path = "/api/wallets/{institution}/learners/{userId}", produces = "application/json")
	@Operation(summary = "A learner's wallet",
			description = "The badges this institution issued to the learner (also those OEB awarded on its own, such "
					+ "as micro degrees), whether revoked or expired, their competencies with minutes summed, and "
					+ "their progress on the institution's learning paths.",
			responses = { @ApiResponse(responseCode = "200", description = "the wallet"),
					@ApiResponse(responseCode = "400", description = "invalid_user_id"),
					@ApiResponse(responseCode = "401", description = "missing_api_key or unknown_api_key"),
					@ApiResponse(responseCode = "403", description = "the key belongs to another institution") })
	ResponseEntity<?> wallet(@PathVariable String institution, @PathVariable String userId,
			@Parameter(in = ParameterIn.HEADER, description = "Bearer <institution key>") @RequestHeader(
					name = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
		ResponseEntity<Map<String, String>> refused = refuse(institution, userId, authorization);
		if (refused != null) {
			return refused;
		}
		return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(this.wallets.of(institution, userId));
	}

	@PostMapping(path = "/api/wallets/{institution}/learners/{userId}/embeds/{view}", produces = "application/json")
	@Operation(summary = "A single-use URL of OEB's page for the learner",
			description = "OEB's page of the learner's badges, competencies or learning paths (only what this "
					+ "institution issued), to show in an iframe. The URL works once and for at most 24 hours; it is "
					+ "never cached and never logged.",
			responses = { @ApiResponse(responseCode = "200", description = "{\"url\": \"…\"}"),
					@ApiResponse(responseCode = "400", description = "invalid_user_id, unknown_view or unknown_language"),
					@ApiResponse(responseCode = "401", description = "missing_api_key or unknown_api_key"),
					@ApiResponse(responseCode = "403", description = "the key belongs to another institution"),
					@ApiResponse(responseCode = "404", description = "learner_unknown: the bridge has no e-mail for them"),
					@ApiResponse(responseCode = "502", description = "oeb_unavailable") })
	ResponseEntity<Map<String, String>> embed(@PathVariable String institution, @PathVariable String userId,
			@PathVariable String view, @RequestParam(name = "lang", required = false) String language,
			@Parameter(in = ParameterIn.HEADER, description = "Bearer <institution key>") @RequestHeader(
					name = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
		ResponseEntity<Map<String, String>> refused = refuse(institution, userId, authorization);
		if (refused != null) {
			return refused;
		}
		if (!VIEWS.contains(view)) {
			return error(400, "unknown_view", "view must be one of " + VIEWS);
		}
		if (language != null && !LANGUAGES.contains(language)) {
			return error(400, "unknown_language", "lang must be 'de' or 'en'");
		}
		Optional<String> url;
		try {
			url = this.wallets.embedUrl(institution, userId, view, language);
		}
		catch (OebReads.OebReadException ex) {
			logger.warn("OEB gave no embed URL for institution '{}': {}", institution, ex.getMessage());
			return error(502, "oeb_unavailable", "OEB did not give an embed URL; try again later");
		}
		if (url.isEmpty()) {
			return error(404, "learner_unknown", "the bridge has no e-mail for this learner yet");
		}
		return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(Map.of("url", url.get()));
	}

	private ResponseEntity<Map<String, String>> refuse(String institution, String userId, String authorization) {
		String key = bearer(authorization);
		if (key == null) {
			return error(401, "missing_api_key", "send the institution's key as 'Authorization: Bearer <key>'");
		}
		Optional<String> owner = this.keys.institutionOf(key);
		if (owner.isEmpty()) {
			return error(401, "unknown_api_key", "the key is not known");
		}
		if (!owner.get().equals(institution) || !this.wallets.knowsInstitution(institution)) {
			return error(403, "wrong_institution", "the key does not belong to this institution");
		}
		if (!USER_ID.matcher(userId).matches()) {
			return error(400, "invalid_user_id", "the user id must be 1-64 letters, digits, '_' or '-'");
		}
		return null;
	}

	private static String bearer(String authorization) {
		if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return null;
		}
		String key = authorization.substring(7).trim();
		return key.isEmpty() ? null : key;
	}

	private static ResponseEntity<Map<String, String>> error(int status, String code, String message) {
		return ResponseEntity.status(status)
			.cacheControl(CacheControl.noStore())
			.body(Map.of("error", code, "message", message));
	}

}

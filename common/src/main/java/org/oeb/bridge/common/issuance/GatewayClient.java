package org.oeb.bridge.common.issuance;

import java.util.Map;

import feign.Response;

import org.springframework.cloud.openfeign.FeignClient;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The gateway's OEB routes the pipeline uses. Answers come back raw ({@link Response}) so
 * that every status is classified in one place ({@link OebIssuer}).
 */
@FeignClient(name = "oeb-gateway", url = "${bridge.issuance.gateway-url}",
		configuration = GatewayClientConfiguration.class)
public interface GatewayClient {

	@PostMapping(path = "/oeb/{institution}/v2/badgeclasses/{badgeClass}/assertions",
			consumes = "application/json", produces = "application/json")
	Response issue(@PathVariable("institution") String institution, @PathVariable("badgeClass") String badgeClass,
			@RequestHeader("X-Api-Key") String apiKey, @RequestBody String body);

	@GetMapping(path = "/oeb/{institution}/v2/badgeclasses/{badgeClass}/assertions", produces = "application/json")
	Response findAwards(@PathVariable("institution") String institution,
			@PathVariable("badgeClass") String badgeClass, @RequestHeader("X-Api-Key") String apiKey,
			@RequestParam("recipient") String recipient, @RequestParam("include_revoked") boolean includeRevoked,
			@RequestParam("include_expired") boolean includeExpired);

	/**
	 * One page of an OEB change feed ({@code assertions} or {@code badgeclasses}); the query is
	 * {@code since} and {@code num}, or the one of the page OEB named next.
	 */
	@GetMapping(path = "/oeb/{institution}/v2/{feed}/changed", produces = "application/json")
	Response changed(@PathVariable("institution") String institution, @PathVariable("feed") String feed,
			@RequestHeader("X-Api-Key") String apiKey, @RequestParam Map<String, String> query);

	@GetMapping(path = "/oeb/{institution}/v2/badgeclasses/{badgeClass}", produces = "application/json")
	Response badgeClass(@PathVariable("institution") String institution,
			@PathVariable("badgeClass") String badgeClass, @RequestHeader("X-Api-Key") String apiKey);

	@GetMapping(path = "/oeb/{institution}/v1/issuer/issuers/{issuer}/learningpath", produces = "application/json")
	Response learningPaths(@PathVariable("institution") String institution, @PathVariable("issuer") String issuer,
			@RequestHeader("X-Api-Key") String apiKey);

	/** A single-use URL of OEB's page showing a learner's badges, competencies or learning paths. */
	@PostMapping(path = "/oeb/{institution}/v3/issuer/learners-{view}/", consumes = "application/json",
			produces = "application/json")
	Response embed(@PathVariable("institution") String institution, @PathVariable("view") String view,
			@RequestHeader("X-Api-Key") String apiKey, @RequestBody String body);

	/** Revokes an assertion; OEB wants the reason as {@code {"revocation_reason": "…"}}. */
	@DeleteMapping(path = "/oeb/{institution}/v2/assertions/{assertion}", consumes = "application/json",
			produces = "application/json")
	Response revoke(@PathVariable("institution") String institution, @PathVariable("assertion") String assertion,
			@RequestHeader("X-Api-Key") String apiKey, @RequestBody String body);

	/** The issuer's badge classes (operation {@code sync}). */
	@GetMapping(path = "/oeb/{institution}/v2/issuers/{issuer}/badgeclasses", produces = "application/json")
	Response issuerBadgeClasses(@PathVariable("institution") String institution,
			@PathVariable("issuer") String issuer, @RequestHeader("X-Api-Key") String apiKey);

	/** Up to {@code num} active (not revoked, not expired) assertions of a badge class. */
	@GetMapping(path = "/oeb/{institution}/v2/badgeclasses/{badgeClass}/assertions", produces = "application/json")
	Response activeAwards(@PathVariable("institution") String institution,
			@PathVariable("badgeClass") String badgeClass, @RequestHeader("X-Api-Key") String apiKey,
			@RequestParam("num") int num);

	/** Creates a badge class of the issuer (operation {@code manage}). */
	@PostMapping(path = "/oeb/{institution}/v2/issuers/{issuer}/badgeclasses", consumes = "application/json",
			produces = "application/json")
	Response createBadgeClass(@PathVariable("institution") String institution, @PathVariable("issuer") String issuer,
			@RequestHeader("X-Api-Key") String apiKey, @RequestBody String body);

	@PutMapping(path = "/oeb/{institution}/v2/badgeclasses/{badgeClass}", consumes = "application/json",
			produces = "application/json")
	Response updateBadgeClass(@PathVariable("institution") String institution,
			@PathVariable("badgeClass") String badgeClass, @RequestHeader("X-Api-Key") String apiKey,
			@RequestBody String body);

	@DeleteMapping(path = "/oeb/{institution}/v2/badgeclasses/{badgeClass}", produces = "application/json")
	Response deleteBadgeClass(@PathVariable("institution") String institution,
			@PathVariable("badgeClass") String badgeClass, @RequestHeader("X-Api-Key") String apiKey);

	/** All the issuer's learning paths, archived ones included. */
	@GetMapping(path = "/oeb/{institution}/v1/issuer/issuers/{issuer}/learningpath", produces = "application/json")
	Response learningPaths(@PathVariable("institution") String institution, @PathVariable("issuer") String issuer,
			@RequestHeader("X-Api-Key") String apiKey, @RequestParam("archived") String archived);

	@PostMapping(path = "/oeb/{institution}/v1/issuer/issuers/{issuer}/learningpath", consumes = "application/json",
			produces = "application/json")
	Response createLearningPath(@PathVariable("institution") String institution,
			@PathVariable("issuer") String issuer, @RequestHeader("X-Api-Key") String apiKey,
			@RequestBody String body);

	@PutMapping(path = "/oeb/{institution}/v1/issuer/issuers/{issuer}/learningpath/{path}",
			consumes = "application/json", produces = "application/json")
	Response updateLearningPath(@PathVariable("institution") String institution,
			@PathVariable("issuer") String issuer, @PathVariable("path") String path,
			@RequestHeader("X-Api-Key") String apiKey, @RequestBody String body);

	@DeleteMapping(path = "/oeb/{institution}/v1/issuer/issuers/{issuer}/learningpath/{path}",
			produces = "application/json")
	Response deleteLearningPath(@PathVariable("institution") String institution,
			@PathVariable("issuer") String issuer, @PathVariable("path") String path,
			@RequestHeader("X-Api-Key") String apiKey);

	@PostMapping(path = "/oeb/{institution}/v1/issuer/issuers/{issuer}/learningpath/{path}/archive",
			produces = "application/json")
	Response archiveLearningPath(@PathVariable("institution") String institution,
			@PathVariable("issuer") String issuer, @PathVariable("path") String path,
			@RequestHeader("X-Api-Key") String apiKey);

}

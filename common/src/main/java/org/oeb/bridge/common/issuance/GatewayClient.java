package org.oeb.bridge.common.issuance;

import java.util.Map;

import feign.Response;

import org.springframework.cloud.openfeign.FeignClient;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
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

}

package org.oeb.bridge.common.issuance;

import feign.Response;

import org.springframework.cloud.openfeign.FeignClient;
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

}

package org.oeb.bridge.common.batches;

import java.util.Map;

import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /actuator/batches/{institution}/{batch}/recipients} on the management port, under
 * the batches endpoint's operator security: a JSON body with a {@code recipients} array (which
 * actuator's own body reading cannot take), or the CSV file itself as {@code text/csv} with the
 * other fields as query parameters. The path is one level deeper than any of the endpoint's
 * own, which answer every other method on theirs.
 */
@RestController
class BatchRecipientsController {

	private static final String PATH = "${management.endpoints.web.base-path:/actuator}/batches/{institution}/{batch}/recipients";

	private final BatchesEndpoint endpoint;

	BatchRecipientsController(BatchesEndpoint endpoint) {
		this.endpoint = endpoint;
	}

	@PostMapping(path = PATH, consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, Object>> json(@PathVariable String institution, @PathVariable String batch,
			@RequestBody Map<String, Object> body) {
		Object named = body.get("batch");
		if (named != null && !batch.equals(named)) {
			return ResponseEntity.badRequest()
				.body(Map.of("error", "batch in the body ('" + named + "') differs from the path ('" + batch + "')"));
		}
		return answer(this.endpoint.enter(institution, batch, body.get("badgeClass"), body.get("notify"),
				body.get("evidence"), body.get("evidenceUrl"), body.get("recipients"), body.get("csv")));
	}

	@PostMapping(path = PATH, consumes = "text/csv", produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, Object>> csv(@PathVariable String institution, @PathVariable String batch,
			@RequestParam(required = false) String badgeClass, @RequestParam(required = false) String notify,
			@RequestParam(required = false) String evidence, @RequestParam(required = false) String evidenceUrl,
			@RequestBody(required = false) String csv) {
		return answer(this.endpoint.enter(institution, batch, badgeClass, notify, evidence, evidenceUrl, null,
				(csv != null) ? csv : ""));
	}

	private static ResponseEntity<Map<String, Object>> answer(WebEndpointResponse<Map<String, Object>> response) {
		return ResponseEntity.status(response.getStatus()).body(response.getBody());
	}

}

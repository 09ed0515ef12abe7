package org.oeb.bridge.common.privacy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.oeb.bridge.common.awards.AwardsProperties;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * {@code /actuator/learners/{institution}/{userId}}: {@code GET} exports everything the bridge
 * holds about one learner (the ledger, the wallet projection, change-detection state),
 * {@code DELETE} erases it. OEB's own data stays OEB's. Operators only.
 */
@Endpoint(id = "learners")
public class LearnerDataEndpoint {

	private static final Logger logger = LoggerFactory.getLogger(LearnerDataEndpoint.class);

	private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

	private final AwardsProperties awards;

	private final List<LearnerData> holders;

	public LearnerDataEndpoint(AwardsProperties awards, List<LearnerData> holders) {
		this.awards = awards;
		this.holders = List.copyOf(holders);
	}

	@ReadOperation
	public WebEndpointResponse<Map<String, Object>> export(@Selector String institution, @Selector String userId) {
		WebEndpointResponse<Map<String, Object>> refused = refuse(institution, userId);
		if (refused != null) {
			return refused;
		}
		Map<String, Object> export = new LinkedHashMap<>();
		export.put("institution", institution);
		export.put("userId", userId);
		export.put("exportedAt", Instant.now().toString());
		for (LearnerData holder : this.holders) {
			export.put(holder.name(), holder.export(institution, userId));
		}
		return new WebEndpointResponse<>(export, 200);
	}

	@DeleteOperation
	public WebEndpointResponse<Map<String, Object>> erase(@Selector String institution, @Selector String userId) {
		WebEndpointResponse<Map<String, Object>> refused = refuse(institution, userId);
		if (refused != null) {
			return refused;
		}
		Map<String, Object> erased = new LinkedHashMap<>();
		long total = 0;
		try {
			for (LearnerData holder : this.holders) {
				long removed = holder.erase(institution, userId);
				erased.put(holder.name(), removed);
				total += removed;
			}
		}
		catch (LearnerBusyException ex) {
			return new WebEndpointResponse<>(Map.of("error", ex.getMessage()), 409);
		}
		logger.info("Erased {} entries about user {} of institution '{}'", total, userId, institution);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("result", "erased");
		body.put("erased", erased);
		return new WebEndpointResponse<>(body, 200);
	}

	private WebEndpointResponse<Map<String, Object>> refuse(String institution, String userId) {
		if (!this.awards.institutions().containsKey(institution)) {
			return new WebEndpointResponse<>(Map.of("error", "unknown institution '" + institution + "'"), 404);
		}
		if (!USER_ID.matcher(userId).matches()) {
			return new WebEndpointResponse<>(Map.of("error", "a user id is 1-64 letters, digits, '_' or '-'"), 400);
		}
		return null;
	}

	/** The learner's data cannot be erased right now (an award is being issued). */
	public static final class LearnerBusyException extends RuntimeException {

		public LearnerBusyException(String message) {
			super(message);
		}

	}

}

package org.oeb.bridge.common.lti;

import java.util.List;

/**
 * A learner's launch whose id_token passed every check.
 *
 * @param registration the name of the registration it came through
 * @param institution the bridge's institution id of that registration
 * @param platformIssuer the platform's {@code iss}
 * @param deploymentId the platform's deployment of the tool
 * @param lmsUserId the LMS user id, from the registration's user-id claim
 * @param email lower-cased and trimmed; {@code null} when the platform does not share it
 * @param name the learner's display name; {@code null} when the platform does not share it
 * @param locale the platform's locale for the page, {@code en} when not sent
 * @param roles LIS role URIs, possibly empty
 * @param contextId the course (context) id, {@code null} outside a course
 */
public record VerifiedLaunch(String registration, String institution, String platformIssuer, String deploymentId,
		String lmsUserId, String email, String name, String locale, List<String> roles, String contextId) {

	public VerifiedLaunch {
		roles = (roles != null) ? List.copyOf(roles) : List.of();
	}

	@Override
	public String toString() {
		return "VerifiedLaunch[registration=" + this.registration + ", institution=" + this.institution
				+ ", lmsUserId=" + this.lmsUserId + ", deploymentId=" + this.deploymentId + "]";
	}

}

package org.oeb.bridge.gateway.access;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.oeb.bridge.gateway.tenancy.Operation;

import org.springframework.http.HttpMethod;

/**
 * The OEB calls the gateway forwards, each belonging to one {@link Operation}. A call that
 * is in no entry is never forwarded, whatever the key; OAuth, user and token-management
 * paths are in no entry on purpose.
 */
final class OperationCatalog {

	private static final String ID = "[A-Za-z0-9_-]+";

	private static final List<String> NEVER_FORWARDED = List.of("/o", "/v1/user", "/v2/auth", "/v2/users");

	// only the calls the connectors make (common's GatewayClient): an OEB endpoint no connector
	// calls is not forwarded, so a leaked key can do no more than a connector does
	private static final List<Entry> ENTRIES = List.of(
			// issue: award, and look an award up before sending it again
			entry(HttpMethod.POST, "/v2/badgeclasses/" + ID + "/assertions", Operation.ISSUE),
			entry(HttpMethod.GET, "/v2/badgeclasses/" + ID + "/assertions", Operation.ISSUE),
			// sync: the change feeds, a badge class, the issuer's badge classes and learning paths
			entry(HttpMethod.GET, "/v2/(assertions|badgeclasses)/changed", Operation.SYNC),
			entry(HttpMethod.GET, "/v2/badgeclasses/" + ID, Operation.SYNC),
			entry(HttpMethod.GET, "/v2/issuers/" + ID + "/badgeclasses", Operation.SYNC),
			entry(HttpMethod.GET, "/v1/issuer/issuers/" + ID + "/learningpath", Operation.SYNC),
			// embed: single-use URLs of OEB's pages for a learner
			entry(HttpMethod.POST, "/v3/issuer/learners-(badges|competencies|learningpaths|profile|backpack)/?",
					Operation.EMBED),
			// manage: the badge catalog's badge classes and learning paths
			entry(HttpMethod.POST, "/v2/issuers/" + ID + "/badgeclasses", Operation.MANAGE),
			entry(HttpMethod.PUT, "/v2/badgeclasses/" + ID, Operation.MANAGE),
			entry(HttpMethod.DELETE, "/v2/badgeclasses/" + ID, Operation.MANAGE),
			entry(HttpMethod.POST, "/v1/issuer/issuers/" + ID + "/learningpath", Operation.MANAGE),
			entry(HttpMethod.PUT, "/v1/issuer/issuers/" + ID + "/learningpath/" + ID, Operation.MANAGE),
			entry(HttpMethod.DELETE, "/v1/issuer/issuers/" + ID + "/learningpath/" + ID, Operation.MANAGE),
			entry(HttpMethod.POST, "/v1/issuer/issuers/" + ID + "/learningpath/" + ID + "/archive", Operation.MANAGE),
			// revoke
			entry(HttpMethod.DELETE, "/v2/assertions/" + ID, Operation.REVOKE));

	private OperationCatalog() {
	}

	/**
	 * The operation an OEB call belongs to, or empty when the gateway never forwards it.
	 * @param method the request method
	 * @param oebPath the canonical path as OEB will see it (the route prefix removed)
	 */
	static Optional<Operation> operationOf(HttpMethod method, String oebPath) {
		for (String prefix : NEVER_FORWARDED) {
			if (oebPath.equals(prefix) || oebPath.startsWith(prefix + "/")) {
				return Optional.empty();
			}
		}
		for (Entry entry : ENTRIES) {
			if (entry.method.equals(method) && entry.path.matcher(oebPath).matches()) {
				return Optional.of(entry.operation);
			}
		}
		return Optional.empty();
	}

	private static Entry entry(HttpMethod method, String pathRegex, Operation operation) {
		return new Entry(method, Pattern.compile(pathRegex), operation);
	}

	private record Entry(HttpMethod method, Pattern path, Operation operation) {
	}

}

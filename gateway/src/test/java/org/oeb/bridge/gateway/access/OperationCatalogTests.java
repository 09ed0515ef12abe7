package org.oeb.bridge.gateway.access;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.oeb.bridge.gateway.tenancy.Operation;

import org.springframework.http.HttpMethod;

import static org.assertj.core.api.Assertions.assertThat;

/** Tests for {@link OperationCatalog}. */
class OperationCatalogTests {

	/** Every call of common's GatewayClient, as the connectors send it. */
	@ParameterizedTest
	@CsvSource({ "POST, /v2/badgeclasses/Qs4bN3yTQoa5xNmY1aV0gw/assertions, ISSUE",
			"GET, /v2/badgeclasses/Qs4bN3yTQoa5xNmY1aV0gw/assertions, ISSUE",
			"GET, /v2/assertions/changed, SYNC", "GET, /v2/badgeclasses/changed, SYNC",
			"GET, /v2/badgeclasses/Qs4bN3yTQoa5xNmY1aV0gw, SYNC", "GET, /v2/issuers/iss/badgeclasses, SYNC",
			"GET, /v1/issuer/issuers/iss/learningpath, SYNC",
			"POST, /v3/issuer/learners-badges/, EMBED", "POST, /v3/issuer/learners-competencies/, EMBED",
			"POST, /v3/issuer/learners-learningpaths/, EMBED", "POST, /v3/issuer/learners-badges, EMBED",
			"POST, /v2/issuers/iss/badgeclasses, MANAGE", "PUT, /v2/badgeclasses/Qs4bN3yTQoa5xNmY1aV0gw, MANAGE",
			"DELETE, /v2/badgeclasses/Qs4bN3yTQoa5xNmY1aV0gw, MANAGE",
			"POST, /v1/issuer/issuers/iss/learningpath, MANAGE", "PUT, /v1/issuer/issuers/iss/learningpath/lp, MANAGE",
			"DELETE, /v1/issuer/issuers/iss/learningpath/lp, MANAGE",
			"POST, /v1/issuer/issuers/iss/learningpath/lp/archive, MANAGE",
			"DELETE, /v2/assertions/Hc81abc, REVOKE" })
	void everyCallOfTheConnectorsBelongsToOneOperation(String method, String path, Operation operation) {
		assertThat(OperationCatalog.operationOf(HttpMethod.valueOf(method), path)).contains(operation);
	}

	/** OEB calls no connector makes: batch issuing, issuer reads, single reads and other revocations. */
	@ParameterizedTest
	@CsvSource({ "POST, /v1/issuer/issuers/iss/badges/bc/batchAssertions",
			"GET, /v1/issuer/issuers/iss/badges/bc/batch-assertions/status/task1", "GET, /v2/issuers",
			"GET, /v2/issuers/iss", "GET, /v2/issuers/iss/assertions", "GET, /v2/assertions/Hc81abc",
			"GET, /v2/badgeclasses", "GET, /v1/issuer/issuers/iss/learningpath/lp", "POST, /v2/badgeclasses",
			"POST, /v2/assertions/revoke", "DELETE, /v1/issuer/issuers/iss/badges/bc/assertions/a1" })
	void callsNoConnectorMakesAreNotForwarded(String method, String path) {
		assertThat(OperationCatalog.operationOf(HttpMethod.valueOf(method), path)).isEmpty();
	}

	@ParameterizedTest
	@CsvSource({ "POST, /o/token", "POST, /o/token/", "POST, /o/publicregister", "POST, /o/revoke_token", "GET, /o",
			"GET, /v1/user/profile", "POST, /v1/user/2fa/verify", "GET, /v2/auth/applications",
			"DELETE, /v2/auth/tokens/abc", "GET, /v2/users/self", "PUT, /v2/users/self" })
	void oauthUserAndTokenPathsAreNeverForwarded(String method, String path) {
		assertThat(OperationCatalog.operationOf(HttpMethod.valueOf(method), path)).isEmpty();
	}

	@ParameterizedTest
	@CsvSource({ "PATCH, /v2/badgeclasses/Qs4bN3yTQoa5xNmY1aV0gw", "HEAD, /v2/issuers", "OPTIONS, /v2/issuers",
			"POST, /v2/issuers", "DELETE, /v2/issuers/iss", "POST, /v2/badgeclasses/x/issue", "GET, /v3/issuers",
			"GET, /public/assertions/x", "POST, /v3/issuer/badge-create-embed", "POST, /v3/issuer/badge-edit-embed",
			"GET, ''", "GET, /", "POST, /v2/badgeclasses/Qs4bN3yTQoa5xNmY1aV0gw/assertions/extra",
			"POST, /v1/issuer/issuers/iss/staff" })
	void callsOutsideTheCatalogAreNotForwarded(String method, String path) {
		assertThat(OperationCatalog.operationOf(HttpMethod.valueOf(method), path)).isEmpty();
	}

	@Test
	void anIdCannotSmuggleASlashOrAnotherSegment() {
		assertThat(OperationCatalog.operationOf(HttpMethod.GET, "/v2/badgeclasses/a/b")).isEmpty();
		assertThat(OperationCatalog.operationOf(HttpMethod.DELETE, "/v2/assertions/")).isEmpty();
	}

}

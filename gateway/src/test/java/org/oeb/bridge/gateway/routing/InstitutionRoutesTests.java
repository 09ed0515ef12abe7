package org.oeb.bridge.gateway.routing;

import org.junit.jupiter.api.Test;
import org.oeb.bridge.gateway.tenancy.TenancyProperties;

import static org.assertj.core.api.Assertions.assertThat;

/** Tests for {@link InstitutionRoutes}. */
class InstitutionRoutesTests {

	@Test
	void theRouteOfNoInstitutionIsNamedLikeTheInstitutionIdTheConfigurationRefuses() {
		assertThat(InstitutionRoutes.NO_INSTITUTION_ROUTE_ID)
			.isEqualTo(InstitutionRoutes.ROUTE_ID_PREFIX + TenancyProperties.NO_INSTITUTION);
	}

}

package org.oeb.bridge.gateway.access;

import org.springframework.cloud.gateway.route.Route;

/** Which institution a route serves, as route metadata; a route without it serves none. */
public final class RouteInstitution {

	/** The metadata key naming the institution of a route. */
	public static final String METADATA_KEY = "bridge-institution";

	private RouteInstitution() {
	}

	static String of(Route route) {
		return (route != null && route.getMetadata().get(METADATA_KEY) instanceof String id) ? id : null;
	}

}

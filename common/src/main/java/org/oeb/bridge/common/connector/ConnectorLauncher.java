package org.oeb.bridge.common.connector;

import org.oeb.bridge.common.catalog.CatalogCommand;

import org.springframework.boot.SpringApplication;

/**
 * A connector's {@code main}: runs the connector, or with {@code catalog plan|apply} the badge
 * catalog command and exits with its code.
 */
public final class ConnectorLauncher {

	private ConnectorLauncher() {
	}

	public static void launch(Class<?> application, String... args) {
		if (CatalogCommand.requested(args)) {
			System.exit(CatalogCommand.run(application, System.out, args));
		}
		SpringApplication.run(application, args);
	}

}

package org.oeb.bridge.moodle;

import org.oeb.bridge.common.catalog.CatalogCommand;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The Moodle connector. A skeleton until its issue is done: it starts and reports health. */
@SpringBootApplication
public class MoodleConnectorApplication {

	public static void main(String[] args) {
		if (CatalogCommand.requested(args)) {
			System.exit(CatalogCommand.run(MoodleConnectorApplication.class, System.out, args));
		}
		SpringApplication.run(MoodleConnectorApplication.class, args);
	}

}

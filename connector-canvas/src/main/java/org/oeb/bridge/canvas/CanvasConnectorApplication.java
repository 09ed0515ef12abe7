package org.oeb.bridge.canvas;

import org.oeb.bridge.common.catalog.CatalogCommand;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The Canvas connector: polls Canvas, takes signed Live Events as hints, feeds the award pipeline. */
@SpringBootApplication
public class CanvasConnectorApplication {

	public static void main(String[] args) {
		if (CatalogCommand.requested(args)) {
			System.exit(CatalogCommand.run(CanvasConnectorApplication.class, System.out, args));
		}
		SpringApplication.run(CanvasConnectorApplication.class, args);
	}

}

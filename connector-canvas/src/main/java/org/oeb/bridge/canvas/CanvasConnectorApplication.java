package org.oeb.bridge.canvas;

import org.oeb.bridge.common.connector.ConnectorLauncher;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The Canvas connector: polls Canvas, takes signed Live Events as hints, feeds the award pipeline. */
@SpringBootApplication
public class CanvasConnectorApplication {

	public static void main(String[] args) {
		ConnectorLauncher.launch(CanvasConnectorApplication.class, args);
	}

}

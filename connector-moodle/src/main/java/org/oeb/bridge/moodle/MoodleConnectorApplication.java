package org.oeb.bridge.moodle;

import org.oeb.bridge.common.connector.ConnectorLauncher;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The Moodle connector: polls Moodle, takes webhook hints, feeds the award pipeline; or runs the catalog command. */
@SpringBootApplication
public class MoodleConnectorApplication {

	public static void main(String[] args) {
		ConnectorLauncher.launch(MoodleConnectorApplication.class, args);
	}

}

package org.oeb.bridge.canvas;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The Canvas connector. A skeleton until its issue is done: it starts and reports health. */
@SpringBootApplication
public class CanvasConnectorApplication {

	public static void main(String[] args) {
		SpringApplication.run(CanvasConnectorApplication.class, args);
	}

}

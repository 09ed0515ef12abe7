package org.oeb.bridge.common;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A connector-shaped application for the pipeline's own tests: only the auto-configured engine. */
@SpringBootApplication
public class AwardsTestApplication {

	/** Started as a process of its own by the tests that kill a replica. */
	public static void main(String[] args) {
		SpringApplication.run(AwardsTestApplication.class, args);
	}

}

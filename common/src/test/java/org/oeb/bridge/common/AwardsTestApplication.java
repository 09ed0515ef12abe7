package org.oeb.bridge.common;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * A connector-shaped application for the pipeline's own tests: only what is auto-configured,
 * as in a connector, whose component scan does not reach {@code common}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class AwardsTestApplication {

	/** Started as a process of its own by the tests that kill a replica. */
	public static void main(String[] args) {
		SpringApplication.run(AwardsTestApplication.class, args);
	}

}

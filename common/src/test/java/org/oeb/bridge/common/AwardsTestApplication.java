package org.oeb.bridge.common;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A connector-shaped application for the pipeline's own tests: only the auto-configured engine. */
@SpringBootApplication
public class AwardsTestApplication {

}

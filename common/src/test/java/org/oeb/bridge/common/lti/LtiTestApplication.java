package org.oeb.bridge.common.lti;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/** A connector-shaped application for the LTI tests: auto-configuration only, nothing scanned. */
@SpringBootConfiguration
@EnableAutoConfiguration
class LtiTestApplication {

}

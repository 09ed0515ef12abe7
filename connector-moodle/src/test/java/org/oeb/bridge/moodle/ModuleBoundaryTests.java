package org.oeb.bridge.moodle;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kit in {@code common} knows no connector, and a connector reaches the award pipeline only
 * through the kit: never the ledger, its keys and scripts, the issuing workers or the operator
 * endpoint.
 */
class ModuleBoundaryTests {

	private static final JavaClasses PRODUCTION = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("org.oeb.bridge");

	@Test
	void commonImportsNoConnectorAndNoGateway() {
		assertThat(PRODUCTION.containPackage("org.oeb.bridge.common.awards")).as("common is imported").isTrue();
		assertThat(PRODUCTION.containPackage("org.oeb.bridge.moodle.read")).as("the connector is imported").isTrue();
		noClasses().that()
			.resideInAPackage("org.oeb.bridge.common..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.oeb.bridge.moodle..", "org.oeb.bridge.canvas..", "org.oeb.bridge.gateway..")
			.check(PRODUCTION);
	}

	@Test
	void theMoodleConnectorUsesOnlyTheKitTheRulesAndTheProgressModelOfCommon() {
		classes().that()
			.resideInAPackage("org.oeb.bridge.moodle..")
			.should()
			.onlyDependOnClassesThat()
			.resideInAnyPackage("org.oeb.bridge.moodle..", "org.oeb.bridge.common.connector..",
					"org.oeb.bridge.common.rules..", "org.oeb.bridge.common.progress..", "java..", "javax..",
					"jakarta..", "org.springframework..", "org.slf4j..", "io.micrometer..", "tools.jackson..")
			.check(PRODUCTION);
	}

	@Test
	void noConnectorTouchesTheLedgerTheIssuingWorkersOrTheOperatorEndpoint() {
		noClasses().that()
			.resideInAnyPackage("org.oeb.bridge.moodle..", "org.oeb.bridge.canvas..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.oeb.bridge.common.awards..", "org.oeb.bridge.common.issuance..",
					"org.oeb.bridge.common.operations..")
			.check(PRODUCTION);
	}

}

package org.oeb.bridge.canvas;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

/** connector-canvas reaches the award pipeline only through the kit, and shares no code with connector-moodle. */
class ModuleBoundaryTests {

	private static final JavaClasses PRODUCTION = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("org.oeb.bridge");

	@Test
	void theCanvasConnectorUsesOnlyTheKitTheRulesAndTheProgressModelOfCommon() {
		assertThat(PRODUCTION.containPackage("org.oeb.bridge.canvas.read")).as("the connector is imported").isTrue();
		classes().that()
			.resideInAPackage("org.oeb.bridge.canvas..")
			.should()
			.onlyDependOnClassesThat()
			.resideInAnyPackage("org.oeb.bridge.canvas..", "org.oeb.bridge.common.connector..",
					"org.oeb.bridge.common.rules..", "org.oeb.bridge.common.progress..", "java..", "javax..",
					"jakarta..", "org.springframework..", "org.slf4j..", "io.micrometer..", "tools.jackson..",
					"com.nimbusds..")
			.check(PRODUCTION);
	}

}

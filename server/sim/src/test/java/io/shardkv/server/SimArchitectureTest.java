package io.shardkv.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The simulator and the real server are two tops over the same core (issue 10): nothing below uses
 * {@code sim}, and nothing the simulator sees uses {@code process}. Between modules the graph enforces
 * it (shardkv-sim depends on shardkv-core, never on shardkv-node; both enforcer rules ban the other);
 * this test checks the classes on the simulator's classpath.
 */
class SimArchitectureTest {
  private static JavaClasses server;

  @BeforeAll
  static void importMainClasses() {
    server = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.shardkv.server");
  }

  @Test
  void theRealServerAndTheSimulatorAreTwoTopsThatDoNotUseEachOther() {
    noClasses().that().resideOutsideOfPackage("io.shardkv.server.sim..")
        .should().dependOnClassesThat().resideInAPackage("io.shardkv.server.sim..")
        .check(server);
    noClasses().that().resideOutsideOfPackage("io.shardkv.server.process..")
        .should().dependOnClassesThat().resideInAPackage("io.shardkv.server.process..")
        .check(server);
  }
}

package io.shardkv.driver;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bottom floor (module shardkv-vocabulary, package {@code routing}, issue 10): the types the server's
 * state machines and the clients share, and the routing logic the simulator's clients run under
 * simulated time. It knows nothing of the wire (the module depends on nothing; its enforcer rule bans
 * any dependency) and does no I/O.
 */
class VocabularyArchitectureTest {
  private static JavaClasses driver;

  @BeforeAll
  static void importMainClasses() {
    driver = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.shardkv.driver");
  }

  @Test
  void theRoutingVocabularyKnowsNothingOfTheWire() {
    noClasses().that().resideInAPackage("io.shardkv.driver.routing..")
        .should().dependOnClassesThat().resideInAPackage("io.shardkv.driver.protocol..")
        .because("the state machines share routing's types (one Status); the wire encodes them, not the other way round")
        .check(driver);
  }

  @Test
  void theRoutingLogicIsDeterministicAndDoesNoIo() {
    noClasses().that().resideInAPackage("io.shardkv.driver.routing..")
        .should().dependOnClassesThat().resideInAnyPackage("java.net..", "java.nio.channels..", "java.util.concurrent..")
        .orShould().callMethod(System.class, "nanoTime")
        .orShould().callMethod(System.class, "currentTimeMillis")
        .because("the simulator's clients run the same routing code under simulated time")
        .check(driver);
  }
}

package io.shardkv.driver;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The floors of the driver module, as the build enforces them (issue 10): {@code routing} (the
 * shared vocabulary — the one {@code Status}, the shard config — and the retry and routing logic the
 * simulator's clients run too) at the bottom, {@code protocol} (the wire) on it, the client library on
 * both, and JDBC on top of the client — never below it.
 */
class DriverArchitectureTest {
  private static JavaClasses driver;

  @BeforeAll
  static void importMainClasses() {
    driver = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.shardkv.driver");
  }

  @Test
  void theClientLibraryKnowsNothingOfJdbc() {
    noClasses().that().resideInAPackage("io.shardkv.driver.client..")
        .should().dependOnClassesThat().resideInAnyPackage("io.shardkv.driver.jdbc..", "java.sql..", "javax.sql..")
        .because("JDBC sits on the client library (io.shardkv.driver.jdbc.tcp adapts one to the other)")
        .check(driver);
  }

  @Test
  void theWireAndTheRoutingLogicUseNothingAboveThem() {
    noClasses().that().resideInAnyPackage("io.shardkv.driver.protocol..", "io.shardkv.driver.routing..")
        .should().dependOnClassesThat().resideInAnyPackage("io.shardkv.driver.client..", "io.shardkv.driver.jdbc..", "java.sql..")
        .check(driver);
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

package io.shardkv.driver;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The floors of the driver modules, as the build enforces them (issue 10): {@code routing} (module
 * shardkv-vocabulary: the shared vocabulary — the one {@code Status}, the shard config — and the retry
 * and routing logic the simulator's clients run too) at the bottom, {@code protocol} (shardkv-protocol,
 * the wire) on it, the client library (shardkv-client) on both, and JDBC (shardkv-jdbc) on top of the
 * client — never below it. Between modules the Maven graph and each module's enforcer rule hold the
 * floors; this test checks the packages on the client's classpath, {@code VocabularyArchitectureTest}
 * the vocabulary's own rules.
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
}

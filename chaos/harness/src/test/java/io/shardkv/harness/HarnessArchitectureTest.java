package io.shardkv.harness;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The harness's floor (issue 10): shardkv-harness runs real servers on this machine, so it sits above
 * the server (shardkv-node) and below the chaos suite and the CLI. Between modules the Maven graph and
 * the enforcer rules of node's and the harness's poms say so; this test checks the classes on the
 * harness's classpath (the harness and everything below it), so a class put in a server package of
 * this module, or a server class that reaches up, fails here with its name and line.
 */
class HarnessArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.shardkv");
  }

  @Test
  void theHarnessUsesNothingAboveItNorTheSimulator() {
    noClasses().that().resideInAPackage("io.shardkv.harness..")
        .should().dependOnClassesThat().resideInAnyPackage("io.shardkv.chaos..", "io.shardkv.cli..", "io.shardkv.bench..",
            "io.shardkv.server.sim..")
        .check(classes);
  }

  @Test
  void nothingBelowTheHarnessUsesIt() {
    noClasses().that().resideOutsideOfPackage("io.shardkv.harness..")
        .should().dependOnClassesThat().resideInAPackage("io.shardkv.harness..")
        .check(classes);
  }

  /** The simulator checks its runs' histories; it is never on this classpath, but the rule says it. */
  @Test
  void theServerChecksNoHistories() {
    noClasses().that().resideInAPackage("io.shardkv.server..").and().resideOutsideOfPackage("io.shardkv.server.sim..")
        .should().dependOnClassesThat().resideInAPackage("io.shardkv.linearizability..")
        .check(classes);
  }
}

package io.shardkv.cli;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module graph as one rule over the whole product (issue 10, docs/architecture.md "Modules"):
 * the CLI's classpath holds every product module, so here every class of ours is checked against the
 * floors — each module's packages are a layer, and a layer may be used only by the modules above it
 * that depend on it. Nothing uses anything upward: the harness (local clusters, the demo's chaos run)
 * is above the server and below the chaos suite and the CLI; the server uses neither the harness nor
 * the linearizability checker; the simulator and the real server do not use each other. Every class
 * must lie in a layer, so a new package has to be placed here. (Inside a module, the per-module
 * ArchitectureTests check the package floors.)
 */
class ModulesArchitectureTest {
  private static JavaClasses product;

  @BeforeAll
  static void importMainClasses() {
    product = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.shardkv");
  }

  @Test
  void everyModuleIsUsedOnlyByTheModulesAboveItThatDependOnIt() {
    layeredArchitecture().consideringOnlyDependenciesInLayers()
        .layer("vocabulary").definedBy("io.shardkv.driver.routing..")
        .layer("protocol").definedBy("io.shardkv.driver.protocol..")
        .layer("client").definedBy("io.shardkv.driver.client..")
        .layer("jdbc").definedBy("io.shardkv.driver.jdbc..")
        .layer("linearizability").definedBy("io.shardkv.linearizability..")
        .layer("core").definedBy("io.shardkv.server.raft..", "io.shardkv.server.statemachine..", "io.shardkv.server.kv..",
            "io.shardkv.server.configcenter..", "io.shardkv.server.shardkv..", "io.shardkv.server.replica..")
        .layer("frontdoor").definedBy("io.shardkv.server.frontdoor..")
        .layer("storage").definedBy("io.shardkv.server.storage..")
        .layer("node").definedBy("io.shardkv.server.net..", "io.shardkv.server.process..")
        .layer("sim").definedBy("io.shardkv.server.sim..")
        .layer("harness").definedBy("io.shardkv.harness..")
        .layer("chaos").definedBy("io.shardkv.chaos..")
        .layer("cli").definedBy("io.shardkv.cli..")
        .whereLayer("vocabulary").mayOnlyBeAccessedByLayers("protocol", "client", "jdbc", "core", "frontdoor", "storage",
            "node", "sim", "harness", "chaos", "cli")
        .whereLayer("protocol").mayOnlyBeAccessedByLayers("client", "jdbc", "frontdoor", "node", "sim", "harness", "chaos", "cli")
        .whereLayer("client").mayOnlyBeAccessedByLayers("jdbc", "frontdoor", "node", "sim", "harness", "chaos", "cli")
        .whereLayer("jdbc").mayNotBeAccessedByAnyLayer()
        .whereLayer("linearizability").mayOnlyBeAccessedByLayers("sim", "harness", "chaos", "cli")
        .whereLayer("core").mayOnlyBeAccessedByLayers("frontdoor", "storage", "node", "sim", "harness", "chaos", "cli")
        .whereLayer("frontdoor").mayOnlyBeAccessedByLayers("node", "sim", "harness", "chaos", "cli")
        .whereLayer("storage").mayOnlyBeAccessedByLayers("node", "harness", "chaos", "cli")
        .whereLayer("node").mayOnlyBeAccessedByLayers("harness", "chaos", "cli")
        .whereLayer("sim").mayOnlyBeAccessedByLayers("cli")
        .whereLayer("harness").mayOnlyBeAccessedByLayers("chaos", "cli")
        .whereLayer("chaos").mayOnlyBeAccessedByLayers("cli")
        .whereLayer("cli").mayNotBeAccessedByAnyLayer()
        .ensureAllClassesAreContainedInArchitecture()
        .check(product);
  }
}

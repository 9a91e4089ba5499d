package io.shardkv.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The floor inside the node module (shardkv-node, issue 10): {@code net} moves bytes and knows no
 * replica; {@code process} (the real server) sits on top. That node never uses the simulator is the
 * module graph (shardkv-node does not depend on shardkv-sim, and its enforcer rule bans it); so is that
 * it uses none of the harnesses above it (shardkv-harness: local clusters, the demo's chaos run) nor
 * the linearizability checker, which this rule also checks on the server's classes.
 */
class NodeArchitectureTest {
  private static JavaClasses server;

  @BeforeAll
  static void importMainClasses() {
    server = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.shardkv.server");
  }

  @Test
  void theNetworkLayerMovesBytesAndKnowsNoReplica() {
    noClasses().that().resideInAPackage("io.shardkv.server.net..")
        .should().dependOnClassesThat().resideInAnyPackage("io.shardkv.server.raft..", "io.shardkv.server.replica..",
            "io.shardkv.server.kv..", "io.shardkv.server.shardkv..", "io.shardkv.server.configcenter..",
            "io.shardkv.server.storage..", "io.shardkv.server.process..", "io.shardkv.server.sim..")
        .check(server);
  }

  @Test
  void theServerUsesNeitherTheHarnessesAboveItNorTheChecker() {
    noClasses().that().resideInAPackage("io.shardkv.server..")
        .should().dependOnClassesThat().resideInAnyPackage("io.shardkv.harness..", "io.shardkv.linearizability..",
            "io.shardkv.chaos..", "io.shardkv.cli..", "io.shardkv.bench..")
        .check(server);
  }
}

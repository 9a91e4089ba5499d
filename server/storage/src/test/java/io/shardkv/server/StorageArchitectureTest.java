package io.shardkv.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The floor of the storage module (shardkv-storage, issue 10): it implements the core's storage
 * contract ({@code raft.RaftStorage}) and uses nothing else of ours. The module graph keeps it below
 * node and sim; this rule keeps it off the state machines and the host inside the core.
 */
class StorageArchitectureTest {
  private static JavaClasses server;

  @BeforeAll
  static void importMainClasses() {
    server = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.shardkv.server");
  }

  @Test
  void storageImplementsTheCoresContractAndNothingElse() {
    classes().that().resideInAPackage("io.shardkv.server.storage")
        .should().onlyDependOnClassesThat().resideInAnyPackage("io.shardkv.server.storage..", "io.shardkv.server.raft..", "java..")
        .check(server);
  }
}

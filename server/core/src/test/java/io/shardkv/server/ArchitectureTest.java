package io.shardkv.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The floors inside the core module (shardkv-core), as the build enforces them (issue 10). From the
 * bottom: {@code raft} (the consensus core) uses nothing of ours; {@code statemachine}, {@code kv},
 * {@code configcenter}, {@code shardkv} and {@code replica} (the replicated state machines and their
 * host) sit on it. The deterministic layers never touch a thread, socket, file, clock or random source:
 * the real server and the simulator plug those in. The floors between modules (core below storage,
 * storage below node, node and sim two tops) are the Maven module graph itself, guarded by the
 * enforcer rules in each module's pom; the other modules check their own packages
 * ({@code StorageArchitectureTest}, {@code NodeArchitectureTest}, {@code SimArchitectureTest}).
 */
class ArchitectureTest {
  private static final String[] DETERMINISTIC = {
      "io.shardkv.server.raft..", "io.shardkv.server.statemachine..", "io.shardkv.server.kv..",
      "io.shardkv.server.configcenter..", "io.shardkv.server.shardkv..", "io.shardkv.server.replica.."};

  private static JavaClasses server;

  @BeforeAll
  static void importMainClasses() {
    server = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.shardkv.server");
  }

  @Test
  void theDeterministicLayersHaveNoThreadsSocketsFilesOrChannels() {
    noClasses().that().resideInAnyPackage(DETERMINISTIC)
        .should().dependOnClassesThat().resideInAnyPackage("java.net..", "java.nio.channels..", "java.nio.file..",
            "java.util.concurrent..", "java.lang.management..")
        .orShould().dependOnClassesThat().belongToAnyOf(Thread.class, java.io.File.class, java.io.FileInputStream.class,
            java.io.FileOutputStream.class, java.io.RandomAccessFile.class)
        .because("the Raft node and the state machines are pure event handlers (design principle: deterministic core)")
        .check(server);
  }

  @Test
  void theDeterministicLayersReadNoClockAndDrawNoRandomNumbers() {
    noClasses().that().resideInAnyPackage(DETERMINISTIC)
        .should().callMethod(System.class, "nanoTime")
        .orShould().callMethod(System.class, "currentTimeMillis")
        .orShould().dependOnClassesThat().belongToAnyOf(Random.class, SplittableRandom.class, Clock.class, Instant.class,
            java.util.concurrent.ThreadLocalRandom.class, java.security.SecureRandom.class)
        .because("time and randomness come in as inputs (ticks, a RandomSource), so one seed replays a whole cluster")
        .check(server);
  }

  @Test
  void theRaftCoreUsesNothingOfOursAboveIt() {
    classes().that().resideInAPackage("io.shardkv.server.raft..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("io.shardkv.server.raft..", "java..")
        .check(server);
  }

  @Test
  void theStateMachinesDoNotReachTheirHostTheNodeOrTheSimulator() {
    noClasses().that().resideInAnyPackage("io.shardkv.server.statemachine..", "io.shardkv.server.kv..",
            "io.shardkv.server.configcenter..")
        .should().dependOnClassesThat().resideInAnyPackage("io.shardkv.server.replica..", "io.shardkv.server.shardkv..",
            "io.shardkv.server.storage..", "io.shardkv.server.net..", "io.shardkv.server.process..", "io.shardkv.server.sim..")
        .check(server);
    noClasses().that().resideInAPackage("io.shardkv.server.shardkv..")
        .should().dependOnClassesThat().resideInAnyPackage("io.shardkv.server.storage..", "io.shardkv.server.net..",
            "io.shardkv.server.process..", "io.shardkv.server.sim..")
        .check(server);
  }

  /**
   * The replica host knows no shards: shard logic reaches it only through the hosted-service hooks.
   * (The front door's SCAN translation, which used to be the one exception, lives in module
   * shardkv-frontdoor above the core.)
   */
  @Test
  void theReplicaHostKnowsNoShardsAndNoIo() {
    noClasses().that().resideInAPackage("io.shardkv.server.replica..")
        .should().dependOnClassesThat().resideInAPackage("io.shardkv.server.shardkv..")
        .check(server);
    noClasses().that().resideInAPackage("io.shardkv.server.replica..")
        .should().dependOnClassesThat().resideInAnyPackage("io.shardkv.server.storage..", "io.shardkv.server.net..",
            "io.shardkv.server.process..", "io.shardkv.server.sim..")
        .check(server);
  }
}

package io.shardkv.server.frontdoor;

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
 * The front door's floor (module shardkv-frontdoor, issue 10): it sits on the deterministic core and
 * is as pure — the simulator runs it on every client request of a seed, so it may touch no thread,
 * socket, file, clock or random source. That it uses no storage, node or simulator code is the module
 * graph (its enforcer rule allows only the core, the vocabulary, the protocol and the client).
 */
class FrontDoorArchitectureTest {
  private static JavaClasses door;

  @BeforeAll
  static void importMainClasses() {
    door = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.shardkv.server.frontdoor");
  }

  @Test
  void theFrontDoorHasNoThreadsSocketsFilesClocksOrRandomness() {
    noClasses().that().resideInAPackage("io.shardkv.server.frontdoor..")
        .should().dependOnClassesThat().resideInAnyPackage("java.net..", "java.nio.channels..", "java.nio.file..",
            "java.util.concurrent..", "java.lang.management..")
        .orShould().dependOnClassesThat().belongToAnyOf(Thread.class, java.io.File.class, Random.class,
            SplittableRandom.class, Clock.class, Instant.class)
        .orShould().callMethod(System.class, "nanoTime")
        .orShould().callMethod(System.class, "currentTimeMillis")
        .because("the simulator runs the front door on every request of a seed (design principle: deterministic core)")
        .check(door);
  }

  @Test
  void theFrontDoorReachesNoSocketOfTheDriver() {
    noClasses().that().resideInAPackage("io.shardkv.server.frontdoor..")
        .should().dependOnClassesThat().resideInAnyPackage("io.shardkv.driver.client.internal..")
        .orShould().dependOnClassesThat().haveSimpleNameEndingWith("Connection")
        .check(door);
  }
}

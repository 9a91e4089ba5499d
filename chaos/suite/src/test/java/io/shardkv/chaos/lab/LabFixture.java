package io.shardkv.chaos.lab;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The lab the tests use: {@code target/test-lab} of this module, brought up by a test class and
 * taken down in its {@code @AfterAll} (which JUnit runs also when tests failed). Where the machine
 * cannot host a lab (not root, a package missing) or someone else's lab is up, the tests are
 * skipped with the reason (a JUnit assumption), never failed, and someone else's lab is never
 * touched.
 */
public final class LabFixture {
  public static final Path DIR = Path.of("target", "test-lab").toAbsolutePath();

  private LabFixture() {}

  /** Skips the calling test class unless a lab can be made here without touching another one. */
  public static void assumeLabPossible() {
    List<String> missing = Lab.missingRequirements();
    assumeTrue(missing.isEmpty(), "lab tests need root and Debian packages; missing: " + String.join(", ", missing));
    Optional<String> other = Lab.at(DIR).foreignOwner();
    assumeTrue(other.isEmpty(), "a lab made from " + other.orElse("") + " is up on this machine; lab tests leave it alone");
  }

  /** A lab of {@code hosts} hosts in {@link #DIR} (taken over if a crashed test run left it). */
  public static Lab.Info up(int hosts) {
    assumeLabPossible();
    Lab lab = Lab.at(DIR);
    if (lab.recordedHosts().filter(n -> n != hosts).isPresent()) lab.down(s -> { });
    return lab.up(hosts, s -> { });
  }

  /**
   * Takes the test lab down (idempotent; for {@code @AfterAll}, which JUnit runs also for a class
   * its assumptions skipped): a lab made from another directory is left alone, not an error.
   */
  public static void down() {
    if (Lab.isRoot() && Lab.at(DIR).foreignOwner().isEmpty()) Lab.at(DIR).down(s -> { });
  }
}

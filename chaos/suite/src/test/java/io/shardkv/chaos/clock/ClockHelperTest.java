package io.shardkv.chaos.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shardkv.chaos.ChaosException;
import io.shardkv.chaos.clock.ClockHelper.Decision;
import io.shardkv.chaos.clock.ClockHelper.Step;
import io.shardkv.chaos.control.LocalCommand;
import io.shardkv.chaos.control.Remote;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the clock helper gets onto a host: kept when the host has a binary of the same source,
 * compiled where the host has gcc, uploaded from the control node where it has none and its machine
 * is the control node's, otherwise absent with the reason (which a refused strobe then names).
 */
class ClockHelperTest {
  @Test
  void aHostWithTheSameSourceBuilt_keepsItsHelper() {
    assertEquals(new Decision(Step.READY, ""), ClockHelper.decide("ready\n", "x86_64", null));
  }

  @Test
  void aHostWithGcc_compilesItThere_asBefore() {
    assertEquals(new Decision(Step.COMPILED, ""), ClockHelper.decide("compiled\n", "x86_64", null));
  }

  @Test
  void aHostWithoutGcc_ofTheControlNodesMachine_getsTheBinaryBuiltHere() {
    assertEquals(new Decision(Step.UPLOAD, ""), ClockHelper.decide("no-compiler x86_64\n", "x86_64", null));
  }

  @Test
  void aHostWithoutGcc_ofAnotherMachine_getsNoHelper_andTheReasonSaysWhatToDo() {
    Decision d = ClockHelper.decide("no-compiler aarch64\n", "x86_64", null);
    assertEquals(Step.NONE, d.step());
    assertEquals("no gcc on the host, and its machine (aarch64) is not the control node's (x86_64), so no binary built"
        + " here runs there: install gcc on the host", d.reason());
  }

  @Test
  void aHostWithoutGcc_whenNothingCanBeBuiltHere_getsNoHelper_withTheControlNodesProblem() {
    Decision d = ClockHelper.decide("no-compiler x86_64", "x86_64", "gcc -static failed here (exit 1: ...)");
    assertEquals(Step.NONE, d.step());
    assertTrue(d.reason().startsWith("no gcc on the host, and the control node cannot build a static binary for it: gcc -static"),
        d.reason());
  }

  @Test
  void anUnexpectedAnswer_isAnError_notAGuess() {
    ChaosException e = assertThrows(ChaosException.class, () -> ClockHelper.decide("sh: 1: cmp: not found", "x86_64", null));
    assertTrue(e.getMessage().contains("'sh: 1: cmp: not found'"), e.getMessage());
  }

  @Test
  void theControlNodesBuild_isStaticallyLinked_andRuns(@TempDir Path dir) {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/gcc")), "gcc is not installed here: nothing to build with");
    ClockHelper.LocalBuild build = new ClockHelper.LocalBuild(dir);
    assertNull(build.problem(), "the static build works where gcc and libc6-dev are installed");
    Path binary = build.binary();
    assertNotNull(binary);
    assertEquals(build.machine(), LocalCommand.ok("uname", "-m").strip());
    Remote.Result ldd = LocalCommand.run(List.of("ldd", binary.toString()), Duration.ofSeconds(30));
    assertTrue((ldd.stdout() + ldd.stderr()).contains("not a dynamic executable"), "statically linked: " + ldd);
    Remote.Result now = LocalCommand.run(List.of(binary.toString(), "now"), Duration.ofSeconds(30));
    assertEquals(0, now.exitStatus(), now.stderr());
    assertTrue(now.stdout().strip().matches("\\d+\\.\\d{9}"), now.stdout());
    assertEquals(binary, build.binary(), "built once");
  }
}

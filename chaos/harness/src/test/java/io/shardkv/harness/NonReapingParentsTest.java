package io.shardkv.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The test launcher that plays a non-reaping PID 1 hands back a pid only once that pid runs the
 * command: a caller that looks at once (as {@code LocalCluster.running()} does right after
 * {@code startAll()}) must see a running node, never the forked copy of sh nor a process inside
 * execve.
 */
class NonReapingParentsTest {
  @Test
  void aLaunchedChildRunsExactlyItsCommandWhenLaunchReturns() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc")), "command lines are read from /proc");
    try (NonReapingParents parents = new NonReapingParents()) {
      for (int i = 0; i < 40; i++) {
        List<String> command = List.of("sleep", "30." + i);
        long pid = parents.startChild(command.toArray(String[]::new));
        assertEquals(command, NonReapingParents.commandLine(pid), "launch " + i + ": pid " + pid + "'s command line");
        assertTrue(ProcessLiveness.isRunning(pid, command), "launch " + i + ": pid " + pid + " runs " + command);
      }
    }
  }
}

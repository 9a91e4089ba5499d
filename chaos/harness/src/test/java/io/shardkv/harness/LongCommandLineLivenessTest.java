package io.shardkv.harness;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shardkv.server.process.ServerMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A node is recognised by its command line even when a long class path puts the class name past
 * the 4096 bytes the JDK reports on Linux (found by the chaos suite's local campaigns: with a test
 * class path over 4 KB, kill -9 and teardown skipped every node and leaked the JVMs).
 */
class LongCommandLineLivenessTest {
  @Test
  void aServerMainPastTheFirst4096BytesOfItsCommandLineIsStillRecognised() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs /proc (Linux)");
    String longClassPath = "/x".repeat(3000);
    List<String> words = List.of(ServerMain.class.getName(), "--node", "7");
    Process p = new ProcessBuilder("sh", "-c", "sleep 30", longClassPath, ServerMain.class.getName(), "--node", "7").start();
    Process other = new ProcessBuilder("sh", "-c", "sleep 30", longClassPath, "some.other.Main", "--node", "7").start();
    try {
      assertFalse(p.toHandle().info().commandLine().map(c -> c.contains(ServerMain.class.getName())).orElse(false),
          "the JDK's view stops short of the class name (else this test shows nothing)");
      assertTrue(ProcessLiveness.isRunning(p.pid(), words));
      assertFalse(ProcessLiveness.isRunning(other.pid(), words));
    } finally {
      p.destroyForcibly().waitFor();
      other.destroyForcibly().waitFor();
    }
  }
}

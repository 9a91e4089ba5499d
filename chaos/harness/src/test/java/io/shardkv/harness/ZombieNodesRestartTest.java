package io.shardkv.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shardkv.driver.client.ClientOptions;
import io.shardkv.driver.client.KvException;
import io.shardkv.driver.client.ShardKvClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17: a node killed while its parent does not reap it is a zombie, and a zombie is not a
 * running node. Every node runs under a parent that never waits ({@link NonReapingParents}), as
 * orphans do under a PID 1 that does not reap; all are kill -9'ed by their pid files and stay
 * zombies; starting the cluster again must start every one of them, and every acknowledged write
 * must read back.
 */
class ZombieNodesRestartTest {
  @TempDir Path dir;

  @Test
  void nodesKilledIntoZombiesAreAllRestartedAndEveryAcknowledgedWriteReadsBack() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc")), "zombies are observed through /proc");
    LocalCluster cluster = LocalCluster.open(dir.resolve("c"), 1, 3, 1, System.getProperty("java.class.path"), null);
    try (NonReapingParents parents = new NonReapingParents()) {
      try {
        cluster.useLauncher(parents);
        cluster.startAll();
        cluster.awaitHealthyAndJoined(Duration.ofSeconds(150));
        Map<String, String> acked = writeKeys(cluster, 100);
        assertTrue(acked.size() > 50, "too few writes acknowledged: " + acked.size());

        Map<Integer, Long> pids = cluster.running();
        assertEquals(cluster.config().nodes().keySet(), pids.keySet(), "every node runs before the kill");
        pids.values().forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
        for (long pid : pids.values()) {
          assertEquals('Z', awaitZombie(pid), "node pid " + pid + " should stay a zombie: its parent never reaps");
        }
        assertEquals(Map.of(), cluster.running(), "zombies are not running nodes");
        for (int id : pids.keySet()) assertEquals(Optional.empty(), cluster.pid(id), "node " + id);

        cluster.startAll(); // the zombies are still there: their parents live on
        Map<Integer, Long> restarted = cluster.running();
        assertEquals(pids.keySet(), restarted.keySet(), () -> "start restarts every node that is not running; "
            + notRunning(cluster, pids.keySet(), restarted.keySet()));
        cluster.awaitHealthyAndJoined(Duration.ofSeconds(150));
        assertEquals(Map.of(), readBack(cluster, acked), "acknowledged writes lost or changed after the restart");
      } finally {
        cluster.killAll();
      }
    }
  }

  /** Puts {@code n} unique keys; returns those acknowledged. */
  private static Map<String, String> writeKeys(LocalCluster cluster, int n) {
    Map<String, String> acked = new LinkedHashMap<>();
    try (ShardKvClient c = ShardKvClient.connect(cluster.configCenterAddresses(), ClientOptions.defaults())) {
      for (int i = 0; i < n; i++) {
        String k = "zombie-" + i;
        try {
          c.put(k, "v" + i);
          acked.put(k, "v" + i);
        } catch (KvException e) {
          // not acknowledged: nothing to check
        }
      }
    }
    return acked;
  }

  /** Key → "expected … got …" for every acknowledged write that does not read back. */
  private static Map<String, String> readBack(LocalCluster cluster, Map<String, String> acked) throws KvException {
    Map<String, String> wrong = new TreeMap<>();
    try (ShardKvClient c = ShardKvClient.connect(cluster.configCenterAddresses(), ClientOptions.defaults())) {
      for (Map.Entry<String, String> e : acked.entrySet()) {
        Optional<String> got = c.get(e.getKey());
        if (!got.equals(Optional.of(e.getValue()))) wrong.put(e.getKey(), "expected " + e.getValue() + " got " + got);
      }
    }
    return wrong;
  }

  /** For each node that should run and does not: its pid file's pid, /proc state and output tail. */
  private static String notRunning(LocalCluster cluster, java.util.Set<Integer> all, java.util.Set<Integer> running) {
    StringBuilder b = new StringBuilder();
    for (int id : all) {
      if (running.contains(id)) continue;
      Path dir = cluster.dir();
      try {
        long pid = Long.parseLong(Files.readString(dir.resolve("node-" + id + ".pid")).trim());
        b.append("node ").append(id).append(" pid ").append(pid).append(" state ").append(NonReapingParents.state(pid))
            .append(" cmdline ").append(NonReapingParents.commandLine(pid));
        Path out = dir.resolve("node-" + id + ".out");
        if (Files.exists(out)) {
          String o = Files.readString(out);
          b.append(" output tail: ").append(o.substring(Math.max(0, o.length() - 2000)));
        }
      } catch (Exception e) {
        b.append("node ").append(id).append(": ").append(e);
      }
      b.append('\n');
    }
    return b.toString();
  }

  private static char awaitZombie(long pid) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    char s = NonReapingParents.state(pid);
    while (s != 'Z' && System.nanoTime() < until) {
      Thread.sleep(10);
      s = NonReapingParents.state(pid);
    }
    return s;
  }
}

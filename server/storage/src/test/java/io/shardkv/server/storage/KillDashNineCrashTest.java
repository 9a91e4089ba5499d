package io.shardkv.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.server.raft.PersistedState;
import io.shardkv.server.raft.StorageModel;
import io.shardkv.server.raft.StorageModel.Call;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash consistency with real processes: a child JVM ({@link CrashChild}) appends and flushes in a
 * loop, printing each batch once its flush returned, and this test {@code kill -9}s it at a random
 * moment ({@link ProcessHandle#destroyForcibly()} is SIGKILL on Linux), many times over the same data
 * directory. After each kill the directory is recovered here and must hold exactly the state after
 * every reported batch plus a prefix of the calls after them, with correct contents.
 *
 * <p>Rounds: {@code -Dshardkv.storage.crashRounds=N} (default 20).
 */
class KillDashNineCrashTest {
  private static final long SEGMENT_SIZE = 64 << 10;

  @TempDir Path tmp;

  @Test
  void recoveryAfterKillDashNineHoldsEveryReportedBatchAndOnlyAPrefixOfTheRest() throws Exception {
    int rounds = Integer.getInteger("shardkv.storage.crashRounds", 20);
    Path dir = tmp.resolve("node");
    Random timing = new Random(42);
    int roundsWithLoss = 0;
    long totalBatches = 0;
    for (int round = 0; round < rounds; round++) {
      PersistedState before = recover(dir);
      long seed = 1000 + round;
      int killAfterMillis = 50 + timing.nextInt(400);
      List<String> lines = runChildAndKill(dir, seed, killAfterMillis);
      int flushed = 0;
      long reportedLast = before.lastIndex();
      for (String l : lines) {
        if (l.startsWith("FLUSHED ")) {
          flushed++;
          reportedLast = Long.parseLong(l.split(" ")[2]);
        }
      }
      totalBatches += flushed;

      // Recompute what the child did: the reported batches are durable; of the next two batches
      // (one may have been flushed but not yet printed) any prefix of calls may be.
      StorageModel scratch = StorageModel.of(before);
      StorageModel.History history = new StorageModel.History(scratch);
      Random rnd = new Random(seed);
      for (int b = 0; b < flushed; b++) {
        for (Call c : CrashWorkload.nextBatch(rnd, scratch)) history.called(c);
        history.flushed();
      }
      assertEquals(reportedLast, history.current().lastIndex(),
          "round " + round + ": the child's reported last index differs from the recomputed one");
      for (int b = 0; b < 2; b++) {
        for (Call c : CrashWorkload.nextBatch(rnd, scratch)) history.called(c);
      }
      PersistedState after = recover(dir);
      int extra = history.checkRecovered(after);
      if (extra > 0) roundsWithLoss++;
      assertTrue(after.lastIndex() >= 0);
    }
    System.out.printf("kill -9 rounds: %d, batches reported durable: %d, rounds where unreported"
        + " calls survived: %d%n", rounds, totalBatches, roundsWithLoss);
  }

  private static PersistedState recover(Path dir) {
    try (FileRaftStorage s = new FileRaftStorage(dir, NioStorageFiles.INSTANCE, SEGMENT_SIZE, true)) {
      return s.load();
    }
  }

  private static List<String> runChildAndKill(Path dir, long seed, int killAfterMillis)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(),
        dir.toString(), Long.toString(seed), Long.toString(SEGMENT_SIZE));
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = pb.start();
    List<String> lines = new ArrayList<>();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    // Wait until the child has recovered and started writing, then let it run a random while.
    String first = out.readLine();
    if (first == null) throw new AssertionError("child exited before loading: exit " + p.waitFor());
    lines.add(first);
    Thread.sleep(killAfterMillis);
    // SIGKILL through the handle: Process.destroyForcibly() would also close our end of the pipe
    // and lose the lines the child printed just before dying.
    p.toHandle().destroyForcibly();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "child did not die");
    for (String l; (l = out.readLine()) != null; ) lines.add(l);
    return lines;
  }
}

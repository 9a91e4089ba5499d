package io.shardkv.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardkv.server.raft.HardState;
import io.shardkv.server.raft.LogEntry;
import io.shardkv.server.raft.PersistedState;
import io.shardkv.server.raft.RaftStorage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RaftStorage rules 5-7 on the real storage: a batch sealed by {@code prepareFlush()} is synced
 * while later calls — including a truncation of entries the batch in flight appends — fill the
 * next batch; each batch makes exactly its own calls durable, in prepare order.
 */
class FileRaftStorageAsyncFlushTest {
  @TempDir Path tmp;

  private static List<String> log(PersistedState s) {
    return s.entries().stream().map(e -> e.index() + "@" + e.term()).toList();
  }

  private FileRaftStorage open(Path dir) {
    FileRaftStorage s = new FileRaftStorage(dir, NioStorageFiles.INSTANCE, 1 << 20, true);
    s.load();
    return s;
  }

  @Test
  void aTruncationWrittenWhileTheBatchItUndoesIsInFlightWinsOnlyOnceItsOwnBatchIsDurable() throws Exception {
    Path dir = tmp.resolve("n");
    FileRaftStorage s = open(dir);
    s.setHardState(new HardState(1, 2));
    s.append(List.of(CrashWorkload.entry(1, 1, 10), CrashWorkload.entry(2, 1, 10), CrashWorkload.entry(3, 1, 10)));
    RaftStorage.FlushBatch first = s.prepareFlush();
    // Written while the first batch is (about to be) synced: a term-2 leader overwrites 2..3.
    s.setHardState(new HardState(2, 3));
    s.truncateFrom(2);
    s.append(List.of(CrashWorkload.entry(2, 2, 10)));
    RaftStorage.FlushBatch second = s.prepareFlush();

    ExecutorService flusher = Executors.newSingleThreadExecutor();
    flusher.submit(first::sync).get(10, TimeUnit.SECONDS);
    s.close(); // a crash now: the second batch was never synced
    PersistedState p1 = reload(dir);
    assertEquals(List.of("1@1", "2@1", "3@1"), log(p1), "only the first batch is durable");
    assertEquals(new HardState(1, 2), p1.hardState());

    // Same again, this time both batches are synced on the flusher thread, in order.
    Path dir2 = tmp.resolve("n2");
    FileRaftStorage t = open(dir2);
    t.setHardState(new HardState(1, 2));
    t.append(List.of(CrashWorkload.entry(1, 1, 10), CrashWorkload.entry(2, 1, 10), CrashWorkload.entry(3, 1, 10)));
    RaftStorage.FlushBatch a = t.prepareFlush();
    var running = flusher.submit(a::sync);
    t.setHardState(new HardState(2, 3));
    t.truncateFrom(2);
    t.append(List.of(CrashWorkload.entry(2, 2, 10)));
    RaftStorage.FlushBatch b = t.prepareFlush();
    running.get(10, TimeUnit.SECONDS);
    flusher.submit(b::sync).get(10, TimeUnit.SECONDS);
    t.close();
    PersistedState p2 = reload(dir2);
    assertEquals(List.of("1@1", "2@2"), log(p2), "the later truncation and append won");
    assertEquals(new HardState(2, 3), p2.hardState());
    flusher.shutdownNow();
  }

  private static PersistedState reload(Path dir) {
    try (FileRaftStorage r = new FileRaftStorage(dir, NioStorageFiles.INSTANCE, 1 << 20, false)) {
      return r.load();
    }
  }

  @Test
  void callsMadeAfterAPrepareAreNotPartOfItsBatch() {
    Path dir = tmp.resolve("n");
    FileRaftStorage s = open(dir);
    s.append(List.of(CrashWorkload.entry(1, 1, 10)));
    RaftStorage.FlushBatch first = s.prepareFlush();
    s.append(List.of(CrashWorkload.entry(2, 1, 10)));
    first.sync();
    s.close();
    List<LogEntry> durable = reload(dir).entries();
    assertEquals(1, durable.size(), "entry 2 was written after the batch was sealed: " + durable);
  }
}

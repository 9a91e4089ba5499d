package io.shardkv.server.storage;

import io.shardkv.server.raft.EntryKind;
import io.shardkv.server.raft.HardState;
import io.shardkv.server.raft.LogEntry;
import io.shardkv.server.raft.SnapshotMeta;
import io.shardkv.server.raft.StorageModel;
import io.shardkv.server.raft.StorageModel.Call;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A deterministic stream of call batches (one batch per flush) shaped like a Raft node's: mostly
 * appends, sometimes a new term with a vote, a conflicting suffix overwritten, a snapshot. The
 * batch depends only on the random generator and the model state, so a parent process can
 * recompute exactly what a child process did.
 */
final class CrashWorkload {
  private CrashWorkload() {}

  /** Generates the next batch, applying each call to {@code model} as it goes. */
  static List<Call> nextBatch(Random rnd, StorageModel model) {
    List<Call> batch = new ArrayList<>();
    int calls = 1 + rnd.nextInt(4);
    for (int c = 0; c < calls; c++) {
      Call call = nextCall(rnd, model);
      model.apply(call);
      batch.add(call);
    }
    return batch;
  }

  private static Call nextCall(Random rnd, StorageModel m) {
    long last = m.lastIndex();
    long term = Math.max(1, m.hardState().term());
    int choice = rnd.nextInt(100);
    if (choice < 80) {
      int n = 1 + rnd.nextInt(20);
      List<LogEntry> entries = new ArrayList<>();
      for (int i = 1; i <= n; i++) entries.add(entry(last + i, term, rnd.nextInt(2000)));
      return new Call.Append(entries);
    }
    if (choice < 88) return new Call.SetHardState(new HardState(term + 1, rnd.nextInt(5)));
    long lo = m.snapshot().lastIndex() + 1;
    if (choice < 95 && last >= lo) {
      return new Call.Truncate(last - rnd.nextInt((int) Math.min(10, last - lo + 1)));
    }
    long idx = Math.max(m.snapshot().lastIndex() + 1, last - rnd.nextInt(30));
    long t = m.termAt(idx) > 0 ? m.termAt(idx) : term;
    byte[] data = new byte[rnd.nextInt(10_000)];
    fill(data, idx * 131 + t);
    return new Call.SaveSnapshot(new SnapshotMeta(idx, t), data);
  }

  static LogEntry entry(long index, long term, int size) {
    byte[] data = new byte[size];
    fill(data, index * 1_000_003L + term);
    return new LogEntry(index, term, size == 0 ? EntryKind.NOOP : EntryKind.COMMAND, data);
  }

  private static void fill(byte[] data, long seed) {
    long x = seed * 0x9E3779B97F4A7C15L + 1;
    for (int i = 0; i < data.length; i++) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      data[i] = (byte) x;
    }
  }
}

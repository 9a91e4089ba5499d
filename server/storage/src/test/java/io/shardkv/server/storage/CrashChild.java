package io.shardkv.server.storage;

import io.shardkv.server.raft.PersistedState;
import io.shardkv.server.raft.StorageModel;
import io.shardkv.server.raft.StorageModel.Call;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * The child process of {@link KillDashNineCrashTest}: opens the storage, then runs
 * {@link CrashWorkload} batches forever, printing {@code FLUSHED <batch> <lastIndex>} on stdout
 * after each flush returns, until the parent kills it with SIGKILL.
 *
 * <p>Arguments: data directory, seed, segment size in bytes.
 */
public final class CrashChild {
  private CrashChild() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    long seed = Long.parseLong(args[1]);
    long segmentSize = Long.parseLong(args[2]);
    FileRaftStorage storage = new FileRaftStorage(dir, NioStorageFiles.INSTANCE, segmentSize, true);
    PersistedState s = storage.load();
    StorageModel model = StorageModel.of(s);
    Random rnd = new Random(seed);
    System.out.println("LOADED " + s.lastIndex());
    System.out.flush();
    for (long batch = 1; ; batch++) {
      List<Call> calls = CrashWorkload.nextBatch(rnd, model);
      for (Call c : calls) c.applyTo(storage);
      storage.flush();
      System.out.println("FLUSHED " + batch + " " + storage.lastIndex());
      System.out.flush();
    }
  }
}

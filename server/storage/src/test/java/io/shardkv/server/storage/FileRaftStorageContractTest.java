package io.shardkv.server.storage;

import io.shardkv.server.raft.RaftStorage;
import io.shardkv.server.raft.RaftStorageContractTest;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage contract against {@link FileRaftStorage} with tiny (4 KiB) segments, so the
 * contract tests also cross segment rollovers and segment deletion after snapshots. A crash is a
 * close without flush: the buffered calls are lost, as with {@code kill -9}.
 */
class FileRaftStorageContractTest extends RaftStorageContractTest {
  @TempDir Path dir;

  @Override
  protected RaftStorage newStorage() {
    return open();
  }

  @Override
  protected RaftStorage crashAndReopen(RaftStorage storage) {
    storage.close();
    return open();
  }

  private RaftStorage open() {
    return new FileRaftStorage(dir.resolve("node"), NioStorageFiles.INSTANCE, 4096, true);
  }
}

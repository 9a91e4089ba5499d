package io.shardkv.server.sim;

import io.shardkv.server.raft.RaftStorage;
import io.shardkv.server.raft.RaftStorageContractTest;

/**
 * The storage contract that {@code FileRaftStorage} obeys, run against the simulator's disk, so a
 * simulation never relies on a disk more generous than the real one. A crash here keeps a
 * PRNG-chosen prefix of the unflushed calls; the contract suite accepts any prefix.
 */
class SimDiskContractTest extends RaftStorageContractTest {
  private final SimDisk disk = new SimDisk("contract");
  private final SimRandom random = new SimRandom(20261125L);

  @Override
  protected RaftStorage newStorage() {
    return disk.open();
  }

  @Override
  protected RaftStorage crashAndReopen(RaftStorage storage) {
    disk.crash(random);
    return disk.open();
  }
}

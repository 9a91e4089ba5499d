package io.shardkv.chaos.db;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The database under test on its hosts: lifecycle and process faults, always by pid file, never by
 * process name (the lab's hosts share one process table with the control node). A host runs one
 * server process hosting its replicas of every group (as production does, docs/config.md); every
 * operation here acts on all of the host's ShardKV processes, so killing a node kills the database
 * on that node, as in Jepsen.
 */
public interface Db {
  /** Host names in a fixed order (n1, n2, ...). */
  List<String> nodes();

  /**
   * Installs the server distribution and the cluster config on every host, wipes old data, starts
   * every server, joins the shard groups and returns once every group has a leader.
   */
  void setup();

  /**
   * Stops every server this Db started (kill -9 by pid file); idempotent; safe after a failed setup.
   * Data and logs stay on the hosts (for {@link #collectLogs} and post-mortems) until the next
   * {@link #setup()} wipes them.
   */
  void teardown();

  /** The config center's client addresses, HOST:PORT, for the client library. */
  List<String> clusterAddresses();

  /** Admin (HTTP {@code /status}, {@code /metrics}) addresses HOST:PORT of each host's servers. */
  Map<String, List<String>> adminAddresses();

  /** kill -9 of every ShardKV process on the host. */
  void kill(String node);

  /** Starts the host's servers again from their data (those still running are left alone). */
  void start(String node);

  /** SIGSTOP of every ShardKV process on the host. */
  void pause(String node);

  /** SIGCONT of every ShardKV process on the host. */
  void resume(String node);

  /**
   * Asks for power-loss faults ({@link #losePower}) before {@link #setup()}: the setup then puts each
   * host's data directory on a file system that keeps what was not fsynced apart (docs/chaos.md,
   * "Power loss"), or fails saying why the hosts cannot offer it. A Db without such a layer refuses.
   */
  default void usePowerLoss() {
    throw new io.shardkv.chaos.ChaosException("this testbed cannot simulate a power loss (no file system layer that"
        + " drops unsynced writes; use --lab or --nodes with FUSE): the power nemesis is not available here");
  }

  /**
   * Power loss of the host: kill -9 of its ShardKV processes, then everything they wrote that was
   * not yet durable (fsync/fdatasync of the file, fsync of the directory for names) is lost. The
   * servers stay down until {@link #start}. Only after {@link #usePowerLoss()} and setup. Returns
   * what was lost, e.g. {@code lost 4242 byte(s): 3 file(s) changed since their last fsync, 0 name(s) not durable}.
   */
  default String losePower(String node) {
    throw new io.shardkv.chaos.ChaosException("this testbed cannot simulate a power loss");
  }

  /**
   * Slow disk on the host (only after {@link #usePowerLoss()} and setup): from now on every fsync of
   * its data directory waits {@code fsyncDelayMillis} before it makes anything durable (0: normal
   * speed); a power loss during the wait loses what it covered. The host's next power loss (which
   * mounts the layer again) resets it to 0. Returns the layer's answer, e.g.
   * {@code fsync delay 4000 ms}.
   */
  default String slowDisk(String node, long fsyncDelayMillis) {
    throw new io.shardkv.chaos.ChaosException("this testbed cannot slow a disk down (no power-loss file system layer)");
  }

  /** Copies every node's logs into {@code dir/<node>/}; best effort, also after a failed run. */
  void collectLogs(Path dir);
}

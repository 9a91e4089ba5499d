package io.shardkv.server.sim.shardkv;

import io.shardkv.driver.routing.CallOutcome;
import io.shardkv.driver.routing.RetryPolicy;
import io.shardkv.driver.routing.ShardRouter;
import io.shardkv.server.kv.KvOp;
import io.shardkv.server.sim.SimRandom;
import java.util.List;

/**
 * A simulated workload client: a closed loop of get / put / append on shared keys through
 * {@link CallRunner}, each recorded in the history. Append values are unique
 * ({@code c<client>.<n>;}), so a history shows whether every append happened exactly once. After an
 * indefinite outcome the client continues under a fresh process id (Jepsen's convention for a
 * client whose last op may still take effect).
 */
final class WorkloadClient {
  /** Sim retry timing: 300 ms per attempt, 2 s per call (short, so faults leave some ops indefinite), backoff 20 ms doubling to 400 ms. */
  static final RetryPolicy POLICY = new RetryPolicy(300, 2_000, 20, 400);

  private final ShardKvWorld world;
  private final HistoryRecorder history;
  private final SimRandom random;
  private final CallRunner runner;
  private final int index;
  private final int clients;
  private final List<String> keys;
  private final double getRatio;
  private final double putRatio;
  private long process;
  private int generation;
  private int counter;
  private boolean stopping;
  private List<String> finalReads;
  private int finalReadPos;
  private boolean finished;
  private long completedOk;

  WorkloadClient(ShardKvWorld world, HistoryRecorder history, SimRandom random, int index, int clients,
                 List<String> keys, double getRatio, double putRatio) {
    this.world = world;
    this.history = history;
    this.random = random;
    this.index = index;
    this.clients = clients;
    this.keys = keys;
    this.getRatio = getRatio;
    this.putRatio = putRatio;
    this.process = index;
    this.runner = new CallRunner(world, new ShardRouter(1000L + index,
        world.serverNames(ShardRouter.CONFIG_CENTER_GID), POLICY));
  }

  void start(long atMs) {
    world.loop().at(atMs, this::nextOp);
  }

  /** Stops issuing workload ops; after the current one, reads every key of {@code keys} once. */
  void finishWithReads(List<String> readKeys) {
    stopping = true;
    finalReads = readKeys;
    if (!runner.busy()) world.loop().after(0, this::nextOp);
  }

  boolean finished() { return finished; }
  long completedOk() { return completedOk; }
  /** Times this client's session expired and it continued under a new client id (docs/sessions.md). */
  int sessionRenewals() { return runner.router().sessionRenewals(); }

  private void nextOp() {
    if (runner.busy() || finished) return;
    if (stopping) {
      if (finalReadPos >= finalReads.size()) {
        finished = true;
        return;
      }
      get(finalReads.get(finalReadPos), true);
      return;
    }
    String key = keys.get(random.below(keys.size()));
    double p = random.nextDouble();
    if (p < getRatio) {
      get(key, false);
    } else if (p < getRatio + putRatio) {
      String v = "p" + index + "." + (counter++);
      write(key, "put", v, new KvOp.Put(key, v));
    } else {
      String v = "c" + index + "." + (counter++) + ";";
      write(key, "append", v, new KvOp.Append(key, v));
    }
  }

  private void get(String key, boolean finalRead) {
    long proc = process;
    history.invoke(proc, key, "get", null);
    runner.runKeyOp(new KvOp.Get(key), outcome -> {
          if (outcome.kind() == CallOutcome.Kind.COMPLETED) {
            history.complete(proc, io.shardkv.linearizability.Status.OK, "get", CallRunner.valueOf(outcome));
            completedOk++;
            if (finalRead) finalReadPos++;
          } else {
            complete(proc, "get", outcome);
          }
          scheduleNext();
        });
  }

  private void write(String key, String f, String value, KvOp op) {
    long proc = process;
    history.invoke(proc, key, f, value);
    runner.runKeyOp(op, outcome -> {
          if (outcome.kind() == CallOutcome.Kind.COMPLETED) {
            history.complete(proc, io.shardkv.linearizability.Status.OK, f, null);
            completedOk++;
          } else {
            complete(proc, f, outcome);
          }
          scheduleNext();
        });
  }

  private void complete(long proc, String f, CallOutcome outcome) {
    if (outcome.kind() == CallOutcome.Kind.FAILED) {
      history.complete(proc, io.shardkv.linearizability.Status.FAIL, f, null);
    } else {
      history.complete(proc, io.shardkv.linearizability.Status.INFO, f, null);
      generation++;
      process = index + (long) clients * generation;
    }
  }

  private void scheduleNext() {
    world.loop().after(random.between(0, 5), this::nextOp);
  }

}

package io.shardkv.server.sim.shardkv;

import io.shardkv.driver.routing.CallOutcome;
import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.driver.routing.ShardRouter;
import io.shardkv.server.configcenter.ConfigCenterOp;
import io.shardkv.server.sim.SimRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The administrator of the simulated cluster, a client of the config center like any other: joins
 * the groups at the start, then (when reconfiguration is on) every 0.5–2.5 s reads the latest config
 * and joins a group that is out, makes a group leave (never the last one), or moves a shard.
 */
final class Reconfigurer {
  private final ShardKvWorld world;
  private final SimRandom random;
  private final CallRunner runner;
  private boolean running;
  private int joins;
  private int leaves;
  private int moves;

  Reconfigurer(ShardKvWorld world, SimRandom random) {
    this.world = world;
    this.random = random;
    this.runner = new CallRunner(world, new ShardRouter(1L, world.serverNames(ShardRouter.CONFIG_CENTER_GID),
        WorkloadClient.POLICY));
  }

  /** Joins {@code gids} (retrying until the config center says OK), then calls {@code then}. */
  void join(List<Integer> gids, Runnable then) {
    TreeMap<Integer, List<String>> groups = new TreeMap<>();
    for (int g : gids) groups.put(g, world.publishedNames(g));
    runUntilDone(new ConfigCenterOp.Join(groups), o -> {
      joins++;
      then.run();
    });
  }

  /** Leaves {@code gids}, retrying until OK. */
  void leave(List<Integer> gids, Runnable then) {
    runUntilDone(new ConfigCenterOp.Leave(gids), o -> {
      leaves++;
      then.run();
    });
  }

  /** Moves {@code shard} to {@code gid}, retrying until OK. */
  void move(int shard, int gid, Runnable then) {
    runUntilDone(new ConfigCenterOp.Move(shard, gid), o -> {
      moves++;
      then.run();
    });
  }

  /** Runs a query, retrying until it answers. */
  void query(Consumer<ShardConfig> then) {
    runUntilDone(new ConfigCenterOp.Query(-1), o -> then.accept(CallRunner.configOf(o)));
  }

  void startRandomChanges() {
    running = true;
    world.loop().after(random.between(500, 2500), this::round);
  }

  void stop() { running = false; }

  boolean busy() { return runner.busy(); }

  int joins() { return joins; }
  int leaves() { return leaves; }
  int moves() { return moves; }

  private void round() {
    if (!running) return;
    if (runner.busy()) {
      // The initial join (or a retried op) is still running: one admin op at a time.
      world.loop().after(200, this::round);
      return;
    }
    query(cfg -> {
      if (!running) return;
      Runnable next = () -> {
        if (running) world.loop().after(random.between(500, 2500), this::round);
      };
      if (cfg == null) {
        next.run();
        return;
      }
      List<Integer> in = new ArrayList<>(cfg.groups().keySet());
      List<Integer> out = new ArrayList<>();
      for (int g = 1; g <= world.options().groups(); g++) if (!in.contains(g)) out.add(g);
      int choice = random.below(3);
      if (choice == 0 && !out.isEmpty()) {
        join(List.of(out.get(random.below(out.size()))), next);
      } else if (choice == 1 && in.size() > 1) {
        leave(List.of(in.get(random.below(in.size()))), next);
      } else if (!in.isEmpty()) {
        move(random.below(world.options().shards()), in.get(random.below(in.size())), next);
      } else {
        next.run();
      }
    });
  }

  /** Admin ops are retried until definite OK: the same op again is harmless only for a query, so a
   *  write is retried with a fresh seq only after a FAILED outcome (it did not happen). */
  private void runUntilDone(ConfigCenterOp op, Consumer<CallOutcome> then) {
    runner.runConfigCenterOp(op, o -> {
      if (o.kind() == CallOutcome.Kind.COMPLETED || (o.kind() == CallOutcome.Kind.INDEFINITE)) {
        then.accept(o);
      } else {
        world.loop().after(100, () -> runUntilDone(op, then));
      }
    });
  }
}

package io.shardkv.server.sim.shardkv;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.server.sim.FaultKind;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Figures for the report, not assertions on speed: run with {@code -Dshardkv.bench=true}.
 * Throughput of the simulated cluster, and the simulated time a full rebalance takes after a join
 * under load.
 */
@EnabledIfSystemProperty(named = "shardkv.bench", matches = "true")
class ShardKvBenchmarkTest {

  @Test
  void throughputOfTheSimulatedCluster() {
    for (int clients : new int[] {10, 50}) {
      ShardKvSimOptions o = ShardKvSimOptions.defaults(1).withLayout(3, 3, clients).withShardsAndKeys(16, 50)
          .withFaults(20_000, EnumSet.noneOf(FaultKind.class), false);
      new ShardKvSimulation(o.withSeed(99)).run(); // warm-up
      ShardKvSimulation.Result r = new ShardKvSimulation(o).run();
      System.out.printf(Locale.ROOT, "BENCH throughput clients=%d: %d ok ops in %.1f simulated s = %.0f ops/simulated s;"
              + " %.0f ops/wall s; %.0f ops/cpu s (wall %.1f s, cpu %.1f s)%n", clients, r.opsOk(), r.workloadMs() / 1000.0,
          r.opsPerSimulatedSecond(), r.opsPerWallSecond(), r.opsOk() * 1e9 / r.cpuNanos(), r.wallNanos() / 1e9,
          r.cpuNanos() / 1e9);
      assertTrue(r.passed(), String.valueOf(r.failure()));
    }
  }

  @Test
  void fullRebalanceAfterAJoinUnderLoad() {
    for (long seed = 1; seed <= 3; seed++) {
      ClusterFixture f = new ClusterFixture(seed, 3, 3, 64, 64 * 1024);
      f.join(1, 2);
      HistoryRecorder h = new HistoryRecorder(f.world.loop(), f.world.digest());
      List<String> keys = new ArrayList<>();
      for (int k = 0; k < 200; k++) keys.add("key" + k);
      List<WorkloadClient> load = new ArrayList<>();
      for (int c = 0; c < 10; c++) {
        WorkloadClient w = new WorkloadClient(f.world, h, f.world.random().fork("load" + c), c, 10, keys, 0.4, 0.3);
        w.start(f.world.loop().now());
        load.add(w);
      }
      f.runFor(3_000);
      long okBefore = h.ok();
      long start = f.world.loop().now();
      f.join(3);
      long joined = f.world.loop().now();
      int latest = f.client().query(-1).num();
      boolean settled = f.settle(latest, 30_000);
      long end = f.world.loop().now();
      System.out.printf(Locale.ROOT, "BENCH rebalance seed=%d: join committed after %d ms, all 64 shards settled (incl. GC) %d ms"
              + " after the join was issued; %d ops ok during it%n", seed, joined - start, end - start, h.ok() - okBefore);
      assertTrue(settled);
    }
  }
}

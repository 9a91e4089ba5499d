package io.shardkv.chaos.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.chaos.checker.OpPair;
import io.shardkv.chaos.history.Edn;
import io.shardkv.chaos.history.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The numbers behind the plots: windows, quantiles, throughput, fault bands, clock offsets. */
class PlotDataTest {
  private static final long S = 1_000_000_000L;
  private final List<Op> h = new ArrayList<>();

  private void op(long process, String f, long from, long to, Op.Type outcome) {
    h.add(new Op(Op.Type.INVOKE, process, f, null, from, h.size(), Map.of("key", "r0")));
    h.add(new Op(outcome, process, f, null, to, h.size(), Map.of("key", "r0")));
  }

  private void nemesis(String f, Object value, long from, long to, Map<String, Object> extra) {
    h.add(new Op(Op.Type.INFO, Op.NEMESIS, f, value, from, h.size(), Map.of()));
    h.add(new Op(Op.Type.INFO, Op.NEMESIS, f, value, to, h.size(), extra));
  }

  @Test
  void nearestRankQuantiles() {
    double[] v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    assertEquals(5, PlotData.quantile(v, 0.5));
    assertEquals(10, PlotData.quantile(v, 0.95));
    assertEquals(10, PlotData.quantile(v, 0.99));
    assertEquals(1, PlotData.quantile(v, 0.01));
    assertEquals(7, PlotData.quantile(new double[] {7}, 0.99));
    assertTrue(Double.isNaN(PlotData.quantile(new double[0], 0.5)));
    double[] hundred = new double[100];
    for (int i = 0; i < 100; i++) {
      hundred[i] = i + 1;
    }
    assertEquals(50, PlotData.quantile(hundred, 0.5));
    assertEquals(95, PlotData.quantile(hundred, 0.95));
    assertEquals(99, PlotData.quantile(hundred, 0.99));
  }

  @Test
  void windowWidthsAreOneTwoOrFiveTimesAPowerOfTenGivingAboutAHundredWindows() {
    assertEquals(1.0, PlotData.windowWidth(60), 1e-9);
    assertEquals(0.5, PlotData.windowWidth(33), 1e-9);
    assertEquals(2.0, PlotData.windowWidth(165), 1e-9);
    assertEquals(5.0, PlotData.windowWidth(400), 1e-9);
    assertEquals(0.01, PlotData.windowWidth(1), 1e-12);
  }

  @Test
  void windowsCountCompletionsByOutcomeAndTakeQuantilesByInvocation() {
    // window 0 (0-1 s): three ops invoked, latencies 10, 20, 30 ms; one completes in window 1
    op(0, "read", 100_000_000L, 110_000_000L, Op.Type.OK);
    op(1, "write", 200_000_000L, 220_000_000L, Op.Type.FAIL);
    op(2, "cas", 990_000_000L, 1_020_000_000L, Op.Type.OK);
    // window 1: an :info completion and an op the history never completed
    op(3, "write", 1_500_000_000L, 1_900_000_000L, Op.Type.INFO);
    h.add(new Op(Op.Type.INVOKE, 4, "read", null, 1_600_000_000L, h.size(), Map.of("key", "r0")));
    List<PlotData.Window> ws = PlotData.windows(OpPair.clientOps(h), 1.0);
    assertEquals(2, ws.size());
    PlotData.Window w0 = ws.get(0);
    assertArrayEquals(new long[] {1, 1, 0}, w0.completed(), "ok, fail, info completed in 0-1 s");
    assertEquals(3, w0.invoked());
    assertEquals(20, w0.p50(), 1e-9);
    assertEquals(30, w0.p99(), 1e-9);
    assertEquals(30, w0.max(), 1e-9);
    PlotData.Window w1 = ws.get(1);
    assertArrayEquals(new long[] {1, 0, 1}, w1.completed(), "the cas completed at 1.02 s, the :info at 1.9 s");
    assertEquals(2, w1.invoked(), "the never-completed op is invoked here but has no latency");
    assertEquals(400, w1.p50(), 1e-9);
    assertArrayEquals(new double[] {1, 0, 1}, w1.rate(), 1e-9);
    List<PlotData.Point> pts = PlotData.latencies(OpPair.clientOps(h));
    assertEquals(4, pts.size(), "only completed ops have a latency");
    assertEquals(Op.Type.INFO, pts.get(3).outcome());
  }

  @Test
  void faultBandsRunFromTheFaultToTheEndOfItsUndoingAndReconfigurationsSpanTheirOp() {
    nemesis("start-partition", Edn.kw("majorities-ring"), 1 * S, 2 * S, Map.of());
    nemesis("kill", Edn.kw("leaders"), 3 * S, 3 * S + 100, Map.of());
    nemesis("stop-partition", null, 4 * S, 5 * S, Map.of());
    nemesis("move-shard", null, 6 * S, 7 * S, Map.of());
    nemesis("start", Edn.kw("all"), 8 * S, 9 * S, Map.of());
    nemesis("bump-clock", Map.of("n1", 500L), 10 * S, 11 * S, Map.of("clock-offsets", Map.of("n1", 499L, "n2", 1L)));
    List<PlotData.Band> bands = PlotData.bands(h);
    assertEquals(4, bands.size(), bands.toString());
    assertEquals(new PlotData.Band("partition", 1, 5, "start-partition :majorities-ring", "majorities-ring"),
        bands.get(0));
    assertEquals("kill", bands.get(1).kind());
    assertEquals(3, bands.get(1).from(), 1e-9);
    assertEquals(9, bands.get(1).to(), 1e-9);
    assertEquals("leaders", bands.get(1).variant());
    assertEquals(new PlotData.Band("reconfig", 6, 7, "move-shard ", "move-shard"), bands.get(2));
    PlotData.Band clock = bands.get(3);
    assertEquals("clock", clock.kind());
    assertEquals(11, clock.to(), 1e-9, "still open at the end of the history");
    Map<String, List<double[]>> offsets = PlotData.clockOffsets(h);
    assertEquals(List.of("n1", "n2"), new ArrayList<>(offsets.keySet()));
    assertArrayEquals(new double[] {0, 0}, offsets.get("n1").get(0), "every clock starts at 0");
    assertArrayEquals(new double[] {11, 499}, offsets.get("n1").get(1));
  }
}

package io.shardkv.chaos.checker;

import io.shardkv.chaos.history.Edn;
import io.shardkv.chaos.history.Op;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Availability: the fraction of client ops that succeeded while a fault was active and while none
 * was, judged by each op's invocation time (the final reads after healing are left out). A fault
 * window opens when a fault begins (the invocation of {@code :start-partition}, {@code :kill},
 * {@code :pause}, {@code :bump-clock}, {@code :strobe-clock}, {@code :strike}, {@code :lose-power}, {@code :strand-leader}) and
 * closes when the nemesis op that undoes it completes ({@code :stop-partition}, {@code :start},
 * {@code :resume}, {@code :reset-clock}, {@code :recover}, {@code :restore-power}, {@code :rejoin-leader}), or at the end of the history. Reconfigurations are
 * counted as events, not windows. {@code :availability} is the fraction {@code :ok};
 * {@code :answered} also counts a cas that the database refused because the value differed
 * ({@code :fail} with {@code :error "cas mismatch"}): an answer, not an outage. Informational:
 * always valid.
 */
public final class AvailabilityChecker implements Checker {
  /** Fault-starting {@code :f} → the {@code :f} that ends it. */
  public static final Map<String, String> WINDOWS = Map.of(
      "start-partition", "stop-partition", "kill", "start", "pause", "resume",
      "bump-clock", "reset-clock", "strobe-clock", "reset-clock", "strike", "recover",
      "lose-power", "restore-power", "strand-leader", "rejoin-leader");

  /** The {@code :error} of a cas the database refused because the value differed. */
  public static final String CAS_MISMATCH = "cas mismatch";

  /** A fault interval, nanoseconds since the start. */
  public record Window(String fault, long from, long to) {}

  /** The fault windows of {@code history}, by the time they open. */
  public static List<Window> windows(List<Op> history) {
    long end = history.isEmpty() ? 0 : history.get(history.size() - 1).time();
    Map<String, Long> open = new TreeMap<>();
    List<Window> ws = new ArrayList<>();
    for (OpPair p : OpPair.nemesisOps(history)) {
      String f = p.invoke().f();
      if (WINDOWS.containsKey(f)) {
        open.putIfAbsent(f, p.invoke().time());
      }
      for (Map.Entry<String, String> w : WINDOWS.entrySet()) {
        if (w.getValue().equals(f) && open.containsKey(w.getKey())) {
          long stop = p.completion() == null ? end : p.completion().time();
          ws.add(new Window(w.getKey(), open.remove(w.getKey()), stop));
        }
      }
    }
    open.forEach((f, from) -> ws.add(new Window(f, from, end)));
    ws.sort(Comparator.comparingLong(Window::from));
    return ws;
  }

  static boolean inside(List<Window> ws, long t) {
    for (Window w : ws) {
      if (w.from() <= t && t <= w.to()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Result check(CheckInput input) {
    List<Window> ws = windows(input.history());
    long[] in = new long[3];
    long[] out = new long[3];
    for (OpPair p : OpPair.clientOps(input.history())) {
      if (p.invoke().isFinal()) {
        continue;
      }
      long[] bucket = inside(ws, p.invoke().time()) ? in : out;
      bucket[0]++;
      if (p.type() == Op.Type.OK) {
        bucket[1]++;
      }
      if (p.type() == Op.Type.OK || (p.type() == Op.Type.FAIL && CAS_MISMATCH.equals(p.completion().error()))) {
        bucket[2]++;
      }
    }
    Map<Object, Object> byFault = new LinkedHashMap<>();
    Map<String, long[]> agg = new TreeMap<>();
    for (Window w : ws) {
      long[] a = agg.computeIfAbsent(w.fault(), f -> new long[2]);
      a[0]++;
      a[1] += w.to() - w.from();
    }
    agg.forEach((f, a) -> byFault.put(Edn.kw(f), Edn.map("windows", a[0], "seconds", round(a[1] / 1e9))));
    return new Result(Validity.VALID, Edn.map(
        "in-faults", Edn.map("ops", in[0], "ok", in[1], "availability", fraction(in[1], in[0]),
            "answered", fraction(in[2], in[0])),
        "outside-faults", Edn.map("ops", out[0], "ok", out[1], "availability", fraction(out[1], out[0]),
            "answered", fraction(out[2], out[0])),
        "fault-windows", byFault));
  }

  private static Object fraction(long part, long whole) {
    return whole == 0 ? null : round((double) part / whole);
  }

  static double round(double d) {
    return Math.round(d * 1000) / 1000.0;
  }
}

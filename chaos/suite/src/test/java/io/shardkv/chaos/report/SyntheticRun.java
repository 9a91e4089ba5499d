package io.shardkv.chaos.report;

import io.shardkv.chaos.history.Edn;
import io.shardkv.chaos.history.HistoryWriter;
import io.shardkv.chaos.history.Op;
import io.shardkv.chaos.run.Campaign;
import io.shardkv.chaos.run.TestSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * A stored run made without a cluster, for the report's tests: a register workload simulated as a
 * real register (each op takes effect at one instant inside its interval, so the history is
 * linearizable by construction), client threads split over keys, about one in fifty ops
 * indeterminate (the process retired, Jepsen's rule), and the nemesis's ops a campaign would record —
 * partitions, kills, clock bumps with {@code :clock-offsets}, strikes with {@code :saw}, and the
 * observer's {@code :cluster-states}. With {@code staleRead}, one read of key {@code r1} returns a
 * value overwritten twice before it began: not linearizable. The run directory gets test.edn,
 * history.edn and the real checkers' results.edn / results.json.
 */
public final class SyntheticRun {
  private SyntheticRun() {}

  /** Writes a run of about {@code ops} client ops into {@code dir}; returns {@code dir}. */
  public static Path write(Path dir, int ops, boolean staleRead, long seed) throws IOException {
    Files.createDirectories(dir);
    int concurrency = 10;
    // concurrency 10 over 5 keys: two threads per key, so each key's history stays quick to check
    TestSpec spec = new TestSpec("register", List.of("partition", "kill", "clock", "trigger"), 10, List.of(), Math.max(10, ops / 100.0),
        concurrency, 100, 5, 200, seed, 10, 5, "local", List.of("n1", "n2", "n3"), false);
    Files.writeString(dir.resolve("test.edn"), Edn.pretty(spec.toEdn()), StandardCharsets.UTF_8);
    List<Op> h = history(ops, concurrency, staleRead, seed);
    try (HistoryWriter w = new HistoryWriter(dir.resolve("history.edn"))) {
      h.forEach(w::append);
    }
    Map<Object, Object> results = Campaign.check(dir.resolve("history.edn"), "register", Duration.ofSeconds(120), dir);
    Campaign.write(dir, results);
    return dir;
  }

  /** {@code SyntheticRun DIR OPS STALE SEED}: writes a run and its pages (for looking at them by hand). */
  public static void main(String[] args) throws IOException {
    Path dir = write(Path.of(args[0]), Integer.parseInt(args[1]), Boolean.parseBoolean(args[2]), Long.parseLong(args[3]));
    RunReport.Written w = RunReport.write(dir.resolve("history.edn"), dir);
    System.out.println("pages of " + w.ops() + " ops in " + w.millis() + " ms " + w.phases() + ": " + w.files());
  }

  private record Event(long time, int kind, int thread, long seq) {}

  /** The history, in time order, with :index numbering. */
  static List<Op> history(int total, int concurrency, boolean staleRead, long seed) {
    Random rnd = new Random(seed);
    List<Op> out = new ArrayList<>();
    Map<String, Object> registers = new HashMap<>();
    long[] process = new long[concurrency];
    for (int t = 0; t < concurrency; t++) {
      process[t] = t;
    }
    Op[] pending = new Op[concurrency];
    Object[] result = new Object[concurrency];
    boolean[] info = new boolean[concurrency];
    PriorityQueue<Event> q = new PriorityQueue<>(Comparator.comparingLong(Event::time).thenComparingLong(Event::seq));
    long seq = 0;
    for (int t = 0; t < concurrency; t++) {
      q.add(new Event(1_000_000L + t * 137_000L, 0, t, seq++));
    }
    int invoked = 0;
    // the stale read on r1: W7 writes 7 (the only write of 7 ever), then a write W2 of another value is
    // invoked after W7 completed and completes, then a read invoked after that returns 7
    int phase = staleRead ? 0 : -1;
    long lastNemesis = 0;
    int nemesisStep = 0;
    while (!q.isEmpty()) {
      Event e = q.poll();
      int t = e.thread();
      long now = e.time();
      if (now - lastNemesis > 700_000_000L && invoked < total) {
        lastNemesis = now;
        nemesis(out, now, nemesisStep++, rnd);
      }
      switch (e.kind()) {
        case 0 -> { // invoke
          if (invoked >= total) {
            continue;
          }
          invoked++;
          String key = "r" + (t % 5 + 5 * (invoked / 400));
          int r = rnd.nextInt(10);
          boolean r1 = key.equals("r1");
          Op op;
          info[t] = rnd.nextInt(50) == 0;
          if (r1 && phase == 0 && r >= 4) {
            op = new Op(Op.Type.INVOKE, process[t], "write", 7L, now, 0, Map.of("key", key, "scenario", 1));
            phase = 10; // W7 running
            info[t] = false;
          } else if (r1 && phase == 1 && r >= 4) {
            op = new Op(Op.Type.INVOKE, process[t], "write", (long) rnd.nextInt(5), now, 0, Map.of("key", key, "scenario", 2));
            phase = 11; // W2 running
            info[t] = false;
          } else if (r1 && phase == 2) {
            op = new Op(Op.Type.INVOKE, process[t], "read", null, now, 0, Map.of("key", key, "scenario", 3));
            phase = 3;
            info[t] = false;
          } else if (r < 4) {
            op = new Op(Op.Type.INVOKE, process[t], "read", null, now, 0, Map.of("key", key));
          } else if (r < 7) {
            op = new Op(Op.Type.INVOKE, process[t], "write", (long) rnd.nextInt(5), now, 0, Map.of("key", key));
          } else {
            op = new Op(Op.Type.INVOKE, process[t], "cas", List.of((long) rnd.nextInt(5), (long) rnd.nextInt(5)), now, 0,
                Map.of("key", key));
          }
          out.add(op.with("scenario", null));
          pending[t] = op;
          long lat = 300_000L + (long) (Math.abs(rnd.nextGaussian()) * 2_000_000L) + (rnd.nextInt(200) == 0 ? 900_000_000L : 0);
          q.add(new Event(now + (long) (lat * rnd.nextDouble()), 1, t, seq++));
          q.add(new Event(now + lat, 2, t, seq++));
        }
        case 1 -> { // takes effect
          Op op = pending[t];
          String key = String.valueOf(op.key());
          Object cur = registers.get(key);
          if (info[t] && rnd.nextBoolean()) {
            result[t] = "no effect";
            continue;
          }
          switch (op.f()) {
            case "read" -> result[t] = op.extra().containsKey("scenario") ? (Object) 7L : cur;
            case "write" -> {
              registers.put(key, op.value());
              result[t] = op.value();
            }
            default -> {
              List<?> ab = (List<?>) op.value();
              boolean okCas = ab.get(0).equals(cur);
              if (okCas) {
                registers.put(key, ab.get(1));
              }
              result[t] = okCas ? op.value() : "mismatch";
            }
          }
        }
        default -> { // completes
          Op op = pending[t];
          Map<String, Object> x = new LinkedHashMap<>(op.extra());
          Object scenario = x.remove("scenario");
          if (Integer.valueOf(1).equals(scenario)) {
            phase = 1;
          } else if (Integer.valueOf(2).equals(scenario)) {
            phase = 2;
          }
          Op done;
          if (info[t] && !op.f().equals("read")) {
            done = new Op(Op.Type.INFO, op.process(), op.f(), op.value(), now, 0, x).with("error", "timed out");
            process[t] += concurrency;
          } else if (info[t] || "mismatch".equals(result[t])) {
            done = new Op(Op.Type.FAIL, op.process(), op.f(), op.value(), now, 0, x)
                .with("error", info[t] ? "timed out" : "cas mismatch");
          } else {
            done = new Op(Op.Type.OK, op.process(), op.f(), op.f().equals("read") ? result[t] : op.value(), now, 0, x);
          }
          out.add(done);
          q.add(new Event(now + 100_000L + rnd.nextInt(20_000_000), 0, t, seq++));
        }
      }
    }
    List<Op> indexed = new ArrayList<>(out.size());
    out.sort(Comparator.comparingLong(Op::time));
    for (int i = 0; i < out.size(); i++) {
      indexed.add(out.get(i).withIndex(i));
    }
    return indexed;
  }

  /** One nemesis op pair at {@code now}, cycling through fault, heal, clock and strike ops. */
  private static void nemesis(List<Op> out, long now, int step, Random rnd) {
    long done = now + 30_000_000L;
    List<Object> states = List.of(Edn.map("state", Edn.kw(step % 3 == 0 ? "election" : "migration"), "from", now - 300_000_000L,
        "to", now - 100_000_000L, "hosts", List.of("n" + (1 + step % 3))));
    Op inv;
    Op fin;
    switch (step % 8) {
      case 0 -> {
        inv = Op.nemesis("start-partition", Edn.kw(step % 16 == 0 ? "majorities-ring" : "halves"));
        fin = inv.withValue(Map.of("n1", List.of("n2"), "n2", List.of("n1"))).with("shape", inv.value());
      }
      case 2, 6 -> {
        inv = Op.nemesis(step % 8 == 2 ? "stop-partition" : "start", step % 8 == 2 ? null : Edn.kw("all"));
        fin = inv;
      }
      case 1 -> {
        inv = Op.nemesis("bump-clock", Map.of("n2", (long) (rnd.nextInt(4000) - 2000)));
        fin = inv.with("clock-offsets", Map.of("n1", 0L, "n2", ((Map<?, ?>) inv.value()).get("n2"), "n3", 1L));
      }
      case 3 -> {
        inv = Op.nemesis("reset-clock", List.of("n1", "n2", "n3"));
        fin = inv.with("clock-offsets", Map.of("n1", 0L, "n2", 2L, "n3", 1L));
      }
      case 4 -> {
        inv = Op.nemesis("kill", Edn.kw("leaders"));
        fin = inv.withValue(List.of("n2"));
      }
      case 5 -> {
        inv = Op.nemesis("strike", Edn.map("when", Edn.kw("snapshot"), "fault", Edn.kw("pause")));
        fin = inv.withValue(Edn.map("when", Edn.kw("snapshot"), "fault", Edn.kw("pause"), "node", "n3", "saw", "n1 node 1 sending"));
      }
      default -> {
        inv = Op.nemesis("recover", null);
        fin = inv.withValue(List.of("n3"));
      }
    }
    out.add(inv.withTime(now));
    out.add(fin.withTime(done).with("cluster-states", states));
  }
}

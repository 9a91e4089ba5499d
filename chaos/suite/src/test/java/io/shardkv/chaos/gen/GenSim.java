package io.shardkv.chaos.gen;

import io.shardkv.chaos.history.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * A deterministic stand-in for the interpreter: simulated time, every op takes {@code latency(op)}
 * nanoseconds and completes with {@code outcome(op)}. Same generator, same latencies, same history.
 */
final class GenSim {
  private GenSim() {}

  static final long MS = 1_000_000L;

  private record Pending(long at, long seq, int thread, Op op) {}

  /** The history (invocations and completions, in time order) of running {@code g}; at most {@code maxOps} invocations. */
  static List<Op> run(Generator g, int concurrency, ToLongFunction<Op> latency, Function<Op, Op.Type> outcome, int maxOps) {
    Context init = Context.initial(concurrency);
    TreeMap<Integer, Long> processes = new TreeMap<>(init.processes());
    TreeSet<Integer> free = new TreeSet<>(init.free());
    PriorityQueue<Pending> pq = new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    List<Op> history = new ArrayList<>();
    long t = 0;
    long seq = 0;
    int invoked = 0;
    while (invoked < maxOps) {
      Step s = g.next(new Context(t, processes, free));
      switch (s.kind()) {
        case LOG -> g = s.rest();
        case DONE -> {
          if (pq.isEmpty()) {
            return history;
          }
          t = pq.peek().at();
        }
        case PENDING -> {
          g = s.rest();
          t = pq.isEmpty() ? t + MS : Math.min(t + MS, pq.peek().at());
        }
        case OP -> {
          Op op = s.op();
          if (op.time() > t) {
            t = pq.isEmpty() ? op.time() : Math.min(op.time(), pq.peek().at());
          } else {
            g = s.rest();
            int thread = -2;
            for (var e : processes.entrySet()) {
              if (e.getValue() == op.process()) {
                thread = e.getKey();
              }
            }
            if (!free.remove(thread)) {
              throw new AssertionError("op for a busy or unknown process: " + op);
            }
            Op inv = op.withType(op.isNemesis() ? Op.Type.INFO : Op.Type.INVOKE).withTime(t).withIndex(history.size());
            history.add(inv);
            invoked++;
            pq.add(new Pending(t + latency.applyAsLong(op), seq++, thread, inv));
          }
        }
      }
      while (!pq.isEmpty() && pq.peek().at() <= t) {
        Pending p = pq.poll();
        Op.Type type = p.op().isNemesis() ? Op.Type.INFO : outcome.apply(p.op());
        history.add(p.op().withType(type).withTime(p.at()).withIndex(history.size()));
        free.add(p.thread());
        if (p.thread() >= 0 && type == Op.Type.INFO) {
          processes.put(p.thread(), processes.get(p.thread()) + concurrency);
        }
      }
    }
    return history;
  }

  /** Every op takes 10 ms and succeeds. */
  static List<Op> run(Generator g, int concurrency, int maxOps) {
    return run(g, concurrency, op -> 10 * MS, op -> Op.Type.OK, maxOps);
  }

  static List<Op> invocations(List<Op> history) {
    return history.stream().filter(o -> o.isInvoke() || (o.isNemesis() && isNemesisInvoke(history, o))).toList();
  }

  private static boolean isNemesisInvoke(List<Op> history, Op o) {
    int n = 0;
    for (Op x : history) {
      if (x.isNemesis()) {
        if (x == o) {
          return n % 2 == 0;
        }
        n++;
      }
    }
    return false;
  }
}

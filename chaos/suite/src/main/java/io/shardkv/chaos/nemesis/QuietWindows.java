package io.shardkv.chaos.nemesis;

import io.shardkv.chaos.gen.Context;
import io.shardkv.chaos.gen.Gen;
import io.shardkv.chaos.gen.Generator;
import io.shardkv.chaos.gen.Rng;
import io.shardkv.chaos.gen.Step;
import java.util.ArrayList;
import java.util.List;

/**
 * The nemesis schedule when a class that needs a working cluster to act at all ({@link #QUIET}:
 * reconfiguration, which is a config-center write, and membership change) runs together with other
 * fault classes: cycles of a chaos phase and a quiet window.
 *
 * <ol>
 *   <li><b>Chaos phase</b>, {@value #CHAOS_INTERVALS} nemesis intervals long: every other class on
 *       its own staggered flip-flop of fault and undo, as {@link Nemeses#generator} runs it, each
 *       starting after its own random offset in [0, interval). A class whose fault is still on
 *       when the phase ends gets its own undo op then, so each class still alternates fault, undo,
 *       fault across phases.</li>
 *   <li><b>Quiet window</b>: once those undo ops completed (the one nemesis thread runs its ops in
 *       order), the next {@value #OPS_PER_WINDOW} ops of each quiet class's flip-flop: for
 *       reconfiguration a {@code :leave-group} or {@code :move-shard}, then {@code :join-group}
 *       (skipped after a move: no group left). Their config-center calls retry across leaders until the op's deadline
 *       ({@link ReconfigNemesis#deadline}), which covers killed servers starting again and the
 *       config center electing a leader. The next chaos phase starts when they are done, so the
 *       shard migrations they set off run under faults.</li>
 * </ol>
 *
 * <p>Why (issue 14): with every class striking every 5 s, some fault is almost always on; in the
 * all-nemesis lab campaign the config center (3 of the 5 hosts) had a leader for about 4 s of a
 * 65 s main phase (a majority of its hosts killed, restarting, paused or cut off), so every
 * reconfiguration op failed, whatever its deadline, and reconfiguration went untested.
 *
 * <p>Invariant: while a quiet op runs, no op of another class is outstanding and every fault of
 * another class that this schedule started has been undone.
 */
final class QuietWindows {
  /**
   * The classes whose ops run in quiet windows, in {@link Nemeses#CLASSES} order: reconfiguration
   * (a config-center write) and membership change (a group's leader must commit a configuration
   * entry and a learner must catch up; under every class at once on a loaded lab every member op
   * found no leader within its wait and was skipped, so membership change went untested).
   */
  static final List<String> QUIET = List.of("reconfig", "member");

  /** Length of a chaos phase, in nemesis intervals. */
  static final int CHAOS_INTERVALS = 2;

  /**
   * Ops of each quiet class per window, a fault and its undo: the first waits for the cluster to
   * recover, the second finds it working (after a {@code :leave-group}, the group joins again while
   * its shards are still moving away).
   */
  static final int OPS_PER_WINDOW = 2;

  private QuietWindows() {}

  /** True when {@code classes} combine a quiet class with some other class. */
  static boolean apply(List<String> classes) {
    return classes.stream().anyMatch(QUIET::contains) && classes.stream().anyMatch(c -> !QUIET.contains(c));
  }

  /** The schedule (without the first quiet sleep, which the caller adds) for {@code classes}. */
  static Generator generator(List<String> classes, double intervalSeconds, List<String> targets, List<String> nodes, Rng rng) {
    List<String> chaos = new ArrayList<>();
    List<Generator> quiet = new ArrayList<>();
    for (int i = 0; i < Nemeses.KNOWN.size(); i++) {
      String c = Nemeses.KNOWN.get(i);
      if (!classes.contains(c)) {
        continue;
      }
      if (QUIET.contains(c)) {
        quiet.add(Nemeses.flipFlop(c, targets, nodes, rng.fork(200 + i)));
      } else {
        chaos.add(c);
      }
    }
    Phases p = new Phases(List.copyOf(chaos), intervalSeconds, targets, nodes, rng);
    return new Cycle(p, 0, Cycle.START, null, List.copyOf(quiet), 0);
  }

  /** What builds chaos phase {@code k}: a pure function of the run's seed and {@code k}. */
  private record Phases(List<String> classes, double interval, List<String> targets, List<String> nodes, Rng rng) {
    Generator phase(int k, long now) {
      long cutoff = now + (long) (CHAOS_INTERVALS * interval * 1e9);
      List<Generator> pkgs = new ArrayList<>();
      for (String c : classes) {
        int i = Nemeses.KNOWN.indexOf(c);
        Rng r = rng.fork(1_000_000L * (k + 1) + i);
        double offset = r.fork(1).random().nextDouble() * interval;
        Generator g = Gen.then(Gen.sleep(offset), Gen.stagger(r.fork(2), interval, Nemeses.flipFlop(c, targets, nodes, r.fork(3))));
        pkgs.add(new Bounded(g, cutoff, false));
      }
      return Gen.any(pkgs);
    }
  }

  /**
   * One class's flip-flop until {@code cutoff} (ns): ops due before it pass; then, if the class's
   * fault is {@code on} (an odd number of its ops passed: the flip-flop starts with a fault), its
   * next op, which is the undo, at the cutoff; then done.
   */
  private record Bounded(Generator g, long cutoff, boolean on) implements Generator {
    @Override
    public Step next(Context ctx) {
      Step s = g.next(ctx);
      return switch (s.kind()) {
        case DONE -> Step.DONE;
        case LOG -> Step.log(s.message(), new Bounded(s.rest(), cutoff, on));
        case PENDING -> !on && ctx.time() >= cutoff ? Step.DONE : Step.pending(new Bounded(s.rest(), cutoff, on));
        case OP -> {
          if (s.op().time() < cutoff) {
            yield Step.op(s.op(), new Bounded(s.rest(), cutoff, !on));
          }
          yield on ? Step.op(s.op().withTime(Math.max(cutoff, ctx.time())), Gen.NONE) : Step.DONE;
        }
      };
    }
  }

  /**
   * Where the schedule is: {@link #START} of chaos phase {@code k} (waits for the nemesis thread),
   * in it ({@link #CHAOS}, {@code chaos} its rest), or in its quiet window ({@link #QUIET_OPS},
   * {@code next} ops of it run: the next is {@code quiet.get(next % quiet.size())}'s). {@code quiet}
   * holds each quiet class's ops.
   */
  private record Cycle(Phases phases, int k, int state, Generator chaos, List<Generator> quiet, int next) implements Generator {
    static final int START = 0;
    static final int CHAOS = 1;
    static final int QUIET_OPS = 2;

    @Override
    public Step next(Context ctx) {
      switch (state) {
        case START -> {
          // The phase's clock starts when the last quiet op has completed, not when it was issued.
          if (!ctx.allFree()) {
            return Step.pending(this);
          }
          return new Cycle(phases, k, CHAOS, phases.phase(k, ctx.time()), quiet, 0).next(ctx);
        }
        case CHAOS -> {
          Step s = chaos.next(ctx);
          if (s.isDone()) {
            return new Cycle(phases, k, QUIET_OPS, null, quiet, 0).next(ctx);
          }
          return new Step(s.kind(), s.op(), s.message(), new Cycle(phases, k, CHAOS, s.rest(), quiet, 0));
        }
        default -> {
          if (next >= quiet.size() * OPS_PER_WINDOW) {
            return new Cycle(phases, k + 1, START, null, quiet, 0).next(ctx);
          }
          int i = next % quiet.size();
          Step s = quiet.get(i).next(ctx);
          if (s.isDone()) {
            return new Cycle(phases, k, QUIET_OPS, null, quiet, next + 1).next(ctx);
          }
          List<Generator> q = new ArrayList<>(quiet);
          q.set(i, s.rest());
          return new Step(s.kind(), s.op(), s.message(), new Cycle(phases, k, QUIET_OPS, null, List.copyOf(q), s.isOp() ? next + 1 : next));
        }
      }
    }
  }
}

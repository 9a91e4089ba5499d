package io.shardkv.chaos.gen;

import io.shardkv.chaos.history.Op;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Generator combinators, after Jepsen's {@code jepsen.generator}. Every generator here is an
 * immutable value (see {@link Generator}); times are nanoseconds since the start of the run.
 *
 * <p>Sources: {@link #once}, {@link #repeat}, {@link #fn}, {@link #sleep}, {@link #log},
 * {@link #lazy}. Combinators: {@link #then} and {@link #phases} (sequence, with a barrier for
 * phases), {@link #mix}, {@link #any}, {@link #flipFlop}, {@link #limit}, {@link #processLimit},
 * {@link #timeLimit}, {@link #stagger} and {@link #delay} (rates), {@link #clients} /
 * {@link #nemesis} (which threads may run the ops), {@link #map}.
 */
public final class Gen {
  private Gen() {}

  private static long nanos(double seconds) {
    return (long) (seconds * 1e9);
  }

  /** The exhausted generator. */
  public static final Generator NONE = ctx -> Step.DONE;

  /**
   * Fills a template in: a nemesis template goes to the nemesis thread, a client template to the
   * lowest free client thread; its time is at least now. Null when no fitting thread is free.
   */
  public static Op fill(Op template, Context ctx) {
    Long process = null;
    if (template.isNemesis()) {
      if (ctx.free().contains(Context.NEMESIS_THREAD)) {
        process = Op.NEMESIS;
      }
    } else {
      Integer t = ctx.free().ceiling(0);
      if (t != null) {
        process = ctx.processes().get(t);
      }
    }
    if (process == null) {
      return null;
    }
    return template.withProcess(process).withTime(Math.max(template.time(), ctx.time()));
  }

  // ------------------------------------------------------------------ sources

  /** One op, then done. */
  public static Generator once(Op template) {
    return new Generator() {
      @Override
      public Step next(Context ctx) {
        Op op = fill(template, ctx);
        return op == null ? Step.pending(this) : Step.op(op, NONE);
      }
    };
  }

  /** The same op forever. */
  public static Generator repeat(Op template) {
    return new Generator() {
      @Override
      public Step next(Context ctx) {
        Op op = fill(template, ctx);
        return op == null ? Step.pending(this) : Step.op(op, this);
      }
    };
  }

  /** Ops made by {@code f} from a fresh random for each op, forever. */
  public static Generator fn(Rng rng, Function<SplittableRandom, Op> f) {
    return new Fn(rng, f);
  }

  private record Fn(Rng rng, Function<SplittableRandom, Op> f) implements Generator {
    @Override
    public Step next(Context ctx) {
      Op op = fill(f.apply(rng.random()), ctx);
      return op == null ? Step.pending(this) : Step.op(op, new Fn(rng.next(), f));
    }
  }

  /** Writes {@code message} to the run's log, then done. */
  public static Generator log(String message) {
    return ctx -> Step.log(message, NONE);
  }

  /** Nothing for {@code seconds} from the first time it is asked, then done. */
  public static Generator sleep(double seconds) {
    return new Sleep(nanos(seconds), Long.MIN_VALUE);
  }

  private record Sleep(long dt, long until) implements Generator {
    @Override
    public Step next(Context ctx) {
      long u = until == Long.MIN_VALUE ? ctx.time() + dt : until;
      return ctx.time() >= u ? Step.DONE : Step.pending(new Sleep(dt, u));
    }
  }

  /**
   * The generator {@code supplier} makes when first asked (for generators that depend on what the
   * run did, such as the final read of every key written). The supplier must give the same answer
   * when asked twice at the same point of the run.
   */
  public static Generator lazy(Supplier<Generator> supplier) {
    return ctx -> supplier.get().next(ctx);
  }

  // ------------------------------------------------------------------ sequencing

  /** Each generator until it is exhausted, then the next. */
  public static Generator then(Generator... gens) {
    return then(List.of(gens));
  }

  public static Generator then(List<Generator> gens) {
    return gens.isEmpty() ? NONE : new Then(List.copyOf(gens));
  }

  private record Then(List<Generator> gens) implements Generator {
    @Override
    public Step next(Context ctx) {
      List<Generator> rest = gens;
      while (!rest.isEmpty()) {
        Step s = rest.get(0).next(ctx);
        if (s.isDone()) {
          rest = rest.subList(1, rest.size());
          continue;
        }
        List<Generator> after = new ArrayList<>(rest);
        after.set(0, s.rest());
        return new Step(s.kind(), s.op(), s.message(), new Then(List.copyOf(after)));
      }
      return Step.DONE;
    }
  }

  /** Waits until every visible thread is free, then behaves as {@code g}. */
  public static Generator synchronize(Generator g) {
    return new Generator() {
      @Override
      public Step next(Context ctx) {
        return ctx.allFree() ? g.next(ctx) : Step.pending(this);
      }
    };
  }

  /** Phases: each generator starts only when the previous one is exhausted and all its ops completed. */
  public static Generator phases(Generator... gens) {
    List<Generator> l = new ArrayList<>();
    for (int i = 0; i < gens.length; i++) {
      l.add(i == 0 ? gens[i] : synchronize(gens[i]));
    }
    return then(l);
  }

  // ------------------------------------------------------------------ choice

  /** Each op from a generator picked at random (pick the same one twice for weight 2). */
  public static Generator mix(Rng rng, Generator... gens) {
    return gens.length == 0 ? NONE : new Mix(rng, List.of(gens));
  }

  private record Mix(Rng rng, List<Generator> gens) implements Generator {
    @Override
    public Step next(Context ctx) {
      List<Generator> live = gens;
      SplittableRandom r = rng.random();
      while (!live.isEmpty()) {
        int i = r.nextInt(live.size());
        Step s = live.get(i).next(ctx);
        if (s.isDone()) {
          List<Generator> l = new ArrayList<>(live);
          l.remove(i);
          live = List.copyOf(l);
          continue;
        }
        List<Generator> l = new ArrayList<>(live);
        l.set(i, s.rest());
        return new Step(s.kind(), s.op(), s.message(), new Mix(s.isOp() ? rng.next() : rng, List.copyOf(l)));
      }
      return Step.DONE;
    }
  }

  /**
   * All generators at once, each on its own schedule: the op due soonest wins. Ties go to the
   * generator that has waited longest: the one that emits moves to the back of the line (so when
   * the threads are saturated and every generator has an op due now, they take turns). Done when
   * all are.
   */
  public static Generator any(Generator... gens) {
    return any(List.of(gens));
  }

  public static Generator any(List<Generator> gens) {
    return gens.isEmpty() ? NONE : new Any(List.copyOf(gens));
  }

  private record Any(List<Generator> gens) implements Generator {
    @Override
    public Step next(Context ctx) {
      List<Generator> after = new ArrayList<>();
      List<Step> steps = new ArrayList<>();
      int best = -1;
      for (int i = 0; i < gens.size(); i++) {
        Generator g = gens.get(i);
        Step s = g.next(ctx);
        if (s.kind() == Step.Kind.LOG) {
          List<Generator> l = new ArrayList<>(gens);
          l.set(i, s.rest());
          return Step.log(s.message(), new Any(List.copyOf(l)));
        }
        if (s.isDone()) {
          continue;
        }
        // A pending generator keeps what it learned; one whose op is not chosen stays as it was.
        after.add(s.isPending() ? s.rest() : g);
        steps.add(s);
        if (s.isOp() && (best < 0 || s.op().time() < steps.get(best).op().time())) {
          best = steps.size() - 1;
        }
      }
      if (after.isEmpty()) {
        return Step.DONE;
      }
      if (best < 0) {
        return Step.pending(new Any(List.copyOf(after)));
      }
      after.remove(best);
      after.add(steps.get(best).rest());
      return Step.op(steps.get(best).op(), new Any(List.copyOf(after)));
    }
  }

  /** Alternates: an op from {@code a}, then one from {@code b}, then {@code a} again; done when either is. */
  public static Generator flipFlop(Generator a, Generator b) {
    return new FlipFlop(a, b);
  }

  private record FlipFlop(Generator a, Generator b) implements Generator {
    @Override
    public Step next(Context ctx) {
      Step s = a.next(ctx);
      return switch (s.kind()) {
        case DONE -> Step.DONE;
        case OP -> Step.op(s.op(), new FlipFlop(b, s.rest()));
        default -> new Step(s.kind(), s.op(), s.message(), new FlipFlop(s.rest(), b));
      };
    }
  }

  // ------------------------------------------------------------------ limits and rates

  /** At most {@code n} ops of {@code g}. */
  public static Generator limit(long n, Generator g) {
    return new Limit(n, g);
  }

  private record Limit(long n, Generator g) implements Generator {
    @Override
    public Step next(Context ctx) {
      if (n <= 0) {
        return Step.DONE;
      }
      Step s = g.next(ctx);
      return s.isDone() ? s : new Step(s.kind(), s.op(), s.message(), new Limit(s.isOp() ? n - 1 : n, s.rest()));
    }
  }

  /**
   * Ops of {@code g} for at most {@code n} distinct client processes (Jepsen's process-limit): once
   * more than {@code n} processes have existed — crashed clients are replaced by new processes — it
   * is done. Bounds how many indeterminate ops a history can hold.
   */
  public static Generator processLimit(int n, Generator g) {
    return new ProcessLimit(n, Set.of(), g);
  }

  private record ProcessLimit(int n, Set<Long> seen, Generator g) implements Generator {
    @Override
    public Step next(Context ctx) {
      Set<Long> s2 = new HashSet<>(seen);
      ctx.processes().values().stream().filter(p -> p >= 0).forEach(s2::add);
      if (s2.size() > n) {
        return Step.DONE;
      }
      Step s = g.next(ctx);
      return s.isDone() ? s : new Step(s.kind(), s.op(), s.message(), new ProcessLimit(n, Set.copyOf(s2), s.rest()));
    }
  }

  /**
   * Ops of {@code g} until {@code seconds} after its first op; ops due later are dropped and it is
   * done. (Jepsen's time-limit: the clock starts at the first op.)
   */
  public static Generator timeLimit(double seconds, Generator g) {
    return new TimeLimit(nanos(seconds), Long.MIN_VALUE, g);
  }

  private record TimeLimit(long dt, long cutoff, Generator g) implements Generator {
    @Override
    public Step next(Context ctx) {
      if (cutoff != Long.MIN_VALUE && ctx.time() >= cutoff) {
        return Step.DONE;
      }
      Step s = g.next(ctx);
      if (s.isDone()) {
        return s;
      }
      if (!s.isOp()) {
        return new Step(s.kind(), s.op(), s.message(), new TimeLimit(dt, cutoff, s.rest()));
      }
      long c = cutoff == Long.MIN_VALUE ? s.op().time() + dt : cutoff;
      return s.op().time() >= c ? Step.DONE : Step.op(s.op(), new TimeLimit(dt, c, s.rest()));
    }
  }

  /**
   * Spaces the ops of {@code g} by random intervals, uniform in [0, 2·{@code meanSeconds}) (Jepsen's
   * stagger): about one op per {@code meanSeconds} overall, whichever process runs it. The first
   * op is due at once.
   */
  public static Generator stagger(Rng rng, double meanSeconds, Generator g) {
    return new Spaced(rng, nanos(2 * meanSeconds), true, Long.MIN_VALUE, g);
  }

  /** Spaces the ops of {@code g} exactly {@code seconds} apart (a fixed rate); the first is due at once. */
  public static Generator delay(double seconds, Generator g) {
    return new Spaced(Rng.of(0), nanos(seconds), false, Long.MIN_VALUE, g);
  }

  private record Spaced(Rng rng, long dt, boolean random, long due, Generator g) implements Generator {
    @Override
    public Step next(Context ctx) {
      Step s = g.next(ctx);
      if (s.isDone()) {
        return s;
      }
      if (!s.isOp()) {
        return new Step(s.kind(), s.op(), s.message(), new Spaced(rng, dt, random, due, s.rest()));
      }
      long t = Math.max(s.op().time(), due == Long.MIN_VALUE ? ctx.time() : due);
      long gap = random ? (long) (rng.random().nextDouble() * dt) : dt;
      return Step.op(s.op().withTime(t), new Spaced(rng.next(), dt, random, t + gap, s.rest()));
    }
  }

  // ------------------------------------------------------------------ threads and shaping

  /** Only client threads may run {@code g}'s ops. */
  public static Generator clients(Generator g) {
    return onThreads(t -> t >= 0, g);
  }

  /** Only the nemesis thread may run {@code g}'s ops. */
  public static Generator nemesis(Generator g) {
    return onThreads(t -> t == Context.NEMESIS_THREAD, g);
  }

  /** {@code g} sees only the threads {@code keep} accepts. */
  public static Generator onThreads(IntPredicate keep, Generator g) {
    return new OnThreads(keep, g);
  }

  private record OnThreads(IntPredicate keep, Generator g) implements Generator {
    @Override
    public Step next(Context ctx) {
      Step s = g.next(ctx.restrict(keep));
      return s.isDone() ? s : new Step(s.kind(), s.op(), s.message(), new OnThreads(keep, s.rest()));
    }
  }

  /** {@code g}'s ops transformed by {@code f} (for example marked {@code :final}). */
  public static Generator map(UnaryOperator<Op> f, Generator g) {
    return new MapOps(f, g);
  }

  private record MapOps(UnaryOperator<Op> f, Generator g) implements Generator {
    @Override
    public Step next(Context ctx) {
      Step s = g.next(ctx);
      return switch (s.kind()) {
        case DONE -> s;
        case OP -> Step.op(f.apply(s.op()), new MapOps(f, s.rest()));
        default -> new Step(s.kind(), s.op(), s.message(), new MapOps(f, s.rest()));
      };
    }
  }
}

package io.shardkv.chaos.gen;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * Jepsen's independent concurrent generator: the client threads are split into groups of
 * {@code groupSize}; each group works on one key at a time with the generator
 * {@code perKey.apply(k)} (usually limited to {@code --ops-per-key} ops, which keeps each key's
 * history small enough to check), and when that generator is exhausted the group takes the next
 * unused key. Keys are numbered 0, 1, 2, ... and written as {@code :key "<prefix><k>"}. At most
 * {@code keyLimit} keys are used; the generator is done when all are exhausted.
 */
public record Keyed(int groupSize, String prefix, IntFunction<Generator> perKey, long keyLimit, int nextKey,
    SortedMap<Integer, Slot> slots) implements Generator {

  /** What one group of threads works on. */
  public record Slot(int key, Generator gen) {}

  public Keyed {
    if (groupSize < 1) {
      throw new IllegalArgumentException("group size must be at least 1");
    }
    slots = Collections.unmodifiableSortedMap(new TreeMap<>(slots));
  }

  public static Keyed of(int groupSize, String prefix, long keyLimit, IntFunction<Generator> perKey) {
    return new Keyed(groupSize, prefix, perKey, keyLimit, 0, new TreeMap<>());
  }

  @Override
  public Step next(Context ctx) {
    Context clients = ctx.restrict(t -> t >= 0);
    int threads = clients.clientThreads();
    int groups = (threads + groupSize - 1) / groupSize;
    TreeMap<Integer, Slot> s2 = new TreeMap<>(slots);
    int nk = nextKey;
    int bestGroup = -1;
    Step best = null;
    for (int g = 0; g < groups; g++) {
      final int group = g;
      Context gc = clients.restrict(t -> t / groupSize == group);
      if (gc.free().isEmpty()) {
        continue;
      }
      while (true) {
        Slot slot = s2.get(g);
        if (slot == null) {
          if (nk >= keyLimit) {
            break;
          }
          slot = new Slot(nk, perKey.apply(nk));
          nk++;
          s2.put(g, slot);
        }
        Step s = slot.gen().next(gc);
        if (s.isDone()) {
          s2.remove(g);
          continue;
        }
        if (s.isOp()) {
          if (best == null || s.op().time() < best.op().time()) {
            best = s;
            bestGroup = g;
          }
        } else {
          // pending (or a log line, which per-key generators do not emit): keep what it learned
          s2.put(g, new Slot(slot.key(), s.rest()));
        }
        break;
      }
    }
    if (best == null) {
      boolean exhausted = s2.isEmpty() && nk >= keyLimit;
      return exhausted ? Step.DONE : Step.pending(new Keyed(groupSize, prefix, perKey, keyLimit, nk, s2));
    }
    int key = s2.get(bestGroup).key();
    s2.put(bestGroup, new Slot(key, best.rest()));
    return Step.op(best.op().with("key", prefix + key), new Keyed(groupSize, prefix, perKey, keyLimit, nk, s2));
  }
}

package io.shardkv.linearizability.search;

import java.util.Arrays;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import java.util.function.BiPredicate;

/**
 * The memo of visited search configurations (set of linearized ops, model state), Porcupine's
 * cache. A configuration is stored exactly (no lossy hashing): a hash collision must never prune an
 * unexplored configuration, or the checker could claim "not linearizable" wrongly.
 *
 * <p>Compact encoding of the linearized set: completed ops are numbered by call order, so every
 * configuration the search reaches has all completed ops below some index {@code f} linearized. We
 * store the word offset {@code f/64} and the completed-op words from there to the last non-zero
 * one (words below the offset are all ones, so the encoding is unique); the words of the
 * indeterminate (INFO) ops, numbered after the completed ones, are kept per entry for the dominance
 * test below.
 */
final class ConfigCache {
  private static final long ENTRY_OVERHEAD_BYTES = 112;

  private static final long[] NO_INFO = new long[0];
  private final Map<Key, Object> seen = new HashMap<>(1 << 12);
  private long count;
  private final BiPredicate<Object, Object> stateEqual;
  private final int completedWords;
  private final ToIntFunction<Object> stateHash;
  private final Budget budget;
  private long reservedBytes;

  ConfigCache(BiPredicate<Object, Object> stateEqual, ToIntFunction<Object> stateHash, Budget budget,
      int completedWords) {
    this.stateEqual = stateEqual;
    this.completedWords = completedWords;
    this.stateHash = stateHash;
    this.budget = budget;
  }

  /** Thrown when the memory cap is reached. */
  static final class OutOfBudget extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OutOfBudget() {
      super("memory cap reached", null, false, false);
    }
  }

  /** A visited configuration's INFO part; {@code failed} once the search backtracked out of it. */
  static final class Node {
    final long[] info;
    boolean failed;

    Node(long[] info) {
      this.info = info;
    }
  }

  /**
   * Records the configuration unless it is known to fail; returns its node, or null to prune it.
   *
   * <p>Pruned are: an exact repeat (a configuration met again was fully explored and failed: the
   * linearized set grows along a path, so it cannot be on the current path); and, with
   * {@code dominance}, a configuration (C, I, s) — C the completed ops linearized, I the INFO ops —
   * when some failed (C, I', s) has I' ⊆ I. Argument: INFO ops need never be linearized, and both
   * configurations have the same state and the same candidate window (the window depends only on
   * the completed ops' return entries), so any completion of (C, I, s) is also a completion of
   * (C, I', s), which has none. Only configurations marked failed are used for dominance.
   *
   * @param bits the linearized-set bitset (completed ops' words, then info words)
   * @param hiWord an upper bound on the highest non-zero word of completed ops
   * @param firstOpen index of the lowest completed op not linearized
   */
  Node add(long[] bits, int hiWord, int firstOpen, Object state, boolean dominance) {
    int offset = firstOpen >>> 6;
    int last = hiWord;
    while (last >= offset && bits[last] == 0) {
      last--;
    }
    int len = Math.max(0, last - offset + 1);
    long[] words = new long[len];
    System.arraycopy(bits, offset, words, 0, len);
    long[] info = bits.length == completedWords ? NO_INFO
        : Arrays.copyOfRange(bits, completedWords, bits.length);
    Key key = new Key(offset, words, state, this);
    // The value is a single Node (the common case) or a List of them: fewer objects, less GC.
    Object present = seen.get(key);
    if (present != null) {
      if (present instanceof Node n) {
        if (prunes(n, info, dominance)) {
          return null;
        }
      } else {
        for (Node n : nodeList(present)) {
          if (prunes(n, info, dominance)) {
            return null;
          }
        }
      }
    }
    long bytes = ENTRY_OVERHEAD_BYTES + 8L * (words.length + info.length);
    if (!budget.reserve(bytes)) {
      throw new OutOfBudget();
    }
    reservedBytes += bytes;
    Node n = new Node(info);
    if (present == null) {
      seen.put(key, n);
    } else if (present instanceof Node first) {
      List<Node> list = new ArrayList<>(2);
      list.add(first);
      list.add(n);
      seen.put(key, list);
    } else {
      nodeList(present).add(n);
    }
    count++;
    return n;
  }

  private static boolean prunes(Node n, long[] info, boolean dominance) {
    return Arrays.equals(n.info, info) || (dominance && n.failed && subset(n.info, info));
  }

  @SuppressWarnings("unchecked")
  private static List<Node> nodeList(Object o) {
    return (List<Node>) o;
  }

  private static boolean subset(long[] a, long[] b) {
    for (int i = 0; i < a.length; i++) {
      if ((a[i] & ~b[i]) != 0) {
        return false;
      }
    }
    return true;
  }

  long size() {
    return count;
  }

  /** Returns the reserved memory to the budget; the cache must not be used afterwards. */
  void release() {
    budget.release(reservedBytes);
    reservedBytes = 0;
    seen.clear();
  }

  private static final class Key {
    final int offset;
    final long[] words;
    final Object state;
    final ConfigCache owner;
    final int hash;

    Key(int offset, long[] words, Object state, ConfigCache owner) {
      this.offset = offset;
      this.words = words;
      this.state = state;
      this.owner = owner;
      this.hash = (31 * offset + Arrays.hashCode(words)) * 31 + owner.stateHash.applyAsInt(state);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Key k)) {
        return false;
      }
      return hash == k.hash && offset == k.offset && Arrays.equals(words, k.words)
          && owner.stateEqual.test(state, k.state);
    }
  }
}

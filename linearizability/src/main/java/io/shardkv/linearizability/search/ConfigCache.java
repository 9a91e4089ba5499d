package io.shardkv.linearizability.search;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
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
 * one, followed by the fixed-length words of the indeterminate (INFO) ops, which are numbered after
 * the completed ones. Words below the offset are all ones, so the encoding is unique.
 */
final class ConfigCache {
  private static final long ENTRY_OVERHEAD_BYTES = 112;

  private final Set<Key> seen = new HashSet<>();
  private final BiPredicate<Object, Object> stateEqual;
  private final ToIntFunction<Object> stateHash;
  private final Budget budget;
  private long reservedBytes;

  ConfigCache(BiPredicate<Object, Object> stateEqual, ToIntFunction<Object> stateHash, Budget budget) {
    this.stateEqual = stateEqual;
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

  /**
   * Adds the configuration; returns false if it was already present.
   *
   * @param bits the linearized-set bitset (completed ops' words, then info words)
   * @param completedWords number of words holding completed ops
   * @param firstOpen index of the lowest completed op not linearized
   */
  boolean add(long[] bits, int completedWords, int firstOpen, Object state) {
    int offset = firstOpen >>> 6;
    int last = completedWords - 1;
    while (last >= offset && bits[last] == 0) {
      last--;
    }
    int infoWords = bits.length - completedWords;
    int len = Math.max(0, last - offset + 1);
    long[] words = new long[len + infoWords];
    System.arraycopy(bits, offset, words, 0, len);
    System.arraycopy(bits, completedWords, words, len, infoWords);
    Key key = new Key(offset, words, state, this);
    if (seen.contains(key)) {
      return false;
    }
    long bytes = ENTRY_OVERHEAD_BYTES + 8L * words.length;
    if (!budget.reserve(bytes)) {
      throw new OutOfBudget();
    }
    reservedBytes += bytes;
    seen.add(key);
    return true;
  }

  int size() {
    return seen.size();
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

package io.shardkv.server.storage;

import java.util.Arrays;

/**
 * The terms of the log entries after the snapshot, indexed by log index: all the storage needs at
 * run time to decide whether a snapshot matches an entry it holds (Raft §7). Entry payloads are
 * not kept in memory after they are written.
 */
final class TermList {
  private long[] terms = new long[1024];
  /** Index of the entry in {@code terms[0]}. */
  private long firstIndex;
  private int size;

  /** Empty list whose first entry will have index {@code afterIndex + 1}. */
  TermList(long afterIndex) { reset(afterIndex); }

  void reset(long afterIndex) {
    firstIndex = afterIndex + 1;
    size = 0;
  }

  /** Index of the last entry, or {@code firstIndex - 1} if empty. */
  long lastIndex() { return firstIndex + size - 1; }

  boolean isEmpty() { return size == 0; }

  void add(long term) {
    if (size == terms.length) terms = Arrays.copyOf(terms, size * 2);
    terms[size++] = term;
  }

  /** Term of entry {@code index}, or -1 if the list does not hold it. */
  long termAt(long index) {
    if (index < firstIndex || index > lastIndex()) return -1;
    return terms[(int) (index - firstIndex)];
  }

  /** Removes every entry with index {@code >= fromIndex}. */
  void truncateFrom(long fromIndex) {
    if (fromIndex <= lastIndex()) size = (int) Math.max(0, fromIndex - firstIndex);
  }

  /** Removes every entry with index {@code <= index}. */
  void dropThrough(long index) {
    int drop = (int) Math.min(size, Math.max(0, index - firstIndex + 1));
    System.arraycopy(terms, drop, terms, 0, size - drop);
    size -= drop;
    firstIndex += drop;
    if (size == 0) firstIndex = Math.max(firstIndex, index + 1);
  }
}

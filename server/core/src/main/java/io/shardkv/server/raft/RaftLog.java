package io.shardkv.server.raft;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The in-memory view of a node's log: a snapshot (compaction offset) followed by the entries after
 * it, plus the bookkeeping of what has not yet been handed to storage (Raft paper §5.3, §7).
 *
 * <p>Invariants: entries are contiguous from {@code snapshot.lastIndex()+1};
 * {@code snapshot.lastIndex() <= applied <= commit <= lastIndex()}; terms never decrease along the
 * log. {@code unstableFrom} is the first index not yet handed out in a Ready; {@code pendingTruncate}
 * (0 = none) is a truncation of stored entries not yet handed out.
 *
 * <p>It also tracks the group's configuration (Raft thesis §4.1): "a server always uses the latest
 * configuration in its log, regardless of whether the entry is committed". {@code configs} holds the
 * {@link EntryKind#CONFIG} entries of the in-memory log by index; before the first of them the
 * snapshot's configuration applies (or the seed when the snapshot records none). Truncating a
 * config entry therefore reverts the configuration to the previous one, and restarting recomputes it
 * from snapshot + log, with nothing else stored.
 */
final class RaftLog {
  private SnapshotMeta snapshot;
  private byte[] snapshotData;
  private final ArrayList<LogEntry> entries = new ArrayList<>();
  private long commit;
  private long applied;
  /**
   * Last index known durable here: every entry up to it is in this node's storage and covered by a
   * completed flush ({@link #persistedTo}). Lowered by a truncation below it; 0 after installing a
   * snapshot until that snapshot's write is durable. The leader's own match index (thesis §10.2.1)
   * and the limit of what is handed out for applying.
   */
  private long stableIndex;
  private long unstableFrom;
  private long pendingTruncate;
  /** The configuration when neither the snapshot nor the log records one (RaftConfig#members). */
  private final Membership seed;
  /** Config entries of the in-memory log, by index (thesis §4.1: they take effect when appended). */
  private final TreeMap<Long, Membership> configs = new TreeMap<>();

  RaftLog(PersistedState state, Membership seed) {
    this.seed = seed;
    this.snapshot = state.snapshot();
    this.snapshotData = state.snapshotData();
    for (LogEntry e : state.entries()) add(e);
    this.commit = snapshot.lastIndex();
    this.applied = snapshot.lastIndex();
    this.stableIndex = lastIndex();
    this.unstableFrom = lastIndex() + 1;
  }

  /** Appends to the in-memory entries, noting a config entry (it takes effect now, thesis §4.1). */
  private void add(LogEntry e) {
    if (e.kind() == EntryKind.CONFIG) configs.put(e.index(), Membership.decode(e.data()));
    entries.add(e);
  }

  /** The latest configuration in the log (or the snapshot's): the one in effect on this node. */
  Membership membership() {
    return configs.isEmpty() ? snapshotMembership() : configs.lastEntry().getValue();
  }

  /** Index of the latest config entry in the in-memory log; 0 when it is the snapshot's (committed). */
  long configIndex() { return configs.isEmpty() ? 0 : configs.lastKey(); }

  /** The configuration in effect at {@code index} (the latest config entry at or before it). */
  Membership membershipAt(long index) {
    Map.Entry<Long, Membership> e = configs.floorEntry(index);
    return e == null ? snapshotMembership() : e.getValue();
  }

  private Membership snapshotMembership() {
    return snapshot.membership() == null ? seed : snapshot.membership();
  }

  /**
   * The meta of a snapshot ending at {@code index}: it records the configuration in effect there
   * (thesis §4, Fig. 13 "last config"), or null when that is the seed (see {@link SnapshotMeta}).
   */
  SnapshotMeta metaAt(long index) {
    Membership m = membershipAt(index);
    return new SnapshotMeta(index, term(index), m.equals(seed) ? null : m);
  }

  SnapshotMeta snapshot() { return snapshot; }
  byte[] snapshotData() { return snapshotData; }
  long commit() { return commit; }
  long applied() { return applied; }
  long stableIndex() { return stableIndex; }
  int inMemoryLength() { return entries.size(); }

  /** First index held in memory (may be {@code > lastIndex()} when the log is empty). */
  long firstIndex() { return snapshot.lastIndex() + 1; }

  long lastIndex() { return snapshot.lastIndex() + entries.size(); }

  long lastTerm() { return term(lastIndex()); }

  /**
   * Term of the entry at {@code index}: 0 for index 0, the snapshot's term at its last index, the
   * entry's term in memory, or -1 when compacted away or beyond the last index.
   */
  long term(long index) {
    if (index == 0) return 0;
    if (index == snapshot.lastIndex()) return snapshot.lastTerm();
    if (index < firstIndex() || index > lastIndex()) return -1;
    return entries.get((int) (index - firstIndex())).term();
  }

  LogEntry entry(long index) {
    if (index < firstIndex() || index > lastIndex()) return null;
    return entries.get((int) (index - firstIndex()));
  }

  boolean matches(long index, long term) {
    long t = term(index);
    return t >= 0 && t == term;
  }

  /**
   * Raft paper §5.4.1: a candidate's log is at least as up-to-date as ours if its last term is
   * higher, or equal with a last index at least as large.
   */
  boolean isUpToDate(long lastLogIndex, long lastLogTerm) {
    return lastLogTerm > lastTerm() || (lastLogTerm == lastTerm() && lastLogIndex >= lastIndex());
  }

  /**
   * Up to {@code maxCount} entries from {@code from} whose payloads total at most {@code maxBytes}
   * (always at least one entry when any exists). {@code from} must be {@code >= firstIndex()}.
   */
  List<LogEntry> slice(long from, int maxCount, long maxBytes) {
    List<LogEntry> out = new ArrayList<>();
    long bytes = 0;
    for (long i = from; i <= lastIndex() && out.size() < maxCount; i++) {
      LogEntry e = entry(i);
      bytes += e.data().length;
      if (!out.isEmpty() && bytes > maxBytes) break;
      out.add(e);
    }
    return out;
  }

  /** Leader append of its own new entry. */
  void appendNew(LogEntry e) {
    if (e.index() != lastIndex() + 1) throw new IllegalStateException("append out of order: " + e);
    add(e);
  }

  /** First index {@code >= from} with term {@code term} going backwards while the term stays equal, not below {@code floor}. */
  long firstIndexOfTermRun(long index, long floor) {
    long t = term(index);
    long i = index;
    while (i - 1 > floor && i - 1 >= firstIndex() && term(i - 1) == t) i--;
    return i;
  }

  /** Largest index {@code <= upTo} whose term is {@code term}, or -1 if none in memory. */
  long lastIndexOfTerm(long term, long upTo) {
    for (long i = Math.min(upTo, lastIndex()); i >= snapshot.lastIndex() && i >= 1; i--) {
      long t = term(i);
      if (t == term) return i;
      if (t < term) return -1;
    }
    return -1;
  }

  /**
   * Follower side of Raft paper §5.3 step 3-4: entries after a matched {@code prevLogIndex}. An
   * existing entry that conflicts with a new one (same index, different term) is deleted together
   * with all that follow; new entries not already in the log are appended.
   *
   * @return false if it would truncate a committed entry (a safety violation by the sender)
   */
  boolean appendFromLeader(List<LogEntry> incoming) {
    int k = 0;
    for (; k < incoming.size(); k++) {
      LogEntry e = incoming.get(k);
      if (e.index() < firstIndex()) continue; // already compacted: committed, hence matching
      if (e.index() > lastIndex()) break;
      if (term(e.index()) != e.term()) {
        if (e.index() <= commit) return false;
        truncateFrom(e.index());
        break;
      }
    }
    for (; k < incoming.size(); k++) add(incoming.get(k));
    return true;
  }

  private void truncateFrom(long index) {
    entries.subList((int) (index - firstIndex()), entries.size()).clear();
    // Thesis §4.1: a truncated config entry no longer counts; the previous configuration is back.
    configs.tailMap(index, true).clear();
    if (index < unstableFrom) {
      // Stored entries from `index` on must be removed from storage too.
      pendingTruncate = pendingTruncate == 0 ? index : Math.min(pendingTruncate, index);
      unstableFrom = index;
    }
    stableIndex = Math.min(stableIndex, index - 1);
  }

  void commitTo(long index) {
    if (index > commit) commit = Math.min(index, lastIndex());
  }

  /**
   * Compaction by the application's snapshot (Raft paper §7): drops entries up to {@code index}.
   */
  void compact(SnapshotMeta meta, byte[] data) {
    long drop = meta.lastIndex() - snapshot.lastIndex();
    entries.subList(0, (int) drop).clear();
    configs.headMap(meta.lastIndex(), true).clear(); // meta records the configuration at lastIndex
    snapshot = meta;
    snapshotData = data;
  }

  /**
   * Installs a leader's snapshot that this log does not already cover: the whole log is replaced
   * by the snapshot (Raft paper §7, Fig. 13 step 7-8).
   */
  void restore(SnapshotMeta meta, byte[] data) {
    entries.clear();
    configs.clear(); // the snapshot's configuration replaces whatever the discarded log held
    snapshot = meta;
    snapshotData = data;
    commit = meta.lastIndex();
    applied = meta.lastIndex();
    // Nothing in the log is known durable until the snapshot's own write is: the durable state
    // may still hold the old, conflicting tail.
    stableIndex = 0;
    unstableFrom = meta.lastIndex() + 1;
    // Storage keeps its tail when it holds an entry matching the snapshot; we do not (the caller
    // checked), so drop whatever stored entries follow the snapshot as well.
    pendingTruncate = meta.lastIndex() + 1;
  }

  // ---- Ready hand-off ----------------------------------------------------------------------------

  long pendingTruncate() { return pendingTruncate; }

  List<LogEntry> unstableEntries() {
    if (unstableFrom > lastIndex()) return List.of();
    return List.copyOf(entries.subList((int) (unstableFrom - firstIndex()), entries.size()));
  }

  boolean hasUnstable() { return pendingTruncate > 0 || unstableFrom <= lastIndex(); }

  /** Marks everything as handed to storage (called when a Ready is built). */
  void markHandedOut() {
    pendingTruncate = 0;
    unstableFrom = lastIndex() + 1;
  }

  /**
   * Highest index that may be handed out for applying: committed (durable on a quorum) and durable
   * in this node's own storage, so an applied entry never runs ahead of the local log (a crash
   * cannot leave the state machine or a snapshot of it beyond what this node's log recovers).
   */
  long applicable() { return Math.min(commit, stableIndex); }

  /** Entries committed and locally durable but not yet handed out for applying. */
  List<LogEntry> nextToApply(long handedOutApplied) {
    long upTo = applicable();
    if (upTo <= handedOutApplied) return List.of();
    long from = Math.max(handedOutApplied + 1, firstIndex());
    return List.copyOf(entries.subList((int) (from - firstIndex()), (int) (upTo - firstIndex() + 1)));
  }

  /**
   * A flush made the log up to {@code (index, term)} durable. Taken only while that entry is still
   * in the log (the snapshot's last entry counts): by Log Matching (§5.3) the whole prefix is then
   * the one written. A mark overtaken by a truncation or a snapshot install no longer matches and
   * is ignored.
   *
   * @return true if the durable index grew
   */
  boolean persistedTo(long index, long term) {
    if (index <= stableIndex || !matches(index, term)) return false;
    stableIndex = index;
    return true;
  }

  void appliedTo(long index) { applied = Math.max(applied, index); }
}

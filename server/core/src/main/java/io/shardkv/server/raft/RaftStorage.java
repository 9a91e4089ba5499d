package io.shardkv.server.raft;

import java.util.List;

/**
 * Stable storage for one Raft node: the contract between the Raft core and a disk.
 *
 * <h2>Model</h2>
 * The storage holds a hard state, at most one snapshot, and a contiguous log tail following the
 * snapshot. Mutating calls ({@link #setHardState}, {@link #append}, {@link #truncateFrom},
 * {@link #saveSnapshot}) are <em>buffered</em>: they take effect at once for later calls on this
 * object, but are durable only after {@link #flush()} returns.
 *
 * <h2>Durability contract ("persist before you speak")</h2>
 * <ol>
 *   <li>When {@code flush()} returns normally, every mutating call made before it is durable: a
 *       crash at any later moment, followed by {@link #load()}, yields at least that state.</li>
 *   <li>A crash before {@code flush()} returns leaves the state produced by the calls up to the
 *       previous successful flush followed by some <em>prefix</em> (possibly empty, possibly all)
 *       of the calls made since. Never a reordering, never a partial entry, never a mix of two
 *       snapshots.</li>
 *   <li>The Raft core only sends a message that depends on state (a vote, an append acknowledgement,
 *       a client acknowledgement) after the {@code flush()} covering that state has returned
 *       (Raft paper §5.1, Fig. 2: "respond to RPCs only after updating stable storage").</li>
 *   <li><b>Term before entries.</b> Because point 2 allows any prefix of the unflushed calls to
 *       survive a crash, the <em>caller</em> orders its calls so that every prefix is a state a node
 *       can start from: between two flushes it calls {@link #setHardState} <em>before</em> any
 *       {@link #saveSnapshot} or {@link #append} whose terms need that hard state's term. Then the
 *       durable log never ends in a term above the durable current term (which {@code RaftNode}
 *       refuses as inconsistent). {@link Ready#writeTo} is the one place that issues the calls, in
 *       this order (hard state, snapshot, truncate, append). An implementation must keep the calls'
 *       order on disk and lose only a suffix of them (a torn WAL tail is cut at a call boundary,
 *       never reordered), so the rule holds for it too; an implementation that writes one Ready
 *       as a single atomic record satisfies it trivially.</li>
 * </ol>
 *
 * <h2>Asynchronous flushes</h2>
 * {@link #prepareFlush()} seals every mutating call made so far into one {@link FlushBatch};
 * {@link FlushBatch#sync()} then makes exactly those calls durable (at least those: covering more is
 * allowed), possibly on another thread, while the node's thread goes on issuing mutating calls
 * for the next batch. Rules:
 * <ol start="5">
 *   <li>Batches are synced one at a time, in the order they were prepared; a later batch's calls
 *       are never durable before an earlier batch's (point 2 still holds across batches: a crash
 *       keeps the last synced batch plus a prefix of the calls after it).</li>
 *   <li>A later call may undo an earlier one that is still being synced: {@link #truncateFrom}
 *       of entries an in-flight batch appends, or {@link #saveSnapshot} discarding them. It is just
 *       a later call: it takes effect in call order, so after both batches are durable the
 *       truncation has won, and a crash in between leaves the earlier batch's entries (a state
 *       the node had durably, which Raft tolerates as any uncommitted tail).</li>
 *   <li>Only {@code sync()} may run on another thread, and only one batch's at a time; every other
 *       method is called by the node's thread. {@link #flush()} is {@code prepareFlush().sync()}
 *       on the node's thread.</li>
 * </ol>
 *
 * <h2>Log shape</h2>
 * {@code append} requires its first entry's index to be {@code lastIndex()+1}; to overwrite a
 * conflicting suffix the caller first calls {@code truncateFrom(i)}, which removes every entry with
 * index {@code >= i}. {@code saveSnapshot(meta, data)} replaces the snapshot; entries with index
 * {@code <= meta.lastIndex()} may be discarded from then on (compaction, Raft paper §7); if the log
 * does not contain an entry matching {@code meta} the whole log tail is discarded (a follower
 * installing a leader's snapshot).
 *
 * <p>Implementations are not thread-safe beyond rule 7: one node's single thread calls them. A failure is reported
 * as a {@link StorageException}; after one, the node stops and the storage is not used again.
 */
public interface RaftStorage extends AutoCloseable {

  /** Reads the durable state. Called once, before any other method. */
  PersistedState load();

  /** Records the hard state (buffered). */
  void setHardState(HardState state);

  /**
   * Appends entries (buffered). {@code entries.get(0).index()} must equal {@code lastIndex()+1} and
   * the entries must be contiguous; otherwise {@link IllegalArgumentException}.
   */
  void append(List<LogEntry> entries);

  /** Removes every entry with index {@code >= fromIndex} (buffered). {@code fromIndex} must be
   * greater than the snapshot's last index. */
  void truncateFrom(long fromIndex);

  /** Replaces the snapshot (buffered) and compacts the log as described above. */
  void saveSnapshot(SnapshotMeta meta, byte[] data);

  /** Index of the last entry, or the snapshot's last index when the tail is empty; 0 if neither. */
  long lastIndex();

  /** Makes every earlier mutating call durable, then returns. */
  void flush();

  /**
   * Seals the mutating calls made so far into a batch to be made durable by {@link FlushBatch#sync()}
   * (rules 5-7 above). The default suits a storage whose batches are synced on the node's own
   * thread: its {@code sync()} is a plain {@link #flush()}, which may cover later calls too.
   *
   * @throws StorageException if the storage has failed
   */
  default FlushBatch prepareFlush() {
    return this::flush;
  }

  /** The calls sealed by one {@link #prepareFlush()}. */
  @FunctionalInterface
  interface FlushBatch {
    /** Makes the batch durable, then returns. May run on another thread (rule 7). */
    void sync();
  }

  /** Releases files/handles. Does not flush. */
  @Override
  void close();
}

package io.shardkv.server.sim;

import io.shardkv.server.raft.HardState;
import io.shardkv.server.raft.LogEntry;
import io.shardkv.server.raft.PersistedState;
import io.shardkv.server.raft.RaftStorage;
import io.shardkv.server.raft.SnapshotMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A simulated disk for one Raft node that implements the {@link RaftStorage} contract exactly and
 * nothing more generous:
 * <ul>
 *   <li>mutating calls are buffered: visible to later calls at once, durable only after
 *       {@link RaftStorage#flush()};</li>
 *   <li>{@link #crash(SimRandom)} keeps the last flushed state plus a PRNG-chosen <em>prefix</em> of
 *       the calls made since (possibly none, possibly all) — never a reordering, never part of a
 *       call.</li>
 * </ul>
 * The disk outlives node incarnations: {@link #open()} hands the current incarnation a
 * {@link RaftStorage} session; a crash fences that session, so a dead node object that still
 * touches its storage fails loudly instead of writing through.
 *
 * <p>Latency is not modelled here: the node driver seals a batch ({@link RaftStorage#prepareFlush})
 * and syncs it as a separate, later event while the node goes on writing the next batch, so a
 * crash scheduled in between finds the writes unsynced. A batch's {@code sync()} makes exactly the
 * calls made before its prepare durable (never the later ones: the contract's minimum), batches in
 * prepare order (RaftStorage rules 5-7).
 */
public final class SimDisk {

  /** One buffered mutating call. */
  private sealed interface Op permits SetHardState, Append, TruncateFrom, SaveSnapshot {}
  private record SetHardState(HardState state) implements Op {}
  private record Append(List<LogEntry> entries) implements Op {}
  private record TruncateFrom(long fromIndex) implements Op {}
  private record SaveSnapshot(SnapshotMeta meta, byte[] data) implements Op {}

  /** Hard state, snapshot and log tail, mutable; applies {@link Op}s. */
  private static final class Image {
    HardState hardState = HardState.INITIAL;
    SnapshotMeta snapshot = SnapshotMeta.NONE;
    byte[] snapshotData = new byte[0];
    final ArrayList<LogEntry> log = new ArrayList<>();

    long lastIndex() {
      return log.isEmpty() ? snapshot.lastIndex() : log.get(log.size() - 1).index();
    }

    Image copy() {
      Image c = new Image();
      c.hardState = hardState;
      c.snapshot = snapshot;
      c.snapshotData = snapshotData;
      c.log.addAll(log);
      return c;
    }

    void apply(Op op) {
      if (op instanceof SetHardState s) {
        hardState = s.state();
      } else if (op instanceof Append a) {
        log.addAll(a.entries());
      } else if (op instanceof TruncateFrom t) {
        long first = snapshot.lastIndex() + 1;
        int keep = (int) Math.max(0, Math.min(log.size(), t.fromIndex() - first));
        log.subList(keep, log.size()).clear();
      } else if (op instanceof SaveSnapshot s) {
        SnapshotMeta m = s.meta();
        long first = snapshot.lastIndex() + 1;
        long pos = m.lastIndex() - first;
        boolean matches = pos >= 0 && pos < log.size() && log.get((int) pos).term() == m.lastTerm();
        if (matches) {
          log.subList(0, (int) pos + 1).clear();
        } else {
          log.clear();
        }
        snapshot = m;
        snapshotData = s.data();
      }
    }

    PersistedState toPersisted() {
      return new PersistedState(hardState, snapshot, snapshotData, log);
    }
  }

  private final String name;
  private Image durable = new Image();
  private Image working = new Image();
  private final ArrayList<Op> pending = new ArrayList<>();
  /** Mutating calls ever made, and ever made durable (by a sync or kept by a crash). */
  private long callsIssued;
  private long callsDurable;
  private Session session;
  private long flushes;
  private long crashes;
  private long lostCalls;

  /** @param name for error messages, e.g. {@code "disk of n2"} */
  public SimDisk(String name) {
    this.name = name;
  }

  /**
   * Starts a new incarnation's session on this disk. Any earlier session must have been fenced by
   * {@link #crash} (or closed) first; two live sessions on one disk would be a driver bug.
   */
  public RaftStorage open() {
    if (session != null && !session.fenced) {
      throw new IllegalStateException(name + ": opened while a live session exists (crash it first)");
    }
    session = new Session();
    return session;
  }

  /**
   * Simulates power loss: the durable state becomes the last flushed state plus a prefix, chosen by
   * {@code random}, of the calls made since. The live session is fenced.
   *
   * @return how many buffered calls were kept (0..pending)
   */
  public int crash(SimRandom random) {
    int keep = pending.isEmpty() ? 0 : (int) random.between(0, pending.size());
    for (int i = 0; i < keep; i++) durable.apply(pending.get(i));
    lostCalls += pending.size() - keep;
    callsIssued = callsDurable = callsDurable + keep;
    pending.clear();
    working = durable.copy();
    if (session != null) session.fenced = true;
    crashes++;
    return keep;
  }

  /** The durable state as a fresh incarnation would load it (for invariant checks). */
  public PersistedState durableState() { return durable.toPersisted(); }

  /** The durable hard state (cheap; for invariant checks on every message). */
  public HardState durableHardState() { return durable.hardState; }

  /** Marker returned by {@link #durableTermAt} for an index covered by the durable snapshot. */
  public static final long IN_SNAPSHOT = -2;

  /**
   * The term of the durable entry at {@code index}, {@link #IN_SNAPSHOT} if the durable snapshot
   * covers it, or -1 if the durable state holds no such entry. Cheap; for invariant checks.
   */
  public long durableTermAt(long index) {
    if (index <= durable.snapshot.lastIndex()) return IN_SNAPSHOT;
    long pos = index - durable.snapshot.lastIndex() - 1;
    return pos < durable.log.size() ? durable.log.get((int) pos).term() : -1;
  }

  /** The durable entry at {@code index}, or null if absent or covered by the snapshot. */
  public LogEntry durableEntry(long index) {
    long pos = index - durable.snapshot.lastIndex() - 1;
    return pos >= 0 && pos < durable.log.size() ? durable.log.get((int) pos) : null;
  }

  /** Number of buffered calls not yet flushed. */
  public int unflushedCalls() { return pending.size(); }

  public long flushes() { return flushes; }
  public long crashes() { return crashes; }
  /** Buffered calls lost to crashes so far. */
  public long lostCalls() { return lostCalls; }

  /** The {@link RaftStorage} seen by one node incarnation. */
  private final class Session implements RaftStorage {
    private boolean fenced;
    private boolean loaded;
    private boolean closed;

    @Override
    public PersistedState load() {
      live("load");
      if (loaded) throw new IllegalStateException(name + ": load() called twice in one incarnation");
      loaded = true;
      return working.toPersisted();
    }

    @Override
    public void setHardState(HardState state) {
      ready("setHardState");
      buffer(new SetHardState(Objects.requireNonNull(state, "state")));
    }

    @Override
    public void append(List<LogEntry> entries) {
      ready("append");
      if (entries.isEmpty()) return;
      List<LogEntry> copy = List.copyOf(entries);
      long expect = working.lastIndex() + 1;
      for (LogEntry e : copy) {
        if (e.index() != expect) {
          throw new IllegalArgumentException(name + ": append must continue the log at index " + expect
              + " contiguously, but got " + e + " (first of batch: " + copy.get(0) + ")");
        }
        expect++;
      }
      buffer(new Append(copy));
    }

    @Override
    public void truncateFrom(long fromIndex) {
      ready("truncateFrom");
      if (fromIndex <= working.snapshot.lastIndex()) {
        throw new IllegalArgumentException(name + ": truncateFrom(" + fromIndex
            + ") must be above the snapshot's last index " + working.snapshot.lastIndex());
      }
      buffer(new TruncateFrom(fromIndex));
    }

    @Override
    public void saveSnapshot(SnapshotMeta meta, byte[] data) {
      ready("saveSnapshot");
      buffer(new SaveSnapshot(Objects.requireNonNull(meta, "meta"), Objects.requireNonNull(data, "data").clone()));
    }

    @Override
    public long lastIndex() {
      ready("lastIndex");
      return working.lastIndex();
    }

    @Override
    public void flush() {
      prepareFlush().sync();
    }

    @Override
    public FlushBatch prepareFlush() {
      ready("prepareFlush");
      long upTo = callsIssued;
      return () -> sync(upTo);
    }

    /** Makes the calls up to the {@code upTo}-th durable; the ones after it stay pending. */
    private void sync(long upTo) {
      ready("sync");
      int n = (int) Math.max(0, upTo - callsDurable);
      for (int i = 0; i < n; i++) durable.apply(pending.get(i));
      pending.subList(0, n).clear();
      callsDurable += n;
      flushes++;
    }

    @Override
    public void close() {
      closed = true;
    }

    private void buffer(Op op) {
      working.apply(op);
      pending.add(op);
      callsIssued++;
    }

    private void live(String call) {
      if (fenced) throw new IllegalStateException(name + ": " + call + "() on the storage of a crashed incarnation");
      if (closed) throw new IllegalStateException(name + ": " + call + "() after close()");
    }

    private void ready(String call) {
      live(call);
      if (!loaded) throw new IllegalStateException(name + ": " + call + "() before load()");
    }
  }
}

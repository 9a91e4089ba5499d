package io.shardkv.server.storage;

import io.shardkv.server.raft.HardState;
import io.shardkv.server.raft.LogEntry;
import io.shardkv.server.raft.PersistedState;
import io.shardkv.server.raft.RaftStorage;
import io.shardkv.server.raft.SnapshotMeta;
import io.shardkv.server.raft.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The durable {@link RaftStorage}: a segmented write-ahead log plus snapshot files in one
 * directory. Format, recovery rules and the durability argument: docs/storage.md.
 *
 * <h2>How the contract is met</h2>
 * Every mutating call is encoded at once, in call order, as WAL records into an in-memory buffer
 * (one record per entry, hard state, truncation or snapshot). {@link #flush()} writes the buffer
 * with one write and makes it durable with one {@code fdatasync} (group commit). Each write starts
 * with a DURABLE record claiming what the segment already had durable ({@link DurabilityClaims}).
 * Because replay applies records in order, a crash damages only bytes not yet durable, and
 * recovery cuts at the first damaged record that no later claim covers, a crash leaves a prefix of
 * the calls (contract point 2).
 *
 * <p>A snapshot is made durable in this order: its SNAPSHOT record is forced in the WAL; its file
 * is written under a temporary name, forced, atomically renamed and the directory forced; then the
 * previous snapshot file is deleted. No later record is written before that. Recovery uses the
 * newest snapshot whose file exists and cuts a final SNAPSHOT record whose file never became
 * durable, so either the old or the new snapshot is seen, never a mix.
 *
 * <h2>Asynchronous flushes (RaftStorage rules 5-7)</h2>
 * The state is split by thread. The node's thread owns the <em>logical</em> state (hard state,
 * snapshot, term list, the segment new records go to, the encode buffer and the pending actions);
 * {@link #prepareFlush()} seals the buffer and hands the pending actions, with the snapshot
 * position compaction needs, to a batch. The batch's {@code sync()} owns the <em>physical</em>
 * state (the open file, its size, the segment map) and runs on one thread at a time, batches in
 * prepare order (the caller's flusher is one thread), so a batch's bytes land after the previous
 * batch's and a crash still keeps a prefix of the calls. The only field both sides touch is the
 * failure, which is volatile; a submitted batch is published to the flusher thread by its executor.
 *
 * <h2>Segments</h2>
 * A new segment starts when the current one would exceed {@code segmentSize}; it begins with a
 * {@link SegmentHeader} checkpoint. The previous segment is forced before the new one is created
 * and the directory is forced after creating or deleting segments. After a snapshot, segments
 * whose entries it covers are deleted, oldest first (see {@link #compact(long, long)}).
 *
 * <h2>Failures</h2>
 * Any I/O error makes this object failed: the call throws {@link StorageException} naming the
 * operation, the directory and the cause, and every later call throws too. Files are only
 * appended to, and snapshots replaced by rename, so what was durable before stays intact.
 */
public final class FileRaftStorage implements RaftStorage {
  public static final long DEFAULT_SEGMENT_SIZE = 64L << 20;
  /** Name of the lock file in the data directory. */
  public static final String LOCK_FILE = "LOCK";
  /** Size of a segment holding only its header. */
  private static final int EMPTY_SEGMENT_SIZE =
      new SegmentHeader(0, HardState.INITIAL, 0, SnapshotMeta.NONE, 0).toRecord().encodedSize();

  private final StorageFiles files;
  private final Path dir;
  private final long segmentSize;
  private final boolean createIfMissing;
  private final SnapshotFiles snapshots;

  private boolean loaded;
  private long recoveredRecords;
  private boolean closed;
  /** Held from load() to close(): one storage object per data directory. */
  private AutoCloseable directoryLock;
  private volatile StorageException failure;

  // The state as of the last call (buffered calls included).
  private HardState hardState = HardState.INITIAL;
  private long snapshotGen;
  private SnapshotMeta snapshot = SnapshotMeta.NONE;
  /** Segment holding the SNAPSHOT record of {@link #snapshot}; 0 if only a header names it. */
  private long snapshotRecordSegment;
  private TermList terms = new TermList(0);

  // ---- physical state, owned by the batch being synced (see class comment) ----
  /** Segments created on disk. */
  private TreeMap<Long, SegmentInfo> segments = new TreeMap<>();
  // ---- logical state, owned by the node's thread ----
  /** The segment new records go to, and its size counting pending bytes. */
  private long logicalSegment;
  private long logicalSize;
  /** The open segment file, its sequence number and the bytes written to it. */
  private StorageFiles.StorageFile file;
  private long fileSegment;
  private long fileSize;
  /** True if bytes were written to {@link #file} since it was last forced. */
  private boolean fileDirty;
  /** Durability claims of the open segment (docs/storage.md, "Torn tail"). */
  private final DurabilityClaims claims = new DurabilityClaims();
  /** Held by a batch's sync; close() writes to the file only if it gets it at once. */
  private final java.util.concurrent.locks.ReentrantLock syncLock = new java.util.concurrent.locks.ReentrantLock();

  /** Pending work from earlier segments or before a snapshot, in call order. */
  private final List<PendingAction> pending = new ArrayList<>();
  /** Encoded records for {@link #logicalSegment} not yet written. */
  private ByteBuffer buffer = ByteBuffer.allocate(64 << 10);
  private boolean compactAfterFlush;
  /**
   * The process's commit journal, or null (then each batch forces its own segment). When set, a
   * batch's {@code sync()} writes its bytes and records them in the journal but does not force the
   * segment: the batch is durable once the caller forced the journal ({@link CommitJournal}).
   */
  private CommitJournal journal;

  /** Storage in an existing directory, with the default segment size and the real file system. */
  public FileRaftStorage(Path dir) {
    this(dir, NioStorageFiles.INSTANCE, DEFAULT_SEGMENT_SIZE, false);
  }

  /**
   * @param dir             the data directory (one node's, used by nothing else)
   * @param files           the file layer ({@link NioStorageFiles#INSTANCE} in production)
   * @param segmentSize     target segment size in bytes; a segment holds at least one record
   * @param createIfMissing create {@code dir} on {@link #load()} if it does not exist (a new
   *                        node); otherwise a missing directory is an error
   */
  public FileRaftStorage(Path dir, StorageFiles files, long segmentSize, boolean createIfMissing) {
    this.dir = Objects.requireNonNull(dir, "dir");
    this.files = Objects.requireNonNull(files, "files");
    if (segmentSize < 4096) throw new IllegalArgumentException("segment size below 4096: " + segmentSize);
    this.segmentSize = segmentSize;
    this.createIfMissing = createIfMissing;
    this.snapshots = new SnapshotFiles(files, dir);
  }

  /** The data directory. */
  public Path directory() { return dir; }

  /**
   * Makes this storage journaled (before {@link #load}): a batch's {@code sync()} writes its bytes
   * to the segment and records them in {@code journal} without forcing the segment, and the batch
   * is durable only once {@code journal} is forced — the caller's job ({@code GroupFlusher}: one
   * journal fsync per pass for every group). {@link #flush()} forces the journal itself. The
   * journal must have been opened (replayed) before this storage loads.
   */
  public FileRaftStorage journaled(CommitJournal journal) {
    if (loaded) throw new IllegalStateException("journaled() must be called before load()");
    this.journal = Objects.requireNonNull(journal, "journal");
    return this;
  }

  /** True when batches are made durable by a {@link CommitJournal} (see {@link #journaled}). */
  public boolean isJournaled() { return journal != null; }

  /**
   * Journaled storage, the flusher's thread, between batches: forces the open segment so that the
   * journal's records of it are no longer needed ({@link CommitJournal#checkpoint}).
   */
  public void forceForCheckpoint() {
    if (failure != null) throw failed();
    if (closed || file == null || !fileDirty) return;
    try {
      forced();
    } catch (IOException e) {
      throw fail("forcing WAL segment " + fileSegment + " for a journal checkpoint (fdatasync)", e);
    }
  }

  /** How many WAL records {@link #load} read (0 before it ran, and for a new directory). */
  public long recoveredRecords() { return recoveredRecords; }

  @Override
  public PersistedState load() {
    if (loaded) throw new IllegalStateException("load() already called");
    if (closed) throw new IllegalStateException("storage is closed");
    if (failure != null) throw failed();
    loaded = true;
    try {
      if (createIfMissing && !files.exists(dir)) {
        files.createDirectories(dir);
        if (dir.getParent() != null) files.syncDirectory(dir.getParent());
      }
      lockDirectory();
      WalRecovery.Recovered r = new WalRecovery(files, dir, snapshots).run();
      recoveredRecords = r.records();
      PersistedState s = r.state();
      hardState = s.hardState();
      snapshot = s.snapshot();
      snapshotGen = r.snapshotGen();
      snapshotRecordSegment = r.snapshotRecordSegment();
      terms = new TermList(snapshot.lastIndex());
      for (LogEntry e : s.entries()) terms.add(e.term());
      segments = r.segments();
      if (segments.isEmpty()) {
        SegmentHeader h = new SegmentHeader(1, hardState, snapshotGen, snapshot, lastIndex());
        createSegment(h);
      } else {
        fileSegment = segments.lastKey();
        file = files.open(segmentPath(fileSegment));
        fileSize = r.lastSegmentSize();
        // Bytes read back after a process crash may sit only in the page cache: force them before
        // the node acts on the state they hold, and before the next batch claims them durable.
        file.force();
        claims.recovered(fileSize, r.lastSegmentClaim(), r.lastSegmentDataEnd());
        if (r.lastSegmentVersion() < SegmentHeader.VERSION) {
          // A segment of an older format gets no claims: new records go to a new segment.
          file.close();
          file = null;
          createSegment(new SegmentHeader(fileSegment + 1, hardState, snapshotGen, snapshot, lastIndex()));
        }
      }
      logicalSegment = fileSegment;
      logicalSize = fileSize;
      return s;
    } catch (StorageException e) {
      failure = e;
      releaseFiles();
      throw e;
    } catch (IOException e) {
      throw fail("recovering the data directory", e);
    }
  }

  @Override
  public void setHardState(HardState state) {
    checkUsable();
    Objects.requireNonNull(state, "state");
    emit(Records.hardState(state));
    hardState = state;
  }

  @Override
  public void append(List<LogEntry> entries) {
    checkUsable();
    if (entries.isEmpty()) return;
    long expect = lastIndex() + 1;
    for (LogEntry e : entries) {
      if (e.index() != expect) {
        throw new IllegalArgumentException("append must continue the log: expected index " + expect
            + " but got " + e + " (last index " + lastIndex() + ")");
      }
      if (e.data().length + 1 > WalRecord.MAX_PAYLOAD) {
        throw new IllegalArgumentException("entry " + e + " is larger than the "
            + (WalRecord.MAX_PAYLOAD >> 20) + " MiB limit");
      }
      expect++;
    }
    // One call's records stay in one segment so that recovery can drop a call cut by a crash
    // as a whole (see RecordType.ENTRY_MORE).
    List<WalRecord> records = new ArrayList<>(entries.size());
    long bytes = 0;
    for (int i = 0; i < entries.size(); i++) {
      WalRecord r = Records.entry(entries.get(i), i == entries.size() - 1);
      records.add(r);
      bytes += r.encodedSize();
    }
    rollIfFull(bytes);
    for (WalRecord r : records) emitNoRoll(r);
    for (LogEntry e : entries) terms.add(e.term());
  }

  @Override
  public void truncateFrom(long fromIndex) {
    checkUsable();
    if (fromIndex <= snapshot.lastIndex()) {
      throw new IllegalArgumentException("cannot truncate from " + fromIndex
          + ": entries up to " + snapshot.lastIndex() + " are in the snapshot");
    }
    if (fromIndex > lastIndex()) return; // nothing to remove; no record needed
    emit(Records.truncate(fromIndex));
    terms.truncateFrom(fromIndex);
  }

  @Override
  public void saveSnapshot(SnapshotMeta meta, byte[] data) {
    checkUsable();
    Objects.requireNonNull(meta, "meta");
    Objects.requireNonNull(data, "data");
    if (meta.lastIndex() == 0) throw new IllegalArgumentException("cannot save an empty snapshot meta");
    if (meta.lastIndex() < snapshot.lastIndex()) {
      throw new IllegalArgumentException("snapshot " + meta + " is older than the current " + snapshot);
    }
    // Raft §7: keep the entries after the snapshot if the log has an entry matching it.
    boolean tailKept = termAt(meta.lastIndex()) == meta.lastTerm();
    long gen = snapshotGen + 1;
    emit(Records.snapshot(gen, meta, tailKept));
    sealBuffer();
    pending.add(new PendingAction.WriteSnapshot(gen, meta, data, snapshotGen));
    if (tailKept) terms.dropThrough(meta.lastIndex());
    else terms.reset(meta.lastIndex());
    snapshot = meta;
    snapshotGen = gen;
    snapshotRecordSegment = logicalSegment;
    compactAfterFlush = true;
  }

  @Override
  public long lastIndex() {
    if (failure != null) throw failed();
    return terms.isEmpty() ? Math.max(snapshot.lastIndex(), terms.lastIndex()) : terms.lastIndex();
  }

  @Override
  public void flush() {
    prepareFlush().sync();
    if (journal != null) {
      try {
        journal.force();
      } catch (IOException e) {
        throw fail("forcing the commit journal " + journal.file() + " (fdatasync)", e);
      }
    }
  }

  /**
   * Seals every call so far into a batch (node's thread); its {@code sync()} writes and forces it,
   * possibly on another thread while later calls fill the next batch.
   */
  @Override
  public FlushBatch prepareFlush() {
    checkUsable();
    sealBuffer();
    List<PendingAction> actions = List.copyOf(pending);
    pending.clear();
    boolean compact = compactAfterFlush;
    compactAfterFlush = false;
    long snapshotIndex = snapshot.lastIndex();
    long snapshotSegment = snapshotRecordSegment;
    return () -> sync(actions, compact, snapshotIndex, snapshotSegment);
  }

  /** One batch's physical work: its actions in order, one fdatasync, then compaction if due. */
  private void sync(List<PendingAction> actions, boolean compactAfter, long snapshotIndex, long snapshotSegment) {
    syncLock.lock();
    try {
      syncLocked(actions, compactAfter, snapshotIndex, snapshotSegment);
    } finally {
      syncLock.unlock();
    }
  }

  private void syncLocked(List<PendingAction> actions, boolean compactAfter, long snapshotIndex, long snapshotSegment) {
    if (failure != null) throw failed();
    if (closed) throw new IllegalStateException("storage in " + dir + " is closed");
    String step = "writing the WAL";
    // Journaled, unless the flusher's pass has this batch only (then forcing the segment is one fsync too).
    CommitJournal viaJournal = journal != null && !journal.isDirectPass() ? journal : null;
    try {
      for (PendingAction a : actions) {
        if (a instanceof PendingAction.Write w) {
          long at = fileSize;
          claims.stamp(w.bytes(), journal);
          writeToFile(w.segment(), ByteBuffer.wrap(w.bytes()));
          claims.written(fileSize);
          if (viaJournal != null) {
            step = "recording a WAL write in the commit journal " + viaJournal.file();
            claims.journaled(viaJournal.record(segmentPath(w.segment()), at, ByteBuffer.wrap(w.bytes())), fileSize);
          }
        } else if (a instanceof PendingAction.StartSegment s) {
          step = "starting WAL segment " + s.header().sequence();
          file.force();
          file.close();
          file = null;
          createSegment(s.header());
        } else if (a instanceof PendingAction.WriteSnapshot s) {
          step = "forcing the WAL before snapshot generation " + s.generation();
          forced();
          step = "writing snapshot file " + snapshots.path(s.generation());
          snapshots.write(s.generation(), s.meta(), s.data());
          if (s.previousGeneration() > 0) {
            step = "deleting superseded snapshot file " + snapshots.path(s.previousGeneration());
            files.delete(snapshots.path(s.previousGeneration()));
            files.syncDirectory(dir);
          }
        }
        step = "writing the WAL";
      }
      // Journaled: durable once the caller forces the journal; the segment is forced at a checkpoint,
      // a segment roll, a snapshot or close.
      step = "forcing WAL segment " + fileSegment + " to disk (fdatasync)";
      if (fileDirty && viaJournal == null) forced();
      if (compactAfter) {
        step = "deleting WAL segments covered by the snapshot";
        compact(snapshotIndex, snapshotSegment);
      }
    } catch (IOException e) {
      throw fail(step, e);
    }
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    // A batch still syncing (a flusher that did not finish in time) owns the file: leave it alone;
    // journaled, its records stay in the journal and are replayed at the next start.
    if (loaded && failure == null && file != null && syncLock.tryLock()) {
      try {
        if (fileDirty) forced(); // journaled: what only the journal held durably
        writeClosingClaim();
        // Drop this directory's journal records (a later storage here starts from segment 1 again).
        if (journal != null) journal.forget(dir);
      } catch (IOException e) {
        failure = new StorageException("disk error while closing the storage in " + dir + ": " + describe(e)
            + (journal == null ? "; everything flushed before is intact on disk"
                : "; its last writes stay in the commit journal " + journal.file() + " and are replayed at the next start"), e);
      } finally {
        syncLock.unlock();
      }
    }
    releaseFiles();
  }

  /** See {@link DurabilityClaims#closingClaim()}. */
  private void writeClosingClaim() throws IOException {
    ByteBuffer b = claims.closingClaim();
    if (b == null) return;
    writeToFile(fileSegment, b);
    forced();
  }

  /** Forces the open segment: everything written to it is durable. */
  private void forced() throws IOException {
    file.force();
    fileDirty = false;
    claims.forced(fileSize);
  }

  private void lockDirectory() throws IOException {
    if (files.isDirectory(dir)) {
      directoryLock = files.tryLock(dir.resolve(LOCK_FILE));
      if (directoryLock == null) {
        throw new StorageException("data directory " + dir + " is in use by another process (or"
            + " another storage object): " + dir.resolve(LOCK_FILE) + " is locked. Stop the other"
            + " node, or give each node its own data directory.");
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** Term of the entry at {@code index}, the snapshot's term at its index, else -1. */
  private long termAt(long index) {
    if (index == snapshot.lastIndex()) return snapshot.lastTerm();
    return terms.termAt(index);
  }

  /** Encodes {@code r} into the buffer, first starting a new segment if this one is full. */
  private void emit(WalRecord r) {
    rollIfFull(r.encodedSize());
    emitNoRoll(r);
  }

  /** Starts a new segment if {@code bytes} more do not fit in this one (unless it is empty). */
  private void rollIfFull(long bytes) {
    long claim = buffer.position() == 0 ? Records.DURABLE_SIZE : 0;
    if (logicalSize + claim + bytes > segmentSize && logicalSize > EMPTY_SEGMENT_SIZE) rollSegment();
  }

  /**
   * Encodes {@code r} into the buffer. Each sealed chunk of the buffer (one write to one segment)
   * starts with room for the DURABLE record that {@code sync()} fills in when it writes the chunk.
   */
  private void emitNoRoll(WalRecord r) {
    int claim = buffer.position() == 0 ? Records.DURABLE_SIZE : 0;
    int size = claim + r.encodedSize();
    if (buffer.remaining() < size) {
      ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + size));
      buffer.flip();
      bigger.put(buffer);
      buffer = bigger;
    }
    buffer.position(buffer.position() + claim);
    r.encodeTo(buffer);
    logicalSize += size;
  }

  /** Queues the start of the next segment, checkpointing the state before the next call. */
  private void rollSegment() {
    sealBuffer();
    SegmentHeader h = new SegmentHeader(logicalSegment + 1, hardState, snapshotGen, snapshot, lastIndex());
    pending.add(new PendingAction.StartSegment(h));
    logicalSegment = h.sequence();
    logicalSize = h.toRecord().encodedSize();
  }

  /** Moves the buffered bytes into a pending write, so later actions come after them. */
  private void sealBuffer() {
    if (buffer.position() == 0) return;
    byte[] bytes = new byte[buffer.position()];
    buffer.flip();
    buffer.get(bytes);
    buffer.clear();
    pending.add(new PendingAction.Write(logicalSegment, bytes));
  }

  private void writeToFile(long segment, ByteBuffer bytes) throws IOException {
    if (!bytes.hasRemaining()) return;
    if (segment != fileSegment) throw new IllegalStateException("write to segment " + segment
        + " while segment " + fileSegment + " is open");
    int n = bytes.remaining();
    fileDirty = true;
    file.write(bytes, fileSize);
    fileSize += n;
  }

  /** Creates a segment file holding only its header, durably (file forced, directory forced). */
  private void createSegment(SegmentHeader h) throws IOException {
    WalRecord r = h.toRecord();
    ByteBuffer b = ByteBuffer.allocate(r.encodedSize());
    r.encodeTo(b);
    b.flip();
    StorageFiles.StorageFile f = files.create(segmentPath(h.sequence()));
    file = f;
    fileSegment = h.sequence();
    fileSize = 0;
    segments.put(h.sequence(), SegmentInfo.of(h));
    writeToFile(h.sequence(), b);
    f.force();
    fileDirty = false;
    claims.newSegment(fileSize); // the header is durable before anything follows it
    files.syncDirectory(dir);
  }

  /** Deletes, oldest first, the segments replay no longer needs ({@link SegmentInfo#keepFrom}). */
  private void compact(long snapshotIndex, long snapshotSegment) throws IOException {
    long keepFrom = SegmentInfo.keepFrom(segments, fileSegment, snapshotIndex, snapshotSegment);
    boolean deleted = false;
    while (segments.firstKey() < keepFrom) {
      long seq = segments.firstKey();
      files.delete(segmentPath(seq));
      segments.remove(seq);
      deleted = true;
    }
    if (deleted) files.syncDirectory(dir);
  }

  private Path segmentPath(long seq) { return dir.resolve(SegmentInfo.fileName(seq)); }

  private void checkUsable() {
    if (failure != null) throw failed();
    if (closed) throw new IllegalStateException("storage in " + dir + " is closed");
    if (!loaded) throw new IllegalStateException("load() must be called before any other method");
  }

  private StorageException failed() {
    return new StorageException("storage in " + dir + " failed earlier and cannot be used again: "
        + failure.getMessage(), failure);
  }

  private StorageException fail(String step, IOException e) {
    failure = new StorageException("disk error while " + step + " in " + dir + ": " + describe(e)
        + ". The node must stop. Everything flushed before this error is intact on disk; fix the"
        + " disk (free space, check for I/O errors in the kernel log) and restart the node.", e);
    releaseFiles();
    return failure;
  }

  /** "No space left on device (FileSystemException)"-style text for an I/O error. */
  static String describe(IOException e) {
    String msg = e.getMessage();
    return (msg == null ? "" : msg + " ") + "(" + e.getClass().getSimpleName() + ")";
  }

  /** Closes the open segment and releases the directory lock. */
  private void releaseFiles() {
    try {
      if (file != null) file.close();
    } catch (IOException ignored) {
      // Closing cannot lose durable data; the first error has already been reported.
    }
    file = null;
    try {
      if (directoryLock != null) directoryLock.close();
    } catch (Exception ignored) {
      // The lock goes away with the process at the latest.
    }
    directoryLock = null;
  }

  /** Work queued by the mutating calls, executed in order by {@link #flush()}. */
  private sealed interface PendingAction {
    record Write(long segment, byte[] bytes) implements PendingAction {}
    record StartSegment(SegmentHeader header) implements PendingAction {}
    record WriteSnapshot(long generation, SnapshotMeta meta, byte[] data, long previousGeneration)
        implements PendingAction {}
  }
}

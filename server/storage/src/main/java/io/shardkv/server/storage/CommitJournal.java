package io.shardkv.server.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * One write-ahead journal per server process in front of the per-group logs (issue 13): a flusher
 * pass that wrote several groups' batches makes all of them durable with <em>one</em> fdatasync —
 * of this file — instead of one per group (TiKV's raft-engine idea, without a second log format).
 *
 * <p>How: a journaled {@link FileRaftStorage} writes each batch's bytes to its own segment file as
 * always but does not force it; it {@link #record records} the same bytes, with the segment's path
 * and offset, here. {@link #force()} then makes every batch recorded so far durable. After a crash
 * the segment files may lack the tails that only the page cache held; {@link #open} replays the
 * journal — writes each recorded range back at its offset, forces the files — before any storage
 * loads, then empties the journal.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>Durable = in a segment file that was forced, or in a forced journal record. A range is
 *       acknowledged (its replica told "flushed") only after one of the two.</li>
 *   <li>Records are appended in the order their bytes were written to the segment files (one
 *       flusher thread), and the journal is only appended to; replay stops at the first record that
 *       is torn or fails its CRC, so it restores a prefix of the writes — a prefix of every file's.</li>
 *   <li>Replay never creates a file: a segment deleted by compaction was covered by a durable
 *       snapshot, and its records are skipped.</li>
 *   <li>A storage that closes forces its segment file, then appends a durable FORGET record for its
 *       directory: earlier records of that directory are not replayed (a later storage in the same
 *       directory — ctl remove-replica, then add-replica — starts its segments from 1 again).</li>
 *   <li>{@link #checkpoint}: once every journaled storage forced its open segment, the journal is
 *       emptied (truncated to 0 and forced); the journal stays below about {@link #CHECKPOINT_BYTES}.</li>
 * </ul>
 * <pre>
 * record := u32 length of (type .. end), u32 crc32c of (type .. end), u8 type,
 *           u16 n, n bytes path (UTF-8, relative to the journal's directory),
 *           type 1 WRITE : i64 offset, bytes of the rest of the record
 *           type 2 FORGET: nothing more (the path is a directory)
 * </pre>
 * Thread-safety: every method is synchronized; {@link #record} and {@link #force} run on the
 * process's flusher thread, {@link #forget} on whichever thread closes a storage.
 */
public final class CommitJournal implements AutoCloseable {
  /** The journal's file name in a server's data directory. */
  public static final String FILE_NAME = "commit.journal";
  /** Above this size the flusher checkpoints the journal (forces the segment files, empties it). */
  public static final long CHECKPOINT_BYTES = 32L << 20;
  private static final int WRITE = 1;
  private static final int FORGET = 2;
  private static final int MAX_RECORD = 256 << 20;
  private static final int INITIAL_BUFFER = 1 << 20;

  private final Path file;
  private final Path base;
  private final FileChannel channel;
  /** Bytes in the file (written) plus in {@link #buffer} (recorded since the last force). */
  private long size;
  private long written;
  /** Records not yet written: a pass's records leave with one write and one fdatasync. */
  private ByteBuffer buffer = ByteBuffer.allocateDirect(INITIAL_BUFFER); // direct: written without a copy
  /** Segment path → its journal path bytes (relative, UTF-8). */
  private final Map<Path, byte[]> names = new java.util.HashMap<>();
  /**
   * Set by the flusher for a pass of a single batch: the journal would only add a second write to
   * the one fsync, so that batch forces its own segment and records nothing here.
   */
  private boolean direct;
  /** Journal fsyncs (one per flusher pass that recorded something), for /metrics and tests. */
  private long forces;
  /** Records ever recorded, and how many of them were durable at the last {@link #force()} (never reset). */
  private long recorded;
  private long forcedRecords;

  private CommitJournal(Path file, FileChannel channel) {
    this.file = file;
    this.base = file.toAbsolutePath().getParent();
    this.channel = channel;
  }

  /**
   * Opens the journal {@code file} (created if missing): replays what it holds onto the segment
   * files it names, forces them, and empties it. Call before any storage it covers loads.
   */
  public static CommitJournal open(Path file) throws IOException {
    Path base = file.toAbsolutePath().getParent();
    Files.createDirectories(base);
    boolean created = !Files.exists(file);
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    try {
      replay(ch, base);
      ch.truncate(0);
      ch.force(false);
      if (created) NioStorageFiles.INSTANCE.syncDirectory(base); // the journal's name is durable too
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    return new CommitJournal(file, ch);
  }

  public Path file() {
    return file;
  }

  /**
   * Flusher thread: {@code bytes} were just written at {@code offset} of {@code segment} (not
   * forced). The record is buffered; {@link #force()} writes and forces it with the pass's others.
   * Returns the record's sequence number: the bytes are durable once {@link #forcedRecords()}
   * reaches it (a storage's durability claims, {@link RecordType#DURABLE}, rely on that).
   */
  public synchronized long record(Path segment, long offset, ByteBuffer bytes) throws IOException {
    if (names.size() > 4096) names.clear();
    byte[] path = names.computeIfAbsent(segment, p -> name(p));
    append(WRITE, path, offset, bytes.duplicate());
    return ++recorded;
  }

  /** Sequence number of the last record that a completed {@link #force()} made durable (0: none). */
  public synchronized long forcedRecords() {
    return forcedRecords;
  }

  /** Makes every record so far durable (one write, one fdatasync); nothing to do when nothing was recorded. */
  public synchronized void force() throws IOException {
    if (buffer.position() == 0) return;
    buffer.flip();
    while (buffer.hasRemaining()) written += channel.write(buffer, written);
    buffer = buffer.capacity() > (8 << 20) ? ByteBuffer.allocateDirect(INITIAL_BUFFER) : buffer.clear();
    channel.force(false);
    forces++;
    forcedRecords = recorded;
  }

  /**
   * A storage in {@code dir} forced its files and closes: its records are not replayed any more
   * (durably, before this returns).
   */
  public synchronized void forget(Path dir) throws IOException {
    names.clear();
    append(FORGET, name(dir), -1, null);
    force();
  }

  /**
   * Flusher thread, before a pass's batches: {@code true} when the pass has one batch — journaled
   * storages then force their own segment ({@link FileRaftStorage}), as without a journal. (Records
   * already in the journal stay valid: segments are only appended to, so replaying them rewrites
   * the same bytes.)
   */
  public synchronized void directPass(boolean direct) {
    this.direct = direct;
  }

  /** Whether the current pass forces segments itself (see {@link #directPass}). */
  public synchronized boolean isDirectPass() {
    return direct;
  }

  /** True when the journal has grown past {@link #CHECKPOINT_BYTES}. */
  public synchronized boolean wantsCheckpoint() {
    return size > CHECKPOINT_BYTES;
  }

  /**
   * Empties the journal; the caller has forced every journaled storage's segment files first (so
   * nothing recorded here is needed any more).
   */
  public synchronized void checkpoint() throws IOException {
    if (buffer.position() != 0) throw new IllegalStateException("checkpoint with unforced records in " + file);
    channel.truncate(0);
    channel.force(false);
    size = 0;
    written = 0;
  }

  public synchronized long forces() {
    return forces;
  }

  public synchronized long size() {
    return size;
  }

  @Override
  public synchronized void close() throws IOException {
    channel.close();
  }

  private byte[] name(Path p) {
    return base.relativize(p.toAbsolutePath()).toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Encodes one record into the buffer (see the class comment); {@code bytes} null for FORGET. */
  private void append(int type, byte[] path, long offset, ByteBuffer bytes) {
    int len = 1 + 2 + path.length + (type == WRITE ? 8 + bytes.remaining() : 0);
    if (buffer.remaining() < 8 + len) {
      ByteBuffer bigger = ByteBuffer.allocateDirect(Math.max(buffer.capacity() * 2, buffer.position() + 8 + len));
      buffer.flip();
      bigger.put(buffer);
      buffer = bigger;
    }
    int start = buffer.position();
    buffer.putInt(len).putInt(0).put((byte) type).putShort((short) path.length).put(path);
    if (type == WRITE) buffer.putLong(offset).put(bytes);
    CRC32C crc = new CRC32C();
    crc.update(buffer.duplicate().limit(start + 8 + len).position(start + 8));
    buffer.putInt(start + 4, (int) crc.getValue());
    size += 8 + len;
  }

  /** A WRITE record read back: {@code bytes} at {@code offset} of {@code path}. */
  record Write(Path path, long offset, byte[] bytes) {}

  /** The WRITE records replay would apply, in order (FORGET applied; a torn or corrupt tail ends the list). */
  static List<Write> read(FileChannel ch, Path base) throws IOException {
    Map<Path, List<Write>> byDir = new LinkedHashMap<>();
    List<Write> all = new ArrayList<>();
    long at = 0;
    long end = ch.size();
    ByteBuffer head = ByteBuffer.allocate(8);
    while (at + 8 <= end) {
      head.clear();
      readFully(ch, head, at);
      head.flip();
      int len = head.getInt();
      int crc = head.getInt();
      if (len < 3 || len > MAX_RECORD || at + 8 + len > end) break; // torn tail
      ByteBuffer body = ByteBuffer.allocate(len);
      readFully(ch, body, at + 8);
      body.flip();
      CRC32C c = new CRC32C();
      c.update(body.duplicate());
      if ((int) c.getValue() != crc) break; // torn or corrupt: nothing after it was acknowledged
      int type = body.get();
      int n = body.getShort() & 0xffff;
      if (n > body.remaining()) break;
      byte[] p = new byte[n];
      body.get(p);
      Path path = base.resolve(new String(p, StandardCharsets.UTF_8)).normalize();
      if (type == WRITE && body.remaining() >= 8) {
        long offset = body.getLong();
        byte[] bytes = new byte[body.remaining()];
        body.get(bytes);
        Write w = new Write(path, offset, bytes);
        all.add(w);
        byDir.computeIfAbsent(path.getParent(), d -> new ArrayList<>()).add(w);
      } else if (type == FORGET) {
        List<Write> gone = byDir.remove(path);
        if (gone != null) all.removeAll(gone);
      } else {
        break;
      }
      at += 8 + len;
    }
    return all;
  }

  private static void replay(FileChannel ch, Path base) throws IOException {
    Map<Path, FileChannel> open = new LinkedHashMap<>();
    try {
      for (Write w : read(ch, base)) {
        if (!open.containsKey(w.path())) {
          open.put(w.path(), Files.exists(w.path()) ? FileChannel.open(w.path(), StandardOpenOption.WRITE) : null);
        }
        FileChannel f = open.get(w.path());
        if (f == null) continue; // deleted by compaction: covered by a durable snapshot
        ByteBuffer b = ByteBuffer.wrap(w.bytes());
        long at = w.offset();
        while (b.hasRemaining()) at += f.write(b, at);
      }
      for (FileChannel f : open.values()) {
        if (f != null) f.force(false);
      }
    } finally {
      for (FileChannel f : open.values()) {
        if (f != null) f.close();
      }
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer dst, long at) throws IOException {
    while (dst.hasRemaining()) {
      int n = ch.read(dst, at);
      if (n < 0) throw new IOException("unexpected end of " + ch);
      at += n;
    }
  }

  @Override
  public String toString() {
    return "commit journal " + file;
  }
}

package io.shardkv.server.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link StorageFiles} over the real file system that fails one chosen operation: the n-th
 * operation overall (counting every call), or the n-th of one kind. The failure is an
 * {@link IOException} with the kernel's wording for ENOSPC or EIO; a failing write first writes
 * half its bytes, as a full disk does. After the failure, later operations succeed again (the
 * storage must not rely on them: it has to stay failed on its own).
 */
final class FaultInjectingFiles implements StorageFiles {
  enum Op { LIST, CREATE_DIRS, CREATE, OPEN, READ, WRITE, FORCE, TRUNCATE, RENAME, DELETE, SYNC_DIR }

  enum Fault {
    ENOSPC("No space left on device"),
    EIO("Input/output error"),
    EACCES("Permission denied");

    final String text;
    Fault(String text) { this.text = text; }
  }

  private final StorageFiles real = NioStorageFiles.INSTANCE;
  private Op failOp;
  private long failAt = -1;
  private Fault fault = Fault.EIO;
  private long count;
  private boolean fired;
  /** Every operation so far, for finding the steps of a sequence. */
  final List<String> log = new ArrayList<>();

  // What a power cut would lose: bytes written after the last force, and directory changes
  // (creations, renames) not yet followed by a directory fsync.
  private final Map<Path, Long> forcedSize = new HashMap<>();
  private final List<Path> unsyncedCreates = new ArrayList<>();
  private final List<Path[]> unsyncedRenames = new ArrayList<>();

  /**
   * Simulates a power cut after the last operation: every file goes back to the size it had at its
   * last force (appends since are lost), and creations and renames not made durable by a
   * directory fsync are undone. (Deletions are treated as durable at once: recreating deleted
   * files would need their contents.)
   */
  void powerCut() throws IOException {
    powerCut(0, 0);
  }

  /**
   * A power cut that loses one earlier unit of the unforced tail and keeps the later ones (a disk
   * writes back an unforced write's pages, or a page's sectors, in any order): in every file with
   * unforced bytes, the {@code k}-th {@code unit}-aligned unit of the tail (0: the unit holding the
   * first unforced byte) is zeroed — its unforced bytes only — and every other byte written stays.
   * A file whose unforced tail ends inside or before that unit loses its tail as in
   * {@link #powerCut()}. Directory changes are undone as there. Returns the number of holes made.
   */
  int powerCutLosingOneUnit(int unit, int k) throws IOException {
    return powerCut(unit, k);
  }

  private int powerCut(int unit, int k) throws IOException {
    int holes = 0;
    for (int i = unsyncedRenames.size() - 1; i >= 0; i--) {
      Path[] r = unsyncedRenames.get(i);
      if (java.nio.file.Files.exists(r[1])) {
        java.nio.file.Files.move(r[1], r[0], java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Long size = forcedSize.remove(r[1]);
        if (size != null) forcedSize.put(r[0], size);
      }
    }
    for (Path p : unsyncedCreates) {
      java.nio.file.Files.deleteIfExists(p);
      forcedSize.remove(p);
    }
    for (Map.Entry<Path, Long> e : forcedSize.entrySet()) {
      Path p = e.getKey();
      long forced = e.getValue();
      if (!java.nio.file.Files.exists(p)) continue;
      long size = java.nio.file.Files.size(p);
      if (size <= forced) continue;
      try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(p,
          java.nio.file.StandardOpenOption.WRITE)) {
        long holeEnd = unit == 0 ? Long.MAX_VALUE : (forced / unit + 1 + k) * unit;
        if (holeEnd >= size) {
          ch.truncate(forced);
        } else {
          long holeStart = Math.max(forced, holeEnd - unit);
          ch.write(ByteBuffer.allocate((int) (holeEnd - holeStart)), holeStart);
          holes++;
        }
      }
    }
    unsyncedRenames.clear();
    unsyncedCreates.clear();
    return holes;
  }

  /** Fails the {@code n}-th (1-based) operation of kind {@code op}, or of any kind if op is null. */
  FaultInjectingFiles failAt(Op op, long n, Fault f) {
    failOp = op;
    failAt = n;
    fault = f;
    count = 0;
    fired = false;
    return this;
  }

  /** Starts counting from now (operations before don't count). */
  void resetCount() { count = 0; log.clear(); }

  boolean fired() { return fired; }

  private void check(Op op, Path p) throws IOException {
    log.add(op + " " + (p == null ? "" : p.getFileName()));
    if (failAt < 0 || fired) return;
    if (failOp != null && failOp != op) return;
    if (++count == failAt) {
      fired = true;
      throw new FileSystemException(String.valueOf(p), null, fault.text);
    }
  }

  @Override public boolean isDirectory(Path path) { return real.isDirectory(path); }
  @Override public boolean exists(Path path) { return real.exists(path); }

  @Override
  public void createDirectories(Path dir) throws IOException {
    check(Op.CREATE_DIRS, dir);
    real.createDirectories(dir);
  }

  @Override
  public List<String> list(Path dir) throws IOException {
    check(Op.LIST, dir);
    return real.list(dir);
  }

  @Override
  public StorageFile create(Path file) throws IOException {
    check(Op.CREATE, file);
    StorageFile f = real.create(file);
    unsyncedCreates.add(file);
    forcedSize.put(file, 0L);
    return new File(f, file);
  }

  @Override
  public StorageFile open(Path file) throws IOException {
    check(Op.OPEN, file);
    StorageFile f = real.open(file);
    forcedSize.putIfAbsent(file, f.size()); // existing contents were durable before we started
    return new File(f, file);
  }

  @Override
  public void atomicRename(Path from, Path to) throws IOException {
    check(Op.RENAME, from);
    real.atomicRename(from, to);
    unsyncedRenames.add(new Path[] {from, to});
    Long size = forcedSize.remove(from);
    if (size != null) forcedSize.put(to, size);
  }

  @Override
  public void delete(Path file) throws IOException {
    check(Op.DELETE, file);
    real.delete(file);
    forcedSize.remove(file);
  }

  @Override
  public void syncDirectory(Path dir) throws IOException {
    check(Op.SYNC_DIR, dir);
    real.syncDirectory(dir);
    unsyncedCreates.removeIf(p -> dir.equals(p.getParent()));
    unsyncedRenames.removeIf(r -> dir.equals(r[1].getParent()));
  }

  @Override
  public AutoCloseable tryLock(Path lockFile) throws IOException {
    return real.tryLock(lockFile);
  }

  private final class File implements StorageFile {
    private final StorageFile f;
    private final Path path;

    File(StorageFile f, Path path) {
      this.f = f;
      this.path = path;
    }

    @Override public long size() throws IOException { return f.size(); }

    @Override
    public void read(ByteBuffer dst, long position) throws IOException {
      check(Op.READ, path);
      f.read(dst, position);
    }

    @Override
    public void write(ByteBuffer src, long position) throws IOException {
      try {
        check(Op.WRITE, path);
      } catch (IOException e) {
        ByteBuffer half = src.duplicate();
        half.limit(half.position() + half.remaining() / 2);
        f.write(half, position); // a full disk takes part of the write, then fails
        throw e;
      }
      f.write(src, position);
    }

    @Override
    public void force() throws IOException {
      check(Op.FORCE, path);
      f.force();
      forcedSize.put(path, f.size());
    }

    @Override
    public void truncate(long size) throws IOException {
      check(Op.TRUNCATE, path);
      f.truncate(size);
      forcedSize.computeIfPresent(path, (p, old) -> Math.min(old, size));
    }

    @Override public void close() throws IOException { f.close(); }
  }
}

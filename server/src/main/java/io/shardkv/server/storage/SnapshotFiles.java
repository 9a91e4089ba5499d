package io.shardkv.server.storage;

import io.shardkv.server.raft.SnapshotMeta;
import io.shardkv.server.raft.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Snapshot files: {@code snapshot-<generation, 20 digits>.snap}. Layout (big-endian):
 *
 * <pre>
 *   0   4  magic "SKVS"
 *   4   2  format version (1)
 *   6   8  generation
 *   14  8  last included index
 *   22  8  last included term
 *   30  8  data length
 *   38  4  CRC32C over bytes [0,38) and the data
 *   42  .. data
 * </pre>
 *
 * A snapshot is written to {@code <name>.tmp}, forced, renamed atomically to its final name, and
 * the directory is forced; only then does the name exist durably, always with whole contents.
 */
final class SnapshotFiles {
  static final String PREFIX = "snapshot-";
  static final String SUFFIX = ".snap";
  static final String TMP_SUFFIX = ".tmp";
  private static final int MAGIC = 0x534B5653; // "SKVS"
  private static final short VERSION = 1;
  static final int HEADER_SIZE = 42;

  private final StorageFiles files;
  private final Path dir;

  SnapshotFiles(StorageFiles files, Path dir) {
    this.files = files;
    this.dir = dir;
  }

  static String name(long generation) { return String.format("%s%020d%s", PREFIX, generation, SUFFIX); }

  /** The generation in a final snapshot file name, or -1 if {@code name} is not one. */
  static long generationOf(String name) {
    if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX)) return -1;
    String digits = name.substring(PREFIX.length(), name.length() - SUFFIX.length());
    if (digits.length() != 20 || !digits.chars().allMatch(Character::isDigit)) return -1;
    return Long.parseLong(digits);
  }

  Path path(long generation) { return dir.resolve(name(generation)); }

  /** Writes the snapshot durably under its final name (temp file, force, rename, force dir). */
  void write(long generation, SnapshotMeta meta, byte[] data) throws IOException {
    Path tmp = dir.resolve(name(generation) + TMP_SUFFIX);
    files.delete(tmp);
    ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
    header.putInt(MAGIC).putShort(VERSION).putLong(generation).putLong(meta.lastIndex())
        .putLong(meta.lastTerm()).putLong(data.length);
    CRC32C crc = new CRC32C();
    crc.update(header.array(), 0, 38);
    crc.update(data, 0, data.length);
    header.putInt((int) crc.getValue());
    header.flip();
    try (StorageFiles.StorageFile f = files.create(tmp)) {
      f.write(header, 0);
      f.write(ByteBuffer.wrap(data), HEADER_SIZE);
      f.force();
    }
    files.atomicRename(tmp, path(generation));
    files.syncDirectory(dir);
  }

  /** A snapshot read back and verified. */
  record Loaded(SnapshotMeta meta, byte[] data) {}

  /** Reads and verifies the snapshot of {@code generation}; corruption is a StorageException. */
  Loaded read(long generation) throws IOException {
    Path p = path(generation);
    byte[] bytes;
    try (StorageFiles.StorageFile f = files.open(p)) {
      long size = f.size();
      if (size < HEADER_SIZE || size - HEADER_SIZE > Integer.MAX_VALUE - 64) {
        throw corrupt(p, 0, "file is " + size + " bytes, not a valid snapshot size");
      }
      ByteBuffer b = ByteBuffer.allocate((int) size);
      f.read(b, 0);
      bytes = b.array();
    }
    ByteBuffer h = ByteBuffer.wrap(bytes);
    if (h.getInt(0) != MAGIC) throw corrupt(p, 0, "bad magic number");
    if (h.getShort(4) != VERSION) {
      throw corrupt(p, 4, "unsupported snapshot format version " + h.getShort(4));
    }
    long gen = h.getLong(6);
    long dataLength = h.getLong(30);
    if (dataLength != bytes.length - HEADER_SIZE) {
      throw corrupt(p, 30, "header says " + dataLength + " data bytes but the file holds "
          + (bytes.length - HEADER_SIZE));
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, 38);
    crc.update(bytes, HEADER_SIZE, bytes.length - HEADER_SIZE);
    if ((int) crc.getValue() != h.getInt(38)) throw corrupt(p, 38, "CRC32C mismatch");
    if (gen != generation) throw corrupt(p, 6, "file holds generation " + gen);
    SnapshotMeta meta;
    try {
      meta = new SnapshotMeta(h.getLong(14), h.getLong(22));
    } catch (IllegalArgumentException e) {
      throw corrupt(p, 14, e.getMessage());
    }
    byte[] data = new byte[bytes.length - HEADER_SIZE];
    System.arraycopy(bytes, HEADER_SIZE, data, 0, data.length);
    return new Loaded(meta, data);
  }

  private static StorageException corrupt(Path p, long offset, String what) {
    return new StorageException("snapshot file " + p + " is corrupt at byte offset " + offset + ": "
        + what + ". Refusing to start rather than serve corrupted data. Restore this node's data"
        + " directory from a backup, or wipe it and let the node rejoin from its peers.");
  }
}

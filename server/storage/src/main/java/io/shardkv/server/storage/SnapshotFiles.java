package io.shardkv.server.storage;

import io.shardkv.server.raft.Membership;
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
 * Version 2 (written only when the snapshot records a configuration, {@link SnapshotMeta#membership()};
 * version 1 files keep being written and read for every other snapshot, and mean the seed
 * configuration):
 * <pre>
 *   0   38 as version 1 (version field = 2)
 *   38  4  membership length m
 *   42  4  CRC32C over bytes [0,42), the membership and the data
 *   46  m  membership ({@link Membership#encode()})
 *   46+m .. data
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
  private static final short VERSION_WITH_MEMBERSHIP = 2;
  static final int HEADER_SIZE = 42;
  private static final int HEADER_SIZE_V2 = 46;

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
    byte[] members = meta.membership() == null ? null : meta.membership().encode();
    int headerSize = members == null ? HEADER_SIZE : HEADER_SIZE_V2 + members.length;
    ByteBuffer header = ByteBuffer.allocate(headerSize);
    header.putInt(MAGIC).putShort(members == null ? VERSION : VERSION_WITH_MEMBERSHIP).putLong(generation)
        .putLong(meta.lastIndex()).putLong(meta.lastTerm()).putLong(data.length);
    if (members != null) header.putInt(members.length);
    CRC32C crc = new CRC32C();
    crc.update(header.array(), 0, header.position());
    if (members != null) crc.update(members, 0, members.length);
    crc.update(data, 0, data.length);
    header.putInt((int) crc.getValue());
    if (members != null) header.put(members);
    header.flip();
    try (StorageFiles.StorageFile f = files.create(tmp)) {
      f.write(header, 0);
      f.write(ByteBuffer.wrap(data), headerSize);
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
    short version = h.getShort(4);
    if (version != VERSION && version != VERSION_WITH_MEMBERSHIP) {
      throw corrupt(p, 4, "unsupported snapshot format version " + version + " (this build reads 1 and 2)");
    }
    int crcAt = 38;
    int membersLength = 0;
    if (version == VERSION_WITH_MEMBERSHIP) {
      if (bytes.length < HEADER_SIZE_V2) throw corrupt(p, 0, "file is too short for a version 2 header");
      membersLength = h.getInt(38);
      if (membersLength < 0 || membersLength > bytes.length - HEADER_SIZE_V2) {
        throw corrupt(p, 38, "membership length " + membersLength + " does not fit the file");
      }
      crcAt = 42;
    }
    int dataAt = (version == VERSION ? HEADER_SIZE : HEADER_SIZE_V2) + membersLength;
    long gen = h.getLong(6);
    long dataLength = h.getLong(30);
    if (dataLength != bytes.length - dataAt) {
      throw corrupt(p, 30, "header says " + dataLength + " data bytes but the file holds "
          + (bytes.length - dataAt));
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, crcAt);
    crc.update(bytes, crcAt + 4, bytes.length - crcAt - 4);
    if ((int) crc.getValue() != h.getInt(crcAt)) throw corrupt(p, crcAt, "CRC32C mismatch");
    if (gen != generation) throw corrupt(p, 6, "file holds generation " + gen);
    SnapshotMeta meta;
    try {
      Membership members = version == VERSION ? null
          : Membership.decode(java.util.Arrays.copyOfRange(bytes, HEADER_SIZE_V2, dataAt));
      meta = new SnapshotMeta(h.getLong(14), h.getLong(22), members);
    } catch (IllegalArgumentException e) {
      throw corrupt(p, 14, e.getMessage());
    }
    byte[] data = new byte[bytes.length - dataAt];
    System.arraycopy(bytes, dataAt, data, 0, data.length);
    return new Loaded(meta, data);
  }

  private static StorageException corrupt(Path p, long offset, String what) {
    return new StorageException("snapshot file " + p + " is corrupt at byte offset " + offset + ": "
        + what + ". Refusing to start rather than serve corrupted data. Restore this node's data"
        + " directory from a backup, or wipe it and let the node rejoin from its peers.");
  }
}

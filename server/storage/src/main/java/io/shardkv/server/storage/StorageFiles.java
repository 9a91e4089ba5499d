package io.shardkv.server.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The file-system operations {@link FileRaftStorage} uses, and nothing else. Every byte the
 * storage reads or writes goes through this interface, so tests can inject disk errors (ENOSPC,
 * EIO) at a chosen operation and the production implementation ({@link NioStorageFiles}) stays a
 * thin wrapper over {@code java.nio}.
 *
 * <p>Durability vocabulary: {@link StorageFile#force()} makes a file's written bytes durable
 * (fdatasync); {@link #syncDirectory(Path)} makes the creation, deletion or rename of names in a
 * directory durable (fsync on the directory).
 */
public interface StorageFiles {

  /** True if {@code path} exists and is a directory. */
  boolean isDirectory(Path path);

  /** True if {@code path} exists (file or directory). */
  boolean exists(Path path);

  /** Creates the directory and any missing parents. */
  void createDirectories(Path dir) throws IOException;

  /** Names (not paths) of the entries of {@code dir}, in unspecified order. */
  List<String> list(Path dir) throws IOException;

  /** Creates a new, empty file for reading and writing; fails if it exists. */
  StorageFile create(Path file) throws IOException;

  /** Opens an existing file for reading and writing. */
  StorageFile open(Path file) throws IOException;

  /** Renames {@code from} to {@code to} atomically, replacing {@code to} if it exists. */
  void atomicRename(Path from, Path to) throws IOException;

  /** Deletes the file if it exists. */
  void delete(Path file) throws IOException;

  /** Makes the directory's entries (creations, deletions, renames) durable. */
  void syncDirectory(Path dir) throws IOException;

  /**
   * Takes an exclusive lock on {@code lockFile} (created if missing) for as long as the returned
   * handle is open, or returns null if another process or another storage object holds it.
   * The operating system releases it when the process dies.
   */
  AutoCloseable tryLock(Path lockFile) throws IOException;

  /** An open file. Positions are absolute byte offsets. Not thread-safe. */
  interface StorageFile extends AutoCloseable {
    long size() throws IOException;

    /** Reads exactly {@code dst.remaining()} bytes at {@code position}, or throws EOFException. */
    void read(java.nio.ByteBuffer dst, long position) throws IOException;

    /** Writes all of {@code src} at {@code position}. */
    void write(java.nio.ByteBuffer src, long position) throws IOException;

    /** Makes every byte written so far durable (fdatasync). */
    void force() throws IOException;

    /** Cuts the file to {@code size} bytes. */
    void truncate(long size) throws IOException;

    @Override
    void close() throws IOException;
  }
}

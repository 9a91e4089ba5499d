package io.shardkv.server.storage;

import io.shardkv.server.raft.PersistedState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/** File helpers for storage tests: copy a data directory, damage a file, reopen. */
final class TestDirs {
  private TestDirs() {}

  static void copy(Path from, Path to) {
    try {
      Files.createDirectories(to);
      try (Stream<Path> s = Files.list(from)) {
        for (Path p : s.toList()) {
          Files.copy(p, to.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) return;
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted((a, b) -> b.compareTo(a)).toList()) Files.delete(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sorted names of the WAL segment files in {@code dir}. */
  static List<Path> segments(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> SegmentInfo.sequenceOf(p.getFileName().toString()) >= 0).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void write(Path file, byte[] bytes, int length) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, java.util.Arrays.copyOf(bytes, length));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Overwrites one byte in place (no truncation: rewriting a truncated file makes ext4 flush it
   * on close, which is slow when done thousands of times).
   */
  static void putByte(Path file, long position, byte value) {
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file,
        java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {value}), position);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Opens and loads the storage in {@code dir} with the real file system. */
  static PersistedState load(Path dir, long segmentSize) {
    try (FileRaftStorage s = new FileRaftStorage(dir, NioStorageFiles.INSTANCE, segmentSize, false)) {
      return s.load();
    }
  }

  static FileRaftStorage open(Path dir, long segmentSize) {
    return new FileRaftStorage(dir, NioStorageFiles.INSTANCE, segmentSize, true);
  }
}

package io.shardkv.server.storage;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** {@link StorageFiles} on the real file system through {@code java.nio}. */
public final class NioStorageFiles implements StorageFiles {
  public static final NioStorageFiles INSTANCE = new NioStorageFiles();

  private NioStorageFiles() {}

  @Override public boolean isDirectory(Path path) { return Files.isDirectory(path); }

  @Override public boolean exists(Path path) { return Files.exists(path); }

  @Override public void createDirectories(Path dir) throws IOException { Files.createDirectories(dir); }

  @Override
  public List<String> list(Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.forEach(p -> names.add(p.getFileName().toString()));
    }
    return names;
  }

  @Override
  public StorageFile create(Path file) throws IOException {
    return new NioFile(FileChannel.open(file, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.READ, StandardOpenOption.WRITE));
  }

  @Override
  public StorageFile open(Path file) throws IOException {
    return new NioFile(FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE));
  }

  @Override
  public void atomicRename(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override public void delete(Path file) throws IOException { Files.deleteIfExists(file); }

  @Override
  public void syncDirectory(Path dir) throws IOException {
    // On Linux a directory can be opened read-only and fsync'ed; this makes its entries durable.
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  @Override
  public AutoCloseable tryLock(Path lockFile) throws IOException {
    FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by another storage object in this JVM
    }
    if (lock == null) {
      ch.close();
      return null;
    }
    return ch::close; // closing the channel releases the lock
  }

  private static final class NioFile implements StorageFile {
    private final FileChannel channel;

    NioFile(FileChannel channel) { this.channel = channel; }

    @Override public long size() throws IOException { return channel.size(); }

    @Override
    public void read(ByteBuffer dst, long position) throws IOException {
      long pos = position;
      while (dst.hasRemaining()) {
        int n = channel.read(dst, pos);
        if (n < 0) throw new EOFException("end of file at offset " + pos);
        pos += n;
      }
    }

    @Override
    public void write(ByteBuffer src, long position) throws IOException {
      long pos = position;
      while (src.hasRemaining()) pos += channel.write(src, pos);
    }

    @Override public void force() throws IOException { channel.force(false); }

    @Override public void truncate(long size) throws IOException { channel.truncate(size); }

    @Override public void close() throws IOException { channel.close(); }
  }
}

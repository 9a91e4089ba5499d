package io.shardkv.server.storage.bench;

import io.shardkv.server.raft.EntryKind;
import io.shardkv.server.raft.LogEntry;
import io.shardkv.server.raft.PersistedState;
import io.shardkv.server.storage.FileRaftStorage;
import io.shardkv.server.storage.NioStorageFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Measures {@link FileRaftStorage} on the local disk and prints:
 * <ol>
 *   <li>single-entry durable append latency: append one entry, flush (one fdatasync), repeated,
 *       interleaved with a raw append + fdatasync on a plain file as the floor;</li>
 *   <li>batched throughput with 1 KiB entries at several batch sizes (one flush per batch);</li>
 *   <li>recovery time ({@code load()}) of a log of a given size (default 1 GiB);</li>
 *   <li>the flush pass of a server hosting several groups ({@code --groups N}, default 3): one entry
 *       appended to each of N group logs, then the N flushes run one after another, or in parallel
 *       (what the server's flusher does), against one plain file taking the N records and one
 *       fdatasync (the floor of a shared WAL).</li>
 * </ol>
 *
 * <p>Run (after {@code mvn -B -o -q -pl server/storage -am compile}):
 * <pre>
 *   java -Xmx4g -cp server/core/target/classes:server/storage/target/classes io.shardkv.server.storage.bench.StorageBenchmark \
 *       [--dir /tmp/shardkv-bench] [--latency-ops 5000] [--entry-bytes 128] \
 *       [--batches 1,8,64,256,1024] [--throughput-mib 128] [--recovery-mib 1024]
 * </pre>
 * {@code --recovery-mib 0} skips the recovery test. All files are deleted at the end.
 */
public final class StorageBenchmark {
  private StorageBenchmark() {}

  public static void main(String[] args) throws IOException {
    Path root = Path.of(System.getProperty("java.io.tmpdir"), "shardkv-storage-bench-" + ProcessHandle.current().pid());
    int latencyOps = 5000;
    int entryBytes = 128;
    int[] batches = {1, 8, 64, 256, 1024};
    long throughputMib = 128;
    long recoveryMib = 1024;
    int groups = 3;
    for (int i = 0; i < args.length; i++) {
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--dir" -> root = Path.of(v);
        case "--latency-ops" -> latencyOps = Integer.parseInt(v);
        case "--entry-bytes" -> entryBytes = Integer.parseInt(v);
        case "--batches" -> batches = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
        case "--throughput-mib" -> throughputMib = Long.parseLong(v);
        case "--recovery-mib" -> recoveryMib = Long.parseLong(v);
        case "--groups" -> groups = Integer.parseInt(v);
        default -> {
          System.err.println("unknown option " + args[i] + "; options: --dir --latency-ops"
              + " --entry-bytes --batches --throughput-mib --recovery-mib --groups");
          System.exit(2);
        }
      }
      i++;
    }
    Files.createDirectories(root);
    System.out.println("ShardKV storage benchmark in " + root);
    try {
      latency(root.resolve("latency"), latencyOps, entryBytes);
      for (int b : batches) throughput(root.resolve("throughput-" + b), b, throughputMib << 20);
      if (recoveryMib > 0) recovery(root.resolve("recovery"), recoveryMib << 20);
      if (groups > 1) groupPass(root.resolve("groups"), groups, Math.max(200, latencyOps / 5), entryBytes);
    } finally {
      deleteRecursively(root);
    }
  }

  /**
   * Single-entry durable append latency, interleaved with its floor so both see the same machine
   * load: each round does (a) one raw append of the same record size to a plain file with one write
   * and one {@code force(false)} (fdatasync), then (b) {@code append(1 entry)} + {@code flush()}.
   */
  private static void latency(Path dir, int ops, int entryBytes) throws IOException {
    Files.createDirectories(dir);
    int recordBytes = entryBytes + 26; // WAL record header 25 + kind byte
    long[] raw = new long[ops];
    long[] durable = new long[ops];
    try (FileRaftStorage s = open(dir.resolve("wal"));
         FileChannel ch = FileChannel.open(dir.resolve("raw"), StandardOpenOption.CREATE_NEW,
             StandardOpenOption.WRITE)) {
      s.load();
      byte[] data = payload(entryBytes, 1);
      ByteBuffer b = ByteBuffer.allocate(recordBytes);
      long pos = 0;
      long index = 1;
      int warmup = Math.min(500, ops / 5);
      for (int i = -warmup; i < ops; i++) {
        long t0 = System.nanoTime();
        b.clear();
        while (b.hasRemaining()) pos += ch.write(b, pos);
        ch.force(false);
        long t1 = System.nanoTime();
        s.append(List.of(new LogEntry(index++, 1, EntryKind.COMMAND, data)));
        s.flush();
        long t2 = System.nanoTime();
        if (i >= 0) {
          raw[i] = t1 - t0;
          durable[i] = t2 - t1;
        }
      }
    }
    Arrays.sort(raw);
    Arrays.sort(durable);
    System.out.printf("baseline: raw %d-byte append + fdatasync on a plain file, %d ops:"
        + " p50 %.3f ms  p90 %.3f ms  p99 %.3f ms%n", recordBytes, ops, ms(raw[ops / 2]),
        ms(raw[(int) (ops * 0.90)]), ms(raw[(int) (ops * 0.99)]));
    System.out.printf("single-entry durable append (%d B entry, append+flush), %d ops:"
        + " p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  max %.3f ms  (p50 = %.2f x baseline p50)%n",
        entryBytes, ops, ms(durable[ops / 2]), ms(durable[(int) (ops * 0.90)]),
        ms(durable[(int) (ops * 0.99)]), ms(durable[ops - 1]),
        durable[ops / 2] / (double) raw[ops / 2]);
    deleteRecursively(dir);
  }

  /**
   * One flush pass of a server hosting {@code groups} groups, three ways, interleaved round by round
   * so all see the same load: sequential flushes of the group logs, parallel flushes (one thread
   * per log, as {@code process.GroupFlusher}), and one plain file with every record and one
   * fdatasync (what a shared WAL could at best do).
   */
  private static void groupPass(Path dir, int groups, int rounds, int entryBytes) throws IOException {
    Files.createDirectories(dir);
    List<FileRaftStorage> logs = new ArrayList<>();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(groups);
    long[] seq = new long[rounds];
    long[] par = new long[rounds];
    long[] shared = new long[rounds];
    try (FileChannel ch = FileChannel.open(dir.resolve("shared"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (int g = 0; g < groups; g++) {
        FileRaftStorage s = open(dir.resolve("group-" + g));
        s.load();
        logs.add(s);
      }
      byte[] data = payload(entryBytes, 3);
      long index = 1;
      long pos = 0;
      int warmup = Math.min(100, rounds / 5);
      for (int i = -warmup; i < rounds; i++) {
        long t0 = System.nanoTime();
        for (FileRaftStorage s : logs) {
          s.append(List.of(new LogEntry(index, 1, EntryKind.COMMAND, data)));
          s.flush();
        }
        index++;
        long t1 = System.nanoTime();
        List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
        for (FileRaftStorage s : logs) {
          long at = index;
          fs.add(pool.submit(() -> {
            s.append(List.of(new LogEntry(at, 1, EntryKind.COMMAND, data)));
            s.flush();
          }));
        }
        for (java.util.concurrent.Future<?> f : fs) {
          try {
            f.get();
          } catch (Exception e) {
            throw new IllegalStateException("parallel flush failed", e);
          }
        }
        index++;
        long t2 = System.nanoTime();
        ByteBuffer b = ByteBuffer.allocate(groups * (entryBytes + 26));
        while (b.hasRemaining()) pos += ch.write(b, pos);
        ch.force(false);
        long t3 = System.nanoTime();
        if (i >= 0) {
          seq[i] = t1 - t0;
          par[i] = t2 - t1;
          shared[i] = t3 - t2;
        }
      }
    } finally {
      pool.shutdown();
      for (FileRaftStorage s : logs) s.close();
    }
    Arrays.sort(seq);
    Arrays.sort(par);
    Arrays.sort(shared);
    System.out.printf("flush pass of %d groups (one %d B entry each), %d rounds: p50 sequential %.3f ms,"
        + " parallel %.3f ms, shared file (1 fdatasync) %.3f ms; p99 %.3f / %.3f / %.3f ms%n",
        groups, entryBytes, rounds, ms(seq[rounds / 2]), ms(par[rounds / 2]), ms(shared[rounds / 2]),
        ms(seq[(int) (rounds * 0.99)]), ms(par[(int) (rounds * 0.99)]), ms(shared[(int) (rounds * 0.99)]));
    deleteRecursively(dir);
  }

  private static void throughput(Path dir, int batch, long totalBytes) {
    int entrySize = 1024;
    long entries = Math.max(batch * 20L, Math.min(totalBytes / entrySize, batch * 2000L));
    byte[] data = payload(entrySize, 2);
    try (FileRaftStorage s = open(dir)) {
      s.load();
      long index = 1;
      long t0 = System.nanoTime();
      while (index <= entries) {
        List<LogEntry> list = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) list.add(new LogEntry(index++, 1, EntryKind.COMMAND, data));
        s.append(list);
        s.flush();
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      long written = index - 1;
      System.out.printf("batched 1 KiB appends, batch %5d: %9.0f entries/s  %7.1f MB/s"
          + "  (%d entries, %d flushes, %.2f s)%n", batch, written / secs,
          written * entrySize / secs / 1e6, written, written / batch, secs);
    }
    deleteRecursively(dir);
  }

  private static void recovery(Path dir, long bytes) {
    int entrySize = 1024;
    byte[] data = payload(entrySize, 3);
    long entries = bytes / (entrySize + 26);
    long t0 = System.nanoTime();
    try (FileRaftStorage s = open(dir)) {
      s.load();
      long index = 1;
      while (index <= entries) {
        List<LogEntry> list = new ArrayList<>(1024);
        for (int i = 0; i < 1024 && index <= entries; i++) {
          list.add(new LogEntry(index++, 1, EntryKind.COMMAND, data));
        }
        s.append(list);
        s.flush();
      }
    }
    double writeSecs = (System.nanoTime() - t0) / 1e9;
    long onDisk = du(dir);
    // Drop the page cache if we may (root), so recovery reads from the disk, not memory.
    boolean cold = dropCaches();
    for (String cache : cold ? List.of("cold", "warm") : List.of("warm")) {
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long cpu0 = threads.getCurrentThreadCpuTime();
      long t1 = System.nanoTime();
      PersistedState state;
      try (FileRaftStorage s = open(dir)) {
        state = s.load();
      }
      double loadSecs = (System.nanoTime() - t1) / 1e9;
      double cpuSecs = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
      System.out.printf("recovery: %.2f GiB log (%d entries of 1 KiB, %d bytes, written in %.1f s);"
          + " load() took %.2f s wall (%.0f MB/s), %.2f s CPU of the loading thread, %s page cache%n",
          onDisk / (double) (1L << 30), state.entries().size(), onDisk, writeSecs, loadSecs,
          onDisk / loadSecs / 1e6, cpuSecs, cache);
      state = null;
      System.gc();
    }
    deleteRecursively(dir);
  }

  private static boolean dropCaches() {
    try {
      Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "1");
      return true;
    } catch (IOException | SecurityException e) {
      return false;
    }
  }

  private static FileRaftStorage open(Path dir) {
    return new FileRaftStorage(dir, NioStorageFiles.INSTANCE, FileRaftStorage.DEFAULT_SEGMENT_SIZE, true);
  }

  private static byte[] payload(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static double ms(long nanos) { return nanos / 1e6; }

  private static long du(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.mapToLong(p -> p.toFile().length()).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) return;
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted((a, b) -> b.compareTo(a)).toList()) Files.delete(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

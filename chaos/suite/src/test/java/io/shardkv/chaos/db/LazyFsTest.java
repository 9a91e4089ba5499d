package io.shardkv.chaos.db;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The power-loss file system ({@code skv-lazyfs}, installed by {@link ShardKvDb}; docs/chaos.md,
 * "Power loss"), mounted for real: what a reader sees at once, and what a drop keeps — file data
 * only once the file was fsynced, names (create, rename, unlink) only once their directory was.
 * The files are written as the server's storage writes them ({@code FileChannel}: write, force,
 * {@code ATOMIC_MOVE}, directory force). Needs root, /dev/fuse and Debian's python3-fusepy; without
 * them every test is reported skipped with the reason.
 */
class LazyFsTest {
  private static Path script;
  @TempDir Path tmp;
  private Path mount;
  private Path state;

  @BeforeAll
  static void available() throws Exception {
    script = LazyFsAvailability.assume();
  }

  @BeforeEach
  void mount() throws Exception {
    mount = tmp.toRealPath().resolve("data");
    state = tmp.toRealPath().resolve("lazyfs");
    Files.createDirectories(mount);
    Files.createDirectories(state);
    ok(run("mount", mount.toString(), state.toString()));
  }

  @AfterEach
  void unmount() throws Exception {
    ok(run("umount", mount.toString(), state.toString()));
    assertEquals("not-mounted", run("status", mount.toString()).out.strip());
  }

  private record Result(int code, String out) {}

  private static Result run(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ShardKvDb.PYTHON, script.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "skv-lazyfs " + String.join(" ", args) + " did not finish");
    return new Result(p.exitValue(), out);
  }

  private static void ok(Result r) {
    assertEquals(0, r.code, r.out);
  }

  /** Power loss; returns what the drop says it lost. */
  private String drop() throws Exception {
    Result r = run("drop", mount.toString(), state.toString());
    ok(r);
    return r.out.strip();
  }

  private void write(Path f, String text, boolean force) throws IOException {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
      if (force) ch.force(false);
    }
  }

  private static void forceDir(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static String read(Path f) throws IOException {
    return Files.readString(f, StandardCharsets.UTF_8);
  }

  @Test
  void writesAreVisibleAtOnceButLostOnDropUnlessTheFileWasFsynced() throws Exception {
    Path f = mount.resolve("wal");
    write(f, "durable ", true);
    forceDir(mount);
    write(f, "page-cache-only", false);
    assertEquals("durable page-cache-only", read(f), "a reader sees unsynced writes at once");
    assertEquals("lost 15 byte(s): 1 file(s) changed since their last fsync, 0 name(s) not durable", drop());
    assertEquals("durable ", read(f), "a drop loses what was written after the last fsync");
  }

  @Test
  void fsyncedDataSurvivesADrop() throws Exception {
    Path dir = Files.createDirectories(mount.resolve("server-1/group-1"));
    Path f = dir.resolve("segment-1");
    write(f, "a", true);
    write(f, "b", true);
    forceDir(dir);
    drop();
    assertEquals("ab", read(f));
    assertEquals("lost 0 byte(s): 0 file(s) changed since their last fsync, 0 name(s) not durable", drop());
    assertEquals("ab", read(f), "a second drop with nothing new keeps the same state");
  }

  @Test
  void aCreatedFileIsLostUnlessItsDirectoryWasFsyncedEvenIfItsDataWas() throws Exception {
    Path f = mount.resolve("fresh");
    write(f, "data", true);
    drop();
    assertFalse(Files.exists(f), "the name was never durable");
    write(f, "data", true);
    forceDir(mount);
    drop();
    assertEquals("data", read(f));
  }

  @Test
  void aDurableNameWithoutFsyncedDataComesBackEmpty() throws Exception {
    Path f = mount.resolve("named");
    write(f, "never forced", false);
    forceDir(mount);
    drop();
    assertTrue(Files.exists(f));
    assertEquals("", read(f));
  }

  @Test
  void aRenameIsDurableOnlyOnceTheDirectoryIsFsynced() throws Exception {
    // The snapshot protocol (docs/storage.md): temp file written and forced, renamed, directory forced.
    Path old = mount.resolve("snapshot-1.snap");
    write(old, "old snapshot", true);
    forceDir(mount);
    Path tmpFile = mount.resolve("snapshot-2.snap.tmp");
    Path fin = mount.resolve("snapshot-2.snap");
    write(tmpFile, "new snapshot", true);
    Files.move(tmpFile, fin, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    assertEquals("new snapshot", read(fin));
    drop();
    assertFalse(Files.exists(fin), "the rename was not durable");
    assertFalse(Files.exists(tmpFile), "nor the temporary name");
    assertEquals("old snapshot", read(old));

    write(tmpFile, "new snapshot", true);
    Files.move(tmpFile, fin, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    forceDir(mount);
    Files.delete(old);
    drop();
    assertEquals("new snapshot", read(fin));
    assertFalse(Files.exists(tmpFile));
    assertTrue(Files.exists(old), "the delete was not durable: its directory was not fsynced after it");
    Files.delete(old);
    forceDir(mount);
    drop();
    assertFalse(Files.exists(old));
  }

  @Test
  void aTruncationIsDurableOnlyOnceTheFileIsFsynced() throws Exception {
    // The commit journal's checkpoint: truncate to 0 and force, then append again.
    Path f = mount.resolve("commit.journal");
    write(f, "0123456789", true);
    forceDir(mount);
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      ch.truncate(4);
    }
    drop();
    assertEquals("0123456789", read(f));
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      ch.truncate(0);
      ch.force(false);
      ch.write(ByteBuffer.wrap("xy".getBytes(StandardCharsets.UTF_8)), 0);
    }
    drop();
    assertEquals("", read(f));
  }

  @Test
  void aReusedInodeNumberDoesNotInheritADeadFilesDurableData() throws Exception {
    // Many create/delete cycles: the visible file system reuses inode numbers.
    for (int i = 0; i < 50; i++) {
      Path f = mount.resolve("f" + i);
      write(f, "x".repeat(i + 1), true);
      forceDir(mount);
      Files.delete(f);
    }
    forceDir(mount);
    Path g = mount.resolve("g");
    write(g, "", false);
    forceDir(mount);
    drop();
    assertEquals("", read(g));
    try (var s = Files.list(mount)) {
      assertEquals(List.of("g"), s.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void fileLocksWorkOnTheMountAsTheServerTakesThem() throws Exception {
    Path lock = mount.resolve("LOCK");
    try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      FileLock l = ch.tryLock();
      assertNotNull(l, "the kernel keeps POSIX locks for a FUSE file system without its own");
      l.release();
    }
  }

  @Test
  void largeFilesKeepTheirFsyncedBytesExactly() throws Exception {
    Path f = mount.resolve("big");
    byte[] data = new byte[3 << 20];
    new java.util.Random(7).nextBytes(data);
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(data, 0, 2 << 20), 0);
      ch.force(false);
      ch.write(ByteBuffer.wrap(data, 2 << 20, 1 << 20), 2 << 20);
    }
    forceDir(mount);
    drop();
    byte[] back = Files.readAllBytes(f);
    assertArrayEquals(java.util.Arrays.copyOf(data, 2 << 20), back);
  }

  @Test
  void theDaemonUnmountsItselfWhenTheWatchedControllerDies() throws Exception {
    ok(run("umount", mount.toString(), state.toString()));
    Process watched = new ProcessBuilder("sleep", "600").start();
    String stat = Files.readString(Path.of("/proc/" + watched.pid() + "/stat"));
    String start = stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19];
    ok(run("mount", mount.toString(), state.toString(), "--watch-pid", Long.toString(watched.pid()), "--watch-start", start));
    assertEquals("mounted", run("status", mount.toString()).out.strip());
    watched.destroyForcibly().waitFor();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < until && run("status", mount.toString()).out.strip().equals("mounted")) {
      Thread.sleep(200);
    }
    assertEquals("not-mounted", run("status", mount.toString()).out.strip());
  }

  // ---- slow disk (the vote-strike nemesis's tool) --------------------------------------------------

  @Test
  void aPowerLossDuringASlowFsyncLosesWhatThatFsyncWasMakingDurable() throws Exception {
    Path f = mount.resolve("hardstate");
    write(f, "term 7 ", true);
    forceDir(mount);
    assertEquals("fsync delay 30000 ms", run("slow", mount.toString(), state.toString(), "30000").out.strip());
    // Another process appends and fsyncs, as the server's flusher does; the fsync waits on the slow disk.
    Path said = tmp.resolve("writer.out");
    Process writer = new ProcessBuilder(ShardKvDb.PYTHON, "-c", "import os, sys\n"
        + "fd = os.open(sys.argv[1], os.O_WRONLY | os.O_APPEND)\n"
        + "os.write(fd, b'vote n3')\n"
        + "print('written', flush=True)\n"
        + "os.fsync(fd)\n"
        + "print('synced', flush=True)\n", f.toString()).redirectErrorStream(true).redirectOutput(said.toFile()).start();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < until && !(Files.exists(said) && Files.readString(said).contains("written"))) {
      Thread.sleep(20);
    }
    assertTrue(Files.readString(said).contains("written"), Files.readString(said));
    assertEquals("term 7 vote n3", read(f), "readers see the write at once");
    // The power loss as ShardKvDb.losePower does it: freeze, kill the users, drop.
    assertEquals("frozen", run("freeze", mount.toString(), state.toString()).out.strip());
    writer.destroyForcibly();
    assertTrue(writer.waitFor(20, TimeUnit.SECONDS), "the frozen fsync gave up instead of finishing its 30 s wait");
    String rest = Files.readString(said);
    assertFalse(rest.contains("synced"), "the fsync never returned success: " + rest);
    assertEquals("lost 7 byte(s): 1 file(s) changed since their last fsync, 0 name(s) not durable", drop());
    assertEquals("term 7 ", read(f), "what the waiting fsync covered is lost");
  }

  @Test
  void aSlowFsyncThatReturnedIsDurableAndAPowerLossResetsTheDiskSpeed() throws Exception {
    Path f = mount.resolve("wal");
    assertEquals("fsync delay 200 ms", run("slow", mount.toString(), state.toString(), "200").out.strip());
    write(f, "acked", true);
    forceDir(mount);
    assertEquals("fsync delay 200 ms", run("slow", mount.toString(), state.toString()).out.strip(), "without MS: the delay");
    drop();
    assertEquals("acked", read(f), "slow, not lossy: a returned fsync made its data durable");
    assertEquals("fsync delay 0 ms", run("slow", mount.toString(), state.toString()).out.strip(), "the drop mounted a normal disk");
    run("slow", mount.toString(), state.toString(), "100");
    assertEquals("fsync delay 0 ms", run("slow", mount.toString(), state.toString(), "0").out.strip());
  }

  @Test
  void aBadDelayOrAnUnmountedDiskIsRefusedSayingWhy() throws Exception {
    Result bad = run("slow", mount.toString(), state.toString(), "-5");
    assertEquals(2, bad.code, bad.out);
    assertTrue(bad.out.contains("bad fsync delay '-5': milliseconds from 0 to 600000"), bad.out);
    Result words = run("slow", mount.toString(), state.toString(), "soon");
    assertEquals(2, words.code, words.out);
    Path elsewhere = tmp.resolve("not-a-mount");
    Files.createDirectories(elsewhere);
    Result notMounted = run("slow", elsewhere.toString(), state.toString(), "10");
    assertEquals(1, notMounted.code, notMounted.out);
    assertTrue(notMounted.out.contains("is not mounted"), notMounted.out);
    assertEquals("fsync delay 0 ms", run("slow", mount.toString(), state.toString()).out.strip(), "nothing was changed");
  }
}

package io.shardkv.chaos.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.chaos.control.Host;
import io.shardkv.chaos.control.Remote;
import io.shardkv.chaos.control.SshRemote;
import io.shardkv.chaos.lab.Lab;
import io.shardkv.chaos.lab.LabFixture;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clock helper's install over SSH on a lab host. The lab's hosts have gcc (they are this
 * machine), so "a host without gcc" is a host where the compiler looked for is missing: the upload
 * path runs for real (upload, trial run on the host, then in place). Only {@code now} and {@code bump
 * --dry-run} are ever run: a lab host's clock is this machine's.
 */
class ClockHelperLabTest {
  static Lab.Info lab;
  static Remote n1;
  static ClockHelper.LocalBuild build;
  @TempDir static Path tmp;
  static final Duration T = Duration.ofSeconds(60);
  static final String NO_COMPILER = "skv-no-such-compiler";

  @BeforeAll
  static void start() {
    lab = LabFixture.up(1);
    Host h = lab.hosts().get(0);
    n1 = SshRemote.connect(h, SshRemote.Settings.defaults(tmp.resolve("known_hosts")));
    build = new ClockHelper.LocalBuild(tmp.resolve("build"));
  }

  @AfterAll
  static void cleanUp() {
    if (n1 != null) n1.close();
    LabFixture.down();
  }

  static Path source() throws Exception {
    Path f = tmp.resolve("skv-clock.c");
    if (!Files.exists(f)) {
      try (InputStream in = RealClocks.class.getResourceAsStream("skv-clock.c")) {
        Files.write(f, in.readAllBytes());
      }
    }
    return f;
  }

  static String dir(String name) {
    return lab.hostDir("n1").resolve(name).toString();
  }

  @Test
  void withoutACompiler_theBinaryBuiltHere_isUploaded_runsThere_andIsKeptNextTime() throws Exception {
    String d = dir("helper-upload");
    ClockHelper.Installed first = ClockHelper.install(n1, d, source(), build, NO_COMPILER);
    assertEquals(new ClockHelper.Installed(true, "built on the control node (static, " + build.machine() + ") and uploaded"), first);
    String out = n1.execOk(d + "/skv-clock bump --dry-run 1000", T).strip();
    assertTrue(out.matches("\\d+\\.\\d{9}"), "the uploaded helper runs on the host: " + out);
    assertEquals("", n1.execOk("cd " + d + " && ls skv-clock.tmp skv-clock.c.new 2>/dev/null; true", T).strip(), "no leftovers");
    assertEquals(Files.readString(source()), n1.execOk("cat " + d + "/skv-clock.c", T), "the source it was built from is recorded");
    long mtime = Files.getLastModifiedTime(Path.of(d, "skv-clock")).toMillis();

    assertEquals(new ClockHelper.Installed(true, "ready"), ClockHelper.install(n1, d, source(), build, NO_COMPILER));
    assertEquals(mtime, Files.getLastModifiedTime(Path.of(d, "skv-clock")).toMillis(), "not replaced");
  }

  @Test
  void withoutACompiler_aHelperOfAnotherSource_isReplacedByTheUpload() throws Exception {
    String d = dir("helper-stale");
    n1.execOk("mkdir -p " + d + " && cd " + d + " && printf '#!/bin/sh\\nexit 7\\n' > skv-clock && chmod 755 skv-clock"
        + " && echo 'int main(void) { return 7; }' > skv-clock.c", T);
    ClockHelper.Installed i = ClockHelper.install(n1, d, source(), build, NO_COMPILER);
    assertTrue(i.ok() && i.how().endsWith("and uploaded"), i.toString());
    assertEquals(0, n1.exec(d + "/skv-clock now", T).exitStatus(), "the stale helper was replaced");
  }

  @Test
  void withGcc_theHelperIsCompiledOnTheHost_asBefore() throws Exception {
    String d = dir("helper-gcc");
    assertEquals(new ClockHelper.Installed(true, "compiled on the host"), ClockHelper.install(n1, d, source(), build, "gcc"));
    Remote.Result ldd = n1.exec("ldd " + d + "/skv-clock", T);
    assertTrue(ldd.ok() && ldd.stdout().contains("libc.so"), "compiled on the host: dynamically linked, " + ldd);
  }
}

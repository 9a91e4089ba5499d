package io.shardkv.chaos.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shardkv.chaos.ChaosException;
import io.shardkv.chaos.control.Host;
import io.shardkv.chaos.control.LocalCommand;
import io.shardkv.chaos.control.Remote;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clock helper's install script for real, on this machine as "the host" (commands through
 * {@code sh -c}, uploads as file copies; ClockHelperLabTest does the same over SSH). "No gcc on the
 * host" is a compiler name that does not exist. Only {@code now} and {@code bump --dry-run} are run.
 */
class ClockHelperInstallTest {
  static final String NO_COMPILER = "skv-no-such-compiler";
  @TempDir Path tmp;
  Path source;
  Path host;
  ClockHelper.LocalBuild build;
  final List<String> uploads = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/gcc")), "gcc is not installed here: nothing to build the helper with");
    source = tmp.resolve("skv-clock.c");
    try (InputStream in = RealClocks.class.getResourceAsStream("skv-clock.c")) {
      Files.write(source, in.readAllBytes());
    }
    host = tmp.resolve("host/opt/shardkv-chaos");
    build = new ClockHelper.LocalBuild(tmp.resolve("control"));
  }

  /** This machine as a host: what an SshRemote does, without SSH. */
  final Remote here = new Remote() {
    @Override
    public Host host() {
      return new Host("here", "127.0.0.1", 22, "root", null);
    }

    @Override
    public Result exec(String command, Duration timeout) {
      return LocalCommand.run(List.of("sh", "-c", command), timeout);
    }

    @Override
    public String execOk(String command, Duration timeout) {
      Result r = exec(command, timeout);
      if (!r.ok()) throw new ChaosException("'" + command + "' failed: " + r.stderr());
      return r.stdout();
    }

    @Override
    public void upload(Path local, String remotePath) {
      uploads.add(local.getFileName() + " -> " + Path.of(remotePath).getFileName());
      try {
        Files.copy(local, Path.of(remotePath), StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void download(String remotePath, Path local) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void close() {}
  };

  private Remote.Result run(String args) {
    return here.exec(host.resolve("skv-clock") + " " + args, Duration.ofSeconds(30));
  }

  @Test
  void withoutACompiler_theStaticBinaryBuiltHere_isUploaded_triedOnTheHost_andKept() throws IOException {
    ClockHelper.Installed i = ClockHelper.install(here, host.toString(), source, build, NO_COMPILER);
    assertEquals(new ClockHelper.Installed(true, "built on the control node (static, " + build.machine() + ") and uploaded"), i);
    assertEquals(List.of("skv-clock.c -> skv-clock.c.new", "skv-clock -> skv-clock.tmp"), uploads);
    Remote.Result dry = run("bump --dry-run 1000");
    assertEquals(0, dry.exitStatus(), dry.stderr());
    assertTrue(dry.stdout().strip().matches("\\d+\\.\\d{9}"), dry.stdout());
    assertEquals(Files.readString(source), Files.readString(host.resolve("skv-clock.c")), "the source it stands for");
    assertFalse(Files.exists(host.resolve("skv-clock.tmp")) || Files.exists(host.resolve("skv-clock.c.new")), "no leftovers");

    uploads.clear();
    assertEquals(new ClockHelper.Installed(true, "ready"), ClockHelper.install(here, host.toString(), source, build, NO_COMPILER));
    assertEquals(List.of("skv-clock.c -> skv-clock.c.new"), uploads, "only the source, to compare");
  }

  @Test
  void withoutACompiler_aHelperOfAnotherSource_isReplaced() throws IOException {
    Files.createDirectories(host);
    Files.writeString(host.resolve("skv-clock.c"), "int main(void) { return 7; }\n");
    Files.writeString(host.resolve("skv-clock"), "#!/bin/sh\nexit 7\n");
    host.resolve("skv-clock").toFile().setExecutable(true);
    ClockHelper.Installed i = ClockHelper.install(here, host.toString(), source, build, NO_COMPILER);
    assertTrue(i.ok() && i.how().endsWith("and uploaded"), i.toString());
    assertEquals(0, run("now").exitStatus());
  }

  @Test
  void aBinaryThatDoesNotRunOnTheHost_isNotPutInPlace_andTheReasonSaysSo() throws IOException {
    Files.createDirectories(host);
    ClockHelper.LocalBuild broken = new ClockHelper.LocalBuild(tmp.resolve("broken")) {
      @Override
      synchronized Path binary() {
        try {
          Path p = tmp.resolve("not-a-binary");
          Files.writeString(p, "this is not an executable\n");
          return p;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      synchronized String problem() {
        return null;
      }
    };
    ClockHelper.Installed i = ClockHelper.install(here, host.toString(), source, broken, NO_COMPILER);
    assertFalse(i.ok(), i.toString());
    assertTrue(i.how().startsWith("no gcc on the host, and the binary built on the control node does not run there"), i.how());
    assertFalse(Files.exists(host.resolve("skv-clock")), "nothing that does not run takes the helper's place");
    assertFalse(Files.exists(host.resolve("skv-clock.tmp")));
  }

  @Test
  void withGcc_itIsCompiledOnTheHost_asBefore_andNothingIsUploadedButTheSource() {
    ClockHelper.Installed i = ClockHelper.install(here, host.toString(), source, build, "gcc");
    assertEquals(new ClockHelper.Installed(true, "compiled on the host"), i);
    assertEquals(List.of("skv-clock.c -> skv-clock.c.new"), uploads);
    assertEquals(0, run("now").exitStatus());
  }
}

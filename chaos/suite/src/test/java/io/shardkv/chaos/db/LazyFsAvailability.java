package io.shardkv.chaos.db;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Tests that need the power-loss file system: skipped, with {@code skv-lazyfs check}'s reason, where it cannot run. */
public final class LazyFsAvailability {
  private LazyFsAvailability() {}

  /** The script, extracted to a temporary file (deleted on exit). */
  static Path script() throws Exception {
    Path script = Files.createTempFile("skv-lazyfs", ".py");
    try (InputStream in = ShardKvDb.class.getResourceAsStream("skv-lazyfs.py")) {
      Files.write(script, in.readAllBytes());
    }
    script.toFile().deleteOnExit();
    return script;
  }

  /** Skips the calling test unless this machine can mount skv-lazyfs; returns the extracted script. */
  public static Path assume() throws Exception {
    assumeTrue(Files.isExecutable(Path.of(ShardKvDb.PYTHON)), "no " + ShardKvDb.PYTHON + ": the power-loss layer is not available");
    Path script = script();
    Process p = new ProcessBuilder(ShardKvDb.PYTHON, script.toString(), "check").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(60, TimeUnit.SECONDS);
    assumeTrue(p.exitValue() == 0, "the power-loss layer is not available on this machine: " + out.strip());
    return script;
  }
}

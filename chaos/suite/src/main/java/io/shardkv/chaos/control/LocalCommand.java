package io.shardkv.chaos.control;

import io.shardkv.chaos.ChaosException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A command on the control node itself (ip, ssh-keygen, tar ...), without a shell. */
public final class LocalCommand {
  // Not the common pool: with one core it has one thread, and stderr must drain while stdout does.
  private static final java.util.concurrent.ExecutorService DRAINERS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "local-command-output");
    t.setDaemon(true);
    return t;
  });

  private LocalCommand() {}

  /** Runs {@code argv}; the result whatever its exit status; throws if it cannot start or times out. */
  public static Remote.Result run(List<String> argv, Duration timeout) {
    Process p;
    try {
      p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    } catch (IOException e) {
      throw new ChaosException("cannot run '" + String.join(" ", argv) + "' on the control node: " + e.getMessage(), e);
    }
    CompletableFuture<String> out = drain(p.getInputStream());
    CompletableFuture<String> err = drain(p.getErrorStream());
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new ChaosException("'" + String.join(" ", argv) + "' did not finish within " + timeout.toSeconds() + " s");
      }
      return new Remote.Result(p.exitValue(), out.join(), err.join());
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new ChaosException("interrupted while running '" + String.join(" ", argv) + "'", e);
    }
  }

  /** Runs {@code argv} and returns its stdout; throws with its stderr unless it exits 0. */
  public static String ok(String... argv) {
    Remote.Result r = run(List.of(argv), Duration.ofSeconds(60));
    if (!r.ok()) {
      throw new ChaosException("'" + String.join(" ", argv) + "' failed (exit " + r.exitStatus() + "): "
          + (r.stderr().isBlank() ? r.stdout() : r.stderr()).strip());
    }
    return r.stdout();
  }

  private static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (in) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        in.transferTo(b);
        return b.toString(StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, DRAINERS);
  }
}

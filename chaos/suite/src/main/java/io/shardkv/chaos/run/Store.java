package io.shardkv.chaos.run;

import io.shardkv.chaos.ChaosException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Where runs are kept: {@code <store>/<test>/<yyyyMMddTHHmmss>/} per run (a {@code -2}, {@code -3}
 * suffix when a second run starts within the same second), with relative symbolic links
 * {@code <store>/latest} and {@code <store>/<test>/latest} to the newest run. Jepsen's layout.
 *
 * <p>A run directory holds {@code test.edn} (options and seed), {@code history.edn} (appended as
 * the run goes), {@code chaos.log}, {@code results.edn} and {@code results.json}, the checker's HTML
 * for each key found not linearizable ({@code linear-<key>.html}), and one directory of logs per
 * host ({@code <host>/}).
 */
public final class Store {
  public static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");

  private Store() {}

  /** Creates the directory of a new run of {@code test} and points the latest links at it. */
  public static Path newRun(Path root, String test, LocalDateTime start) {
    try {
      Path testDir = root.resolve(test);
      Files.createDirectories(testDir);
      String stamp = start.format(STAMP);
      Path dir = testDir.resolve(stamp);
      for (int i = 2; Files.exists(dir); i++) {
        dir = testDir.resolve(stamp + "-" + i);
      }
      Files.createDirectories(dir);
      link(root.resolve("latest"), root.relativize(dir));
      link(testDir.resolve("latest"), testDir.relativize(dir));
      return dir;
    } catch (IOException e) {
      throw new ChaosException("cannot create a run directory under " + root + ": " + e.getMessage()
          + " (choose another place with --store DIR)", e);
    }
  }

  private static void link(Path link, Path target) throws IOException {
    Files.deleteIfExists(link);
    try {
      Files.createSymbolicLink(link, target);
    } catch (UnsupportedOperationException e) {
      // a file system without symbolic links: the run directory itself is what matters
    }
  }
}

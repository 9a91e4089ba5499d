package io.shardkv.chaos.serve;

import io.shardkv.chaos.checker.Validity;
import io.shardkv.chaos.history.Edn;
import io.shardkv.chaos.run.Store;
import io.shardkv.linearizability.format.EdnReader;
import io.shardkv.linearizability.format.Keyword;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The runs of a store ({@code STORE/<test>/<yyyyMMddTHHmmss>/}, {@code latest} links skipped), each
 * read from its {@code test.edn} and {@code results.edn}; a run without results is in progress (its
 * history still growing) or crashed. Results are cached per run until the file changes.
 */
final class RunIndex {
  /**
   * One run.
   *
   * @param path {@code <test>/<stamp>}, the run's place in the store (and in URLs)
   * @param verdict valid, invalid, unknown, or {@code running} when it has no results (yet)
   * @param ops client ops (from the results), or -1 when not known yet
   */
  record Run(String path, String test, String stamp, String time, String workload, String nemeses, long ops,
      String verdict, boolean report) {}

  private record Cached(FileTime results, FileTime test, Run run) {}

  private final Path store;
  private final Map<Path, Cached> cache = new ConcurrentHashMap<>();

  RunIndex(Path store) {
    this.store = store;
  }

  /** Every run, newest first. */
  List<Run> runs() throws IOException {
    List<Run> out = new ArrayList<>();
    try (Stream<Path> tests = Files.list(store)) {
      for (Path t : tests.sorted().toList()) {
        if (!Files.isDirectory(t) || Files.isSymbolicLink(t)) {
          continue;
        }
        try (Stream<Path> runs = Files.list(t)) {
          for (Path r : runs.sorted().toList()) {
            if (Files.isDirectory(r) && !Files.isSymbolicLink(r) && isRun(r)) {
              out.add(run(r));
            }
          }
        }
      }
    }
    out.sort(Comparator.comparing(Run::stamp).reversed().thenComparing(Run::test));
    return out;
  }

  static boolean isRun(Path dir) {
    return Files.exists(dir.resolve("history.edn")) || Files.exists(dir.resolve("test.edn"));
  }

  private Run run(Path dir) throws IOException {
    FileTime rt = mtime(dir.resolve("results.edn"));
    FileTime tt = mtime(dir.resolve("test.edn"));
    Cached c = cache.get(dir);
    if (c != null && java.util.Objects.equals(c.results(), rt) && java.util.Objects.equals(c.test(), tt)
        && (rt != null || c.run().report() == Files.exists(dir.resolve("index.html")))) {
      return c.run();
    }
    Map<?, ?> test = edn(dir.resolve("test.edn"));
    Map<?, ?> results = edn(dir.resolve("results.edn"));
    String stamp = dir.getFileName().toString();
    String time;
    try {
      time = LocalDateTime.parse(stamp.replaceFirst("-\\d+$", ""), Store.STAMP).toString().replace('T', ' ');
    } catch (DateTimeParseException e) {
      time = stamp;
    }
    Object nem = test.get(Keyword.of("nemesis"));
    String nemeses = nem instanceof List<?> l ? (l.isEmpty() ? "none" : String.join(",", l.stream().map(RunIndex::name).toList())) : "";
    Object stats = results.get(Keyword.of("stats"));
    long ops = stats instanceof Map<?, ?> s && s.get(Keyword.of("count")) instanceof Number n ? n.longValue() : -1;
    String verdict = results.isEmpty() ? "running" : Validity.fromEdn(results.get(Edn.kw("valid?"))).word();
    Object w = test.containsKey(Keyword.of("workload")) ? test.get(Keyword.of("workload")) : results.get(Keyword.of("workload"));
    Run run = new Run(store.relativize(dir).toString().replace('\\', '/'), dir.getParent().getFileName().toString(), stamp,
        time, w == null ? "" : name(w), nemeses, ops, verdict, Files.exists(dir.resolve("index.html")));
    cache.put(dir, new Cached(rt, tt, run));
    return run;
  }

  private static FileTime mtime(Path p) throws IOException {
    return Files.exists(p) ? Files.getLastModifiedTime(p) : null;
  }

  /** An EDN map file, or an empty map when it is missing or unreadable (a run being written). */
  static Map<?, ?> edn(Path p) {
    try {
      if (!Files.isReadable(p)) {
        return Map.of();
      }
      Object v = new EdnReader(Files.readString(p, StandardCharsets.UTF_8), 1).read();
      return v instanceof Map<?, ?> m ? m : Map.of();
    } catch (IOException | RuntimeException e) {
      return Map.of();
    }
  }

  static String name(Object v) {
    return v instanceof Keyword k ? k.name() : String.valueOf(v);
  }
}

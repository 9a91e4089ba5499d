package io.shardkv.chaos.report;

import io.shardkv.chaos.checker.OpPair;
import io.shardkv.chaos.history.Edn;
import io.shardkv.chaos.history.HistoryFile;
import io.shardkv.chaos.history.Op;
import io.shardkv.linearizability.format.EdnReader;
import io.shardkv.linearizability.format.Keyword;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the pages of one run are made from — its files only, so the pages of an old run can be made
 * again ({@code chaos check DIR --out DIR}): the history ({@code history.edn}), the checkers' results
 * ({@code results.edn}, may be absent for a run in progress or one that crashed) and the options
 * ({@code test.edn}, absent for a foreign history).
 *
 * @param dir where the pages go and the other files of the run are linked from
 * @param history every op of the history, in file order
 * @param results the results tree (keyword keys), empty when not checked yet
 * @param test the options and seed (keyword keys), empty when unknown
 */
public record RunFiles(Path dir, List<Op> history, Map<Object, Object> results, Map<Object, Object> test) {

  /**
   * Reads {@code historyFile}; {@code results.edn} from {@code pagesDir} (where {@code chaos check
   * --out} writes it), else from the history's directory; {@code test.edn} from the history's
   * directory, else from {@code pagesDir}.
   */
  public static RunFiles load(Path historyFile, Path pagesDir) throws IOException {
    Path src = historyFile.toAbsolutePath().getParent();
    Path results = Files.exists(pagesDir.resolve("results.edn")) ? pagesDir.resolve("results.edn") : src.resolve("results.edn");
    Path test = Files.exists(src.resolve("test.edn")) ? src.resolve("test.edn") : pagesDir.resolve("test.edn");
    return new RunFiles(pagesDir, HistoryFile.read(historyFile), ednMap(results), ednMap(test));
  }

  /** An EDN map file read back, or an empty map when the file is missing. */
  static Map<Object, Object> ednMap(Path file) throws IOException {
    if (!Files.isReadable(file)) {
      return Map.of();
    }
    Object v = new EdnReader(Files.readString(file, StandardCharsets.UTF_8), 1).read();
    if (!(v instanceof Map<?, ?> m)) {
      throw new IOException(file + " is not an EDN map");
    }
    return new LinkedHashMap<>(m);
  }

  public List<OpPair> clientOps() {
    return OpPair.clientOps(history);
  }

  /** The value at a path of keyword names in {@code results}, or null. */
  public Object result(String... path) {
    return at(results, path);
  }

  /** The value at a path of keyword names in {@code test}, or null. */
  public Object option(String... path) {
    return at(test, path);
  }

  static Object at(Map<Object, Object> m, String... path) {
    Object cur = m;
    for (String k : path) {
      if (!(cur instanceof Map<?, ?> mm)) {
        return null;
      }
      cur = mm.get(Keyword.of(k));
    }
    return cur;
  }

  /** The client threads of the run (test.edn's {@code :concurrency}), or 0 when unknown. */
  public int concurrency() {
    return option("concurrency") instanceof Number n ? n.intValue() : 0;
  }

  /** The workload name: from test.edn, else from results.edn, else empty. */
  public String workload() {
    Object w = option("workload");
    if (w == null) {
      w = result("workload");
    }
    return w == null ? "" : name(w);
  }

  /** A keyword's name, or the value's text. */
  static String name(Object v) {
    return v instanceof Keyword k ? k.name() : String.valueOf(v);
  }

  /** Shorthand used by the pages. */
  static Keyword kw(String n) {
    return Edn.kw(n);
  }
}

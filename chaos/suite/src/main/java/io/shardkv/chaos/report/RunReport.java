package io.shardkv.chaos.report;

import io.shardkv.chaos.history.HistoryWriter;
import io.shardkv.chaos.history.Op;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Writes the pages of one run into its directory: {@code index.html}, {@code timeline.html}, the
 * plots ({@code latency-raw.png}, {@code latency-quantiles.png}, {@code rate.png},
 * {@code clock.png}) and, for each key found not linearizable, its minimal counterexample as a
 * history ({@code counterexample-<key>.edn}). Everything comes from the run's files, so
 * {@code chaos check DIR --out DIR} makes the pages of an old run again.
 */
public final class RunReport {
  /** Time the shrinker may spend per invalid key. */
  static final Duration SHRINK_BUDGET = Duration.ofSeconds(20);
  /** Time the shrinker may spend on all invalid keys together. */
  static final Duration SHRINK_TOTAL = Duration.ofSeconds(30);
  /** Invalid keys shrunk and shown at most. */
  static final int MAX_COUNTEREXAMPLES = 3;

  private RunReport() {}

  /** What was written: the files (relative to the directory), how long it took, and each phase's share (ms). */
  public record Written(Path dir, List<String> files, int ops, long millis, Map<String, Long> phases) {}

  /** Writes the pages of the run whose history is {@code historyFile} into {@code outDir}. */
  public static Written write(Path historyFile, Path outDir) throws IOException {
    long t0 = System.nanoTime();
    Files.createDirectories(outDir);
    Map<String, Long> phases = new java.util.LinkedHashMap<>();
    long[] mark = {t0};
    RunFiles run = RunFiles.load(historyFile, outDir);
    phases.put("read", lapMillis(mark));
    String title = run.option("name") != null ? String.valueOf(run.option("name"))
        : historyFile.toAbsolutePath().getParent().getFileName().toString();

    List<Counterexample> cxs = counterexamples(run);
    Map<Integer, String> marks = new TreeMap<>();
    List<String> written = new ArrayList<>();
    for (Counterexample c : cxs) {
      if (c.failingOp() != null) {
        marks.put(c.failingOp().position(), "key " + c.key() + ": the checker cannot linearize this op");
      }
      String f = counterexampleFile(c.key());
      Files.writeString(outDir.resolve(f), counterexampleEdn(c), StandardCharsets.UTF_8);
      written.add(f);
    }

    phases.put("counterexamples", lapMillis(mark));
    List<PlotData.Point> points = PlotData.latencies(run.clientOps());
    double end = run.history().isEmpty() ? 0 : run.history().get(run.history().size() - 1).time() / 1e9;
    List<PlotData.Window> windows = PlotData.windows(run.clientOps(), PlotData.windowWidth(end));
    List<PlotData.Band> bands = PlotData.bands(run.history());
    Map<String, List<double[]>> clocks = PlotData.clockOffsets(run.history());
    List<String> plots = new ArrayList<>(List.of("latency-raw.png", "latency-quantiles.png", "rate.png"));
    Plots.latencyRaw(outDir.resolve("latency-raw.png"), points, bands);
    Plots.latencyQuantiles(outDir.resolve("latency-quantiles.png"), windows, bands);
    Plots.rate(outDir.resolve("rate.png"), windows, bands);
    if (!clocks.isEmpty()) {
      Plots.clocks(outDir.resolve("clock.png"), clocks, end, bands);
      plots.add("clock.png");
    }
    written.addAll(plots);
    phases.put("plots", lapMillis(mark));

    Files.writeString(outDir.resolve("timeline.html"), TimelinePage.render(run, title, marks), StandardCharsets.UTF_8);
    written.add("timeline.html");
    phases.put("timeline", lapMillis(mark));
    List<String> links = links(historyFile, outDir, written);
    TraceLinks traces = traceLinks(historyFile.toAbsolutePath().getParent(), cxs);
    IndexPage.Parts parts = new IndexPage.Parts(run, title, cxs, traces, Coverage.of(run.history()), windows, points,
        bands, clocks, plots, links);
    Files.writeString(outDir.resolve("index.html"), IndexPage.render(parts), StandardCharsets.UTF_8);
    written.add(0, "index.html");
    phases.put("index", lapMillis(mark));
    return new Written(outDir, written, run.clientOps().size(), (System.nanoTime() - t0) / 1_000_000, phases);
  }

  /** The trace lines, in the node logs collected beside the history, of the entries the counterexamples' ops name. */
  static TraceLinks traceLinks(Path runDir, List<Counterexample> cxs) {
    List<io.shardkv.driver.routing.Served> entries = new ArrayList<>();
    for (Counterexample c : cxs) {
      for (Counterexample.Shown s : c.ops()) {
        io.shardkv.driver.routing.Served sv = TraceLinks.servedOf(s.completion());
        if (sv != null) entries.add(sv);
      }
    }
    return entries.isEmpty() || runDir == null ? new TraceLinks(false, 0, Map.of()) : TraceLinks.find(runDir, entries);
  }

  private static long lapMillis(long[] mark) {
    long now = System.nanoTime();
    long ms = (now - mark[0]) / 1_000_000;
    mark[0] = now;
    return ms;
  }

  /**
   * Writes the pages of the run whose history is {@code historyFile} into {@code dir} and says so on {@code log}; a failure is logged,
   * never thrown (the run's verdict stands without its pages).
   */
  public static void writeQuietly(Path historyFile, Path dir, Consumer<String> log) {
    try {
      Written w = write(historyFile, dir);
      log.accept("report: " + dir.resolve("index.html") + " (" + w.ops() + " ops, " + w.millis() + " ms)");
    } catch (IOException | RuntimeException e) {
      log.accept("report: the pages could not be written: " + e);
    }
  }

  static List<Counterexample> counterexamples(RunFiles run) {
    if (!(run.result("linear", "invalid-keys") instanceof List<?> keys) || keys.isEmpty()) {
      return List.of();
    }
    Object model = run.result("linear", "model");
    String m = model != null ? RunFiles.name(model) : run.workload().equals("register") ? "cas-register" : "kv";
    return Counterexample.find(run.history(), m, keys, MAX_COUNTEREXAMPLES, SHRINK_BUDGET, SHRINK_TOTAL);
  }

  /** The file of a key's counterexample: {@code counterexample-<key>.edn}, the key made file-name safe. */
  public static String counterexampleFile(Object key) {
    return "counterexample-" + String.valueOf(key).replaceAll("[^A-Za-z0-9_.-]", "_") + ".edn";
  }

  /**
   * A counterexample as a Jepsen EDN history, one op per line in history order: the invocations and
   * completions of its ops, weakened ones completed {@code :info}. {@code bin/shardkv check} reads it.
   */
  static String counterexampleEdn(Counterexample c) {
    List<Op> lines = new ArrayList<>();
    for (Counterexample.Shown s : c.ops()) {
      lines.add(s.invoke());
      if (s.completion() != null) {
        lines.add(s.weakened() ? s.completion().withType(Op.Type.INFO) : s.completion());
      }
    }
    lines.sort(Comparator.comparingLong(Op::index));
    StringBuilder b = new StringBuilder();
    b.append(";; minimal counterexample of key ").append(c.key()).append(" (model ").append(c.model())
        .append("): not linearizable; check with: bin/shardkv check THIS-FILE --model ").append(c.model()).append('\n');
    for (Op op : lines) {
      b.append(HistoryWriter.line(op)).append('\n');
    }
    return b.toString();
  }

  /** Every file of the run worth a link, relative to {@code outDir}. */
  static List<String> links(Path historyFile, Path outDir, List<String> written) throws IOException {
    List<String> out = new ArrayList<>();
    out.add("timeline.html");
    Path src = historyFile.toAbsolutePath().getParent();
    Path rel = outDir.toAbsolutePath().relativize(src);
    for (String f : List.of(historyFile.getFileName().toString(), "results.edn", "results.json", "test.edn", "chaos.log")) {
      if (Files.exists(src.resolve(f))) {
        out.add(rel.resolve(f).toString());
      }
    }
    try (Stream<Path> s = Files.list(outDir)) {
      s.map(p -> p.getFileName().toString() + (Files.isDirectory(p) ? "/" : ""))
          .filter(n -> n.startsWith("linear-") || n.endsWith("/"))
          .sorted()
          .forEach(out::add);
    }
    written.stream().filter(f -> f.startsWith("counterexample-")).forEach(out::add);
    return out;
  }
}

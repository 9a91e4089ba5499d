package io.shardkv.chaos;

import io.shardkv.chaos.checker.Validity;
import io.shardkv.chaos.history.Edn;
import io.shardkv.chaos.history.HistoryFile;
import io.shardkv.chaos.history.Op;
import io.shardkv.chaos.run.Campaign;
import io.shardkv.chaos.run.TestSpec;
import io.shardkv.chaos.workload.Workload;
import io.shardkv.linearizability.BadHistoryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code shardkv chaos check DIR|FILE}: re-checks a stored run (its {@code history.edn}, the
 * workload from its {@code test.edn}) or any Jepsen EDN history, without a cluster.
 */
@Command(name = "check", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 254, sortOptions = false,
    description = {"Re-check a stored run, or any Jepsen EDN history, without a cluster.",
        "DIR is a run directory (history.edn, workload from test.edn); FILE a history file.",
        "Runs the workload's checkers plus op counts, availability and latency, composed (invalid beats unknown beats valid).",
        "Last line: verdict=valid|invalid|unknown store=PATH.",
        "Exit status: 0 valid, 1 invalid, 2 unknown, 254 bad arguments or unreadable history, 255 the check crashed."})
public final class ChaosCheckCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR|FILE", description = "a run directory, or a history file")
  Path path;

  @Option(names = "--workload", paramLabel = "W",
      description = "register, append or set (default: from test.edn, else guessed from the ops' :f)")
  String workload;

  @Option(names = "--check-timeout", defaultValue = "300", paramLabel = "S",
      description = "time the linearizability checker may take. Default: ${DEFAULT-VALUE}")
  double checkTimeout;

  @Option(names = "--out", paramLabel = "DIR",
      description = "write results.edn, results.json, the HTML of invalid keys and the report pages (index.html, "
          + "timeline.html, plots) there (default: print only); --out DIR on a run directory remakes its pages")
  Path out;

  @Override
  public Integer call() {
    Path history = Files.isDirectory(path) ? path.resolve("history.edn") : path;
    if (!Files.isReadable(history)) {
      System.err.println("chaos check: no readable history at " + history
          + " (give a run directory holding history.edn, or a Jepsen EDN history file)");
      return 254;
    }
    try {
      String w = workload != null ? workload : workloadOf(path, history);
      if (!Workload.NAMES.contains(w)) {
        System.err.println("chaos check: --workload must be one of " + Workload.NAMES + ", got '" + w + "'");
        return 254;
      }
      if (out != null) {
        Files.createDirectories(out);
      }
      Map<Object, Object> results = Campaign.check(history, w, Duration.ofMillis((long) (checkTimeout * 1000)), out);
      if (out != null) {
        Campaign.write(out, results);
        io.shardkv.chaos.report.RunReport.writeQuietly(history, out, l -> System.out.println("chaos: " + l));
      }
      Campaign.summary(results).forEach(l -> System.out.println("chaos: " + l));
      Validity v = Validity.fromEdn(results.get(Edn.kw("valid?")));
      System.out.println("verdict=" + v.word() + " store=" + (Files.isDirectory(path) ? path : history));
      return v.exitCode();
    } catch (BadHistoryException e) {
      System.err.println("chaos check: " + history + (e.line() > 0 ? ":" + e.line() : "") + ": " + e.getMessage());
      return 254;
    } catch (IOException | RuntimeException e) {
      System.err.println("chaos check: the check crashed: " + e);
      return 255;
    }
  }

  /** The workload of a run: from its test.edn, else from the ops' functions. */
  static String workloadOf(Path path, Path history) throws IOException {
    Path test = Files.isDirectory(path) ? path.resolve("test.edn") : history.resolveSibling("test.edn");
    if (Files.isReadable(test)) {
      return TestSpec.fromEdn(Files.readString(test, StandardCharsets.UTF_8)).workload();
    }
    Set<String> fs = new TreeSet<>();
    for (Op op : HistoryFile.read(history)) {
      if (op.isClient()) {
        fs.add(op.f());
      }
    }
    if (fs.contains("add")) {
      return "set";
    }
    if (fs.contains("append") || fs.contains("get")) {
      return "append";
    }
    if (fs.contains("cas") || fs.contains("write")) {
      return "register";
    }
    throw new IllegalArgumentException("cannot tell the workload from the ops " + fs + "; name it with --workload");
  }
}

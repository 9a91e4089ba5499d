package io.shardkv.linearizability.cli;

import io.shardkv.linearizability.BadHistoryException;
import io.shardkv.linearizability.CheckOptions;
import io.shardkv.linearizability.CheckResult;
import io.shardkv.linearizability.Checker;
import io.shardkv.linearizability.Model;
import io.shardkv.linearizability.Operation;
import io.shardkv.linearizability.PartitionResult;
import io.shardkv.linearizability.Verdict;
import io.shardkv.linearizability.format.Format;
import io.shardkv.linearizability.format.HistoryReader;
import io.shardkv.linearizability.format.ParsedHistory;
import io.shardkv.linearizability.html.HtmlReport;
import io.shardkv.linearizability.models.Models;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code shardkv check}: is each history file linearizable? Exit status 0 every file linearizable,
 * 1 some file not linearizable, 2 some file unknown (and none illegal), 3 bad input or usage (which
 * wins over the others: the run did not check what was asked).
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    exitCodeOnInvalidInput = 3,
    exitCodeOnExecutionException = 3,
    description = {
        "Checks whether histories are linearizable.",
        "Exit status: 0 all linearizable, 1 some not linearizable, 2 some unknown (none illegal),"
            + " 3 bad input or usage."},
    footer = {
        "Default model: cas-register for porcupine-etcd (a :fail :cas is a compare that saw another"
            + " value), kv for porcupine-kv; for jepsen-edn inferred from the ops (kv if keyed or"
            + " get/put/append/delete, cas-register if cas, register if only read/write)."})
public final class CheckCommand implements Callable<Integer> {

  @Option(names = "--model", paramLabel = "MODEL",
      description = "register, cas-register or kv (default: from the format, see below)")
  String model;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "auto",
      description = "auto, jepsen-edn, porcupine-etcd or porcupine-kv (default: ${DEFAULT-VALUE})")
  String format;

  @Option(names = "--independent",
      description = "values are Jepsen independent [key value] tuples; each key is checked alone")
  boolean independent;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
      description = "give up (verdict unknown) after this many seconds per file (default: ${DEFAULT-VALUE})")
  double timeoutSeconds;

  @Option(names = "--html", paramLabel = "FILE",
      description = "write a self-contained HTML visualization (with several inputs, one file each:"
          + " FILE's name gets -INPUTNAME before .html)")
  Path html;

  @Option(names = "--json", description = "print one JSON object per file")
  boolean json;

  @Option(names = "--verbose", description = "decide every partition and report each one")
  boolean verbose;

  @Option(names = "--bench", hidden = true,
      description = "run the checker benchmark (FILE: the Porcupine test-data folder)")
  boolean bench;

  @Parameters(paramLabel = "FILE", arity = "1..*", description = "history files")
  List<Path> files = new ArrayList<>();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (bench) {
      return io.shardkv.linearizability.bench.CheckerBenchmark.run(files.get(0), out);
    }
    Format fmt;
    try {
      fmt = Format.fromCliName(format);
      if (model != null) {
        Models.byName(model, false);
      }
      if (!(timeoutSeconds > 0)) {
        throw new IllegalArgumentException("--timeout must be a positive number of seconds");
      }
    } catch (IllegalArgumentException e) {
      err.println("check: " + e.getMessage());
      err.flush();
      return 3;
    }
    boolean bad = false;
    boolean illegal = false;
    boolean unknown = false;
    for (Path file : files) {
      try {
        CheckResult r = checkFile(file, fmt, out);
        illegal |= r.verdict() == Verdict.NOT_LINEARIZABLE;
        unknown |= r.verdict() == Verdict.UNKNOWN;
      } catch (BadHistoryException e) {
        err.println(e.describe(file.toString()));
        bad = true;
      } catch (NoSuchFileException e) {
        err.println(file + ": no such file");
        bad = true;
      } catch (IOException e) {
        err.println(file + ": cannot read: " + e.getMessage());
        bad = true;
      }
      out.flush();
      err.flush();
    }
    return bad ? 3 : illegal ? 1 : unknown ? 2 : 0;
  }

  private CheckResult checkFile(Path file, Format fmt, PrintWriter out) throws IOException {
    ParsedHistory parsed = HistoryReader.read(file, fmt, independent);
    String modelName = model != null ? model : parsed.defaultModel();
    if (modelName == null) {
      throw new BadHistoryException(0, "cannot infer a model from the ops " + parsed.functions()
          + "; pass --model register, cas-register or kv");
    }
    Model<?> m = Models.byName(modelName, parsed.format() == Format.PORCUPINE_ETCD);
    CheckOptions options = CheckOptions.defaults()
        .withTimeout(Duration.ofMillis((long) (timeoutSeconds * 1000)))
        .withDecideAll(verbose);
    CheckResult r = Checker.check(m, parsed.history(), options);
    if (json) {
      out.println(JsonOut.write(toJson(file, parsed, m, r)));
    } else {
      printText(file, m, r, out);
    }
    if (html != null) {
      Path target = files.size() == 1 ? html : HtmlReport.perInputName(html, file);
      try {
        HtmlReport.write(target, file.getFileName().toString(), m, r);
      } catch (IOException e) {
        throw new BadHistoryException(0, "cannot write HTML report " + target + ": " + e.getMessage());
      }
    }
    return r;
  }

  private void printText(Path file, Model<?> m, CheckResult r, PrintWriter out) {
    out.printf("%s: %s (%d ops, %d partitions, model %s, %d ms)%n", file, r.verdict().label(), r.ops(),
        r.partitions().size(), m.name(), r.millis());
    for (PartitionResult p : r.partitions()) {
      if (!verbose && p.verdict() == Verdict.LINEARIZABLE) {
        continue;
      }
      if (!verbose && p.verdict() == Verdict.UNKNOWN && r.verdict() == Verdict.NOT_LINEARIZABLE) {
        continue; // cancelled once another partition was illegal
      }
      out.printf("  partition %s: %s, %d ops, longest linearizable prefix %d ops%s%s, %d ms%n",
          p.key() == null ? "(all)" : p.key(), p.verdict().label(), p.ops().size(), p.prefixLength(),
          p.failingOp() >= 0 ? ", fails at " + describe(m, p.ops().get(p.failingOp())) : "",
          p.reason().isEmpty() ? "" : " (" + p.reason() + ")", p.millis());
    }
  }

  private static String describe(Model<?> m, Operation op) {
    return m.describeOp(op) + " by process " + op.process() + (op.line() > 0 ? " (line " + op.line() + ")" : "");
  }

  private Map<String, Object> toJson(Path file, ParsedHistory parsed, Model<?> m, CheckResult r) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("file", file.toString());
    o.put("verdict", r.verdict().label());
    o.put("ops", r.ops());
    o.put("partitions", r.partitions().size());
    o.put("millis", r.millis());
    o.put("model", m.name());
    o.put("format", parsed.format().cliName());
    List<Object> parts = new ArrayList<>();
    for (PartitionResult p : r.partitions()) {
      if (!verbose && p.verdict() == Verdict.LINEARIZABLE) {
        continue;
      }
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("key", p.key() == null ? null : String.valueOf(p.key()));
      j.put("verdict", p.verdict().label());
      j.put("ops", p.ops().size());
      j.put("prefix", p.prefixLength());
      if (p.failingOp() >= 0) {
        Operation op = p.ops().get(p.failingOp());
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("process", op.process());
        f.put("f", op.f());
        f.put("line", op.line());
        f.put("description", m.describeOp(op));
        j.put("failingOp", f);
      }
      if (!p.reason().isEmpty()) {
        j.put("reason", p.reason());
      }
      j.put("configurations", p.configurations());
      j.put("millis", p.millis());
      parts.add(j);
    }
    o.put("partitionResults", parts);
    return o;
  }

  /** Runs the command standalone: {@code java -cp ... io.shardkv.linearizability.cli.CheckCommand}. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new CheckCommand()).execute(args));
  }
}

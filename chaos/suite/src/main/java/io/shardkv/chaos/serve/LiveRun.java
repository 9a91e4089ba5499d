package io.shardkv.chaos.serve;

import io.shardkv.chaos.history.HistoryFile;
import io.shardkv.chaos.history.Op;
import io.shardkv.chaos.report.Counterexample;
import io.shardkv.linearizability.CheckOptions;
import io.shardkv.linearizability.CheckResult;
import io.shardkv.linearizability.Checker;
import io.shardkv.linearizability.History;
import io.shardkv.linearizability.PartitionResult;
import io.shardkv.linearizability.Verdict;
import io.shardkv.linearizability.format.Keyword;
import io.shardkv.linearizability.models.Models;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * A run as {@code chaos run} writes it: its {@code history.edn} read incrementally (only complete
 * lines; a line being written is taken at the next look), ops counted by outcome, the rate of
 * completions over the last five seconds of history time, and a <b>verdict so far</b> — the
 * linearizability checker (the workload's model) on the history as it stands, re-run in the
 * background while ops arrive. The history so far is a truncation of the final one (ops still open
 * count as {@code :info}), and a truncation of a linearizable history is linearizable (see
 * {@link io.shardkv.linearizability.Shrinker}), so "invalid so far" is final; "valid so far" may
 * still change.
 */
final class LiveRun {
  private static final long RATE_WINDOW_NANOS = 5_000_000_000L;

  private final Path dir;
  private final ExecutorService checker;
  private long offset;
  private final List<Op> ops = new ArrayList<>();
  private final long[] outcomes = new long[4]; // ok fail info invoked-not-completed
  private long nemesis;
  private volatile String verdict = "not checked yet";
  private volatile int checkedOps;
  private volatile boolean checking;
  private long lastCheckNanos;
  private volatile boolean invalid;

  LiveRun(Path dir, ExecutorService checker) {
    this.dir = dir;
    this.checker = checker;
  }

  /** The numbers of the live view, as of now. */
  synchronized Map<String, Object> snapshot() throws IOException {
    readMore();
    Map<String, Object> m = new LinkedHashMap<>();
    long lastTime = ops.isEmpty() ? 0 : ops.get(ops.size() - 1).time();
    long recent = 0;
    for (int i = ops.size() - 1; i >= 0 && ops.get(i).time() >= lastTime - RATE_WINDOW_NANOS; i--) {
      Op op = ops.get(i);
      if (op.isClient() && !op.isInvoke()) {
        recent++;
      }
    }
    double window = Math.min(RATE_WINDOW_NANOS, Math.max(1, lastTime)) / 1e9;
    Path history = dir.resolve("history.edn");
    m.put("entries", ops.size());
    m.put("ok", outcomes[0]);
    m.put("fail", outcomes[1]);
    m.put("info", outcomes[2]);
    m.put("open", outcomes[3]);
    m.put("nemesis", nemesis);
    m.put("seconds", Math.round(lastTime / 1e8) / 10.0);
    m.put("opsPerSecond", Math.round(recent / window * 10) / 10.0);
    m.put("verdictSoFar", verdict);
    m.put("checkedOps", checkedOps);
    m.put("invalid", invalid);
    m.put("lastWriteSecondsAgo", Files.exists(history)
        ? (System.currentTimeMillis() - Files.getLastModifiedTime(history).toMillis()) / 1000.0 : null);
    m.put("done", Files.exists(dir.resolve("results.edn")));
    m.put("report", Files.exists(dir.resolve("index.html")));
    maybeCheck();
    return m;
  }

  /** Reads the complete lines appended since the last look. */
  private void readMore() throws IOException {
    Path history = dir.resolve("history.edn");
    if (!Files.exists(history)) {
      return;
    }
    try (RandomAccessFile f = new RandomAccessFile(history.toFile(), "r")) {
      long len = f.length();
      if (len <= offset) {
        return;
      }
      byte[] buf = new byte[(int) Math.min(len - offset, 64L << 20)];
      f.seek(offset);
      f.readFully(buf);
      int end = buf.length;
      while (end > 0 && buf[end - 1] != '\n') {
        end--;
      }
      if (end == 0) {
        return;
      }
      offset += end;
      for (Op op : HistoryFile.parse(new String(buf, 0, end, StandardCharsets.UTF_8))) {
        ops.add(op);
        if (op.isNemesis()) {
          nemesis++;
        } else if (op.isClient()) {
          switch (op.type()) {
            case INVOKE -> outcomes[3]++;
            case OK -> outcomes[0]++;
            case FAIL -> outcomes[1]++;
            default -> outcomes[2]++;
          }
          if (!op.isInvoke()) {
            outcomes[3]--;
          }
        }
      }
    }
  }

  /** Starts a background check of the history so far, unless one runs, the verdict is final, or it checked a second ago. */
  private void maybeCheck() {
    String model = switch (workload()) {
      case "register" -> "cas-register";
      case "append" -> "kv";
      default -> null;
    };
    if (model == null) {
      verdict = "no linearizability check for this workload; see the report when the run ends";
      return;
    }
    if (checking || invalid || System.nanoTime() - lastCheckNanos < 1_000_000_000L || ops.isEmpty()
        || countClient() == checkedOps) {
      return;
    }
    checking = true;
    lastCheckNanos = System.nanoTime();
    List<Op> snapshot = List.copyOf(ops);
    int n = countClient();
    checker.submit(() -> {
      try {
        CheckResult r = Checker.check(Models.byName(model, false), History.of(Counterexample.linearizableOps(snapshot)),
            CheckOptions.defaults().withThreads(1).withTimeout(Duration.ofSeconds(20)));
        PartitionResult bad = r.firstIllegal();
        if (bad != null) {
          invalid = true;
          verdict = "invalid: key " + bad.key() + " is not linearizable (final: more ops cannot repair it)";
        } else {
          verdict = r.verdict() == Verdict.LINEARIZABLE ? "valid so far" : "unknown so far (the check did not finish in time)";
        }
        checkedOps = n;
      } catch (RuntimeException e) {
        verdict = "the check failed: " + e.getMessage();
      } finally {
        checking = false;
      }
    });
  }

  private int countClient() {
    return (int) (outcomes[0] + outcomes[1] + outcomes[2] + outcomes[3]);
  }

  private String workload() {
    Object w = RunIndex.edn(dir.resolve("test.edn")).get(Keyword.of("workload"));
    return w == null ? "" : RunIndex.name(w);
  }
}

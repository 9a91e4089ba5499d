package io.shardkv.linearizability.bench;

import java.io.PrintWriter;
import java.nio.file.Path;

/** Placeholder replaced below. */
public final class CheckerBenchmark {
  private CheckerBenchmark() {}

  public static int run(Path data, PrintWriter out) {
    return 0;
  }
}

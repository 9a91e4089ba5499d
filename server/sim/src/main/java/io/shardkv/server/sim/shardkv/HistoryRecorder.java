package io.shardkv.server.sim.shardkv;

import io.shardkv.linearizability.History;
import io.shardkv.linearizability.Status;
import io.shardkv.server.sim.SimScheduler;
import io.shardkv.server.sim.TraceDigest;

/**
 * Records every client operation as a Jepsen history (:invoke, then :ok / :fail / :info) in simulated
 * real-time order, and mirrors each event into the digest. Counts outcomes for the summary.
 */
final class HistoryRecorder {
  private final History.Builder builder = new History.Builder();
  private final SimScheduler loop;
  private final TraceDigest digest;
  private long ok;
  private long failed;
  private long info;
  private int events;

  HistoryRecorder(SimScheduler loop, TraceDigest digest) {
    this.loop = loop;
    this.digest = digest;
  }

  void invoke(long process, String key, String f, Object input) {
    builder.invoke(process, key, f, input, ++events);
    digest.record(loop.now(), "p" + process, "invoke", f + " " + key + " " + input);
  }

  void complete(long process, Status status, String f, Object output) {
    builder.complete(process, status, f, output, ++events);
    switch (status) {
      case OK -> ok++;
      case FAIL -> failed++;
      case INFO -> info++;
    }
    digest.record(loop.now(), "p" + process, status.keyword(), f + " " + output);
  }

  History build() { return builder.build(); }
  long ok() { return ok; }
  long failed() { return failed; }
  long info() { return info; }
}

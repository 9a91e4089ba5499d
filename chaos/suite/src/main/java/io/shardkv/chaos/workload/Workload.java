package io.shardkv.chaos.workload;

import io.shardkv.chaos.checker.Checker;
import io.shardkv.chaos.client.Client;
import io.shardkv.chaos.client.KvSessions;
import io.shardkv.chaos.gen.Gen;
import io.shardkv.chaos.gen.Generator;
import io.shardkv.chaos.gen.Rng;
import io.shardkv.chaos.history.Op;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * What the clients do and how the result is judged: the client generator of the run, the final
 * reads after healing, the client of one process, and the workload's checkers (the campaign adds
 * op counts, availability and latency to every workload).
 */
public abstract class Workload {
  /** The workloads of {@code chaos run --workload}. */
  public static final List<String> NAMES = List.of("register", "append", "set");

  /** Keys the clients invoked an op on, for the final reads. */
  private final NavigableSet<String> touched = new ConcurrentSkipListSet<>();
  protected final WorkloadOptions options;

  protected Workload(WorkloadOptions options) {
    this.options = options;
  }

  public static Workload byName(String name, WorkloadOptions options) {
    return switch (name) {
      case "register" -> new RegisterWorkload(options);
      case "append" -> new AppendWorkload(options);
      case "set" -> new SetWorkload(options);
      default -> throw new IllegalArgumentException("unknown workload '" + name + "'; choose one of " + String.join(", ", NAMES));
    };
  }

  public abstract String name();

  /** The clients' generator for the run, unbounded in time (the campaign adds rate and time limit). */
  public abstract Generator generator(Rng rng);

  /** The {@code :f} of the final read. */
  protected abstract String readF();

  /** Opens the client of one process. */
  protected abstract Client client(KvSessions sessions);

  /** The workload's own checkers, by name. */
  public abstract Map<String, Checker> checkers(Duration checkTimeout);

  /** Opens the client of one process; it notes the keys it touches for the final reads. */
  public final Client open(KvSessions sessions) {
    Client c = client(sessions);
    return new Client() {
      @Override
      public Op invoke(Op op) {
        if (op.key() != null) {
          touched.add(op.key().toString());
        }
        return c.invoke(op);
      }

      @Override
      public void close() {
        c.close();
      }
    };
  }

  /**
   * After healing: one read of every key the run touched, marked {@code :final true} (such reads get
   * the longer final timeout).
   */
  public Generator finalGenerator() {
    return Gen.lazy(() -> Gen.clients(Gen.then(touched.stream()
        .map(k -> Gen.once(Op.invoke(readF(), null).with("key", k).with("final", true))).toList())));
  }

  /** Threads per key group: {@code concurrency / key-count}, at least 1. */
  protected int groupSize() {
    return Math.max(1, options.concurrency() / Math.max(1, options.keyCount()));
  }
}

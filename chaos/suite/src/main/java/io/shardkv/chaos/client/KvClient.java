package io.shardkv.chaos.client;

import io.shardkv.chaos.history.Op;
import io.shardkv.chaos.report.TraceLinks;
import io.shardkv.driver.routing.Served;
import io.shardkv.driver.client.KvException;
import io.shardkv.driver.client.ShardKvClient;
import java.time.Duration;
import java.util.Set;

/**
 * The shared part of the workloads' clients: one client-library session per process, and the
 * mapping of the library's outcomes onto Jepsen's: a normal return is {@code :ok};
 * {@link KvException#definite()} is {@code :fail}; an indefinite exception is {@code :info}, except
 * for reads, which change nothing and so are {@code :fail} whatever happened (Jepsen's rule for
 * idempotent ops). Ops marked {@code :final} (the reads after healing) get the longer final timeout.
 * A completion the servers answered carries the log entry that served it as the extra keys
 * {@code :group :term :log-index} (docs/protocol.md §5.6; the checker ignores them, the report links
 * them to the servers' trace lines).
 */
public abstract class KvClient implements Client {
  protected final ShardKvClient kv;
  private final KvSessions sessions;
  private final Set<String> readFs;

  protected KvClient(KvSessions sessions, Set<String> readFs) {
    this.sessions = sessions;
    this.kv = sessions.open();
    this.readFs = Set.copyOf(readFs);
  }

  /** Performs {@code op} within {@code timeout}; returns its {@code :ok} or {@code :fail} completion. */
  protected abstract Op perform(Op op, String key, Duration timeout) throws KvException;

  @Override
  public final Op invoke(Op op) {
    Duration timeout = op.isFinal() ? sessions.finalTimeout() : sessions.opTimeout();
    try {
      Op done = perform(op, String.valueOf(op.key()), timeout);
      Served s = kv.lastServed().orElse(null);
      return s == null ? done : TraceLinks.withServed(done, s);
    } catch (KvException e) {
      return e.definite() || readFs.contains(op.f()) ? op.fail(e.getMessage()) : op.info(e.getMessage());
    }
  }

  @Override
  public void close() {
    kv.close();
  }
}

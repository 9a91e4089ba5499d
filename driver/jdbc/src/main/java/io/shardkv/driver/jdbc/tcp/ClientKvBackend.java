package io.shardkv.driver.jdbc.tcp;

import io.shardkv.driver.client.ClientOptions;
import io.shardkv.driver.client.Connections;
import io.shardkv.driver.client.KeyScan;
import io.shardkv.driver.client.KvException;
import io.shardkv.driver.client.ShardKvClient;
import io.shardkv.driver.jdbc.KvBackend;
import io.shardkv.driver.jdbc.KvBackendException;
import io.shardkv.driver.jdbc.KvDefiniteFailureException;
import io.shardkv.driver.jdbc.KvIndefiniteOutcomeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * The JDBC layer's {@link KvBackend} on the real client library: a pool of {@link ShardKvClient}
 * sessions over one shared {@link Connections} (a session runs one operation at a time, so
 * concurrent statements each borrow their own). Failures map onto the backend contract: a server
 * rejection is REJECTED, a read that ran out of time TIMEOUT, any other definite failure
 * UNAVAILABLE, an indefinite write {@link KvIndefiniteOutcomeException}.
 */
public final class ClientKvBackend implements KvBackend {
  private final List<String> configCenter;
  private final ClientOptions options;
  private final Connections connections;
  private final ConcurrentLinkedQueue<ShardKvClient> idle = new ConcurrentLinkedQueue<>();
  private final Supplier<ShardKvClient> newSession;
  private volatile boolean closed;

  public ClientKvBackend(List<String> configCenter, ClientOptions options) {
    this.configCenter = List.copyOf(configCenter);
    this.options = options;
    this.connections = new Connections(options.connectTimeout());
    this.newSession = () -> ShardKvClient.connect(this.configCenter, options, connections);
  }

  /** Sessions from {@code newSession} instead of over TCP (tests with a scripted transport). */
  public ClientKvBackend(List<String> configCenter, ClientOptions options, Supplier<ShardKvClient> newSession) {
    this.configCenter = List.copyOf(configCenter);
    this.options = options;
    this.connections = new Connections(options.connectTimeout());
    this.newSession = newSession;
  }

  private interface Op<T> {
    T run(ShardKvClient c) throws KvException;
  }

  private <T> T call(boolean write, Op<T> op) throws KvBackendException {
    if (closed) throw new KvDefiniteFailureException(KvDefiniteFailureException.Reason.CLOSED, "the connection is closed");
    ShardKvClient c = idle.poll();
    if (c == null) c = newSession.get();
    try {
      T r = op.run(c);
      idle.add(c);
      return r;
    } catch (KvException e) {
      if (!e.definite() && write) {
        c.close(); // its next seq must not race the indefinite one: drop the session
        throw new KvIndefiniteOutcomeException(e.getMessage(), e);
      }
      idle.add(c);
      KvDefiniteFailureException.Reason reason = closed ? KvDefiniteFailureException.Reason.CLOSED
          : e.rejected() ? KvDefiniteFailureException.Reason.REJECTED
          : !write && e.getMessage() != null && e.getMessage().startsWith("timed out") ? KvDefiniteFailureException.Reason.TIMEOUT
          : KvDefiniteFailureException.Reason.UNAVAILABLE;
      throw new KvDefiniteFailureException(reason, e.getMessage(), e);
    }
  }

  @Override
  public Optional<String> get(String key, Duration timeout) throws KvDefiniteFailureException {
    try {
      return call(false, c -> c.get(key, timeout));
    } catch (KvDefiniteFailureException e) {
      throw e;
    } catch (KvBackendException e) {
      throw new KvDefiniteFailureException(KvDefiniteFailureException.Reason.UNAVAILABLE, e.getMessage(), e);
    }
  }

  @Override
  public void put(String key, String value, Duration timeout) throws KvBackendException {
    call(true, c -> { c.put(key, value, timeout); return null; });
  }

  @Override
  public void append(String key, String suffix, Duration timeout) throws KvBackendException {
    call(true, c -> { c.append(key, suffix, timeout); return null; });
  }

  @Override
  public boolean cas(String key, String expected, String replacement, Duration timeout) throws KvBackendException {
    return call(true, c -> c.cas(key, expected, replacement, timeout));
  }

  @Override
  public boolean putIfAbsent(String key, String value, Duration timeout) throws KvBackendException {
    return call(true, c -> c.cas(key, null, value, timeout));
  }

  @Override
  public List<Map.Entry<String, String>> scan(String prefix, long limit, Duration timeout)
      throws KvDefiniteFailureException {
    try {
      return call(false, c -> {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        KeyScan s = c.scan(prefix, limit, timeout);
        while (s.hasNext()) out.add(s.next());
        return out;
      });
    } catch (KvDefiniteFailureException e) {
      throw e;
    } catch (KvBackendException e) {
      throw new KvDefiniteFailureException(KvDefiniteFailureException.Reason.UNAVAILABLE, e.getMessage(), e);
    }
  }

  @Override
  public boolean delete(String key, Duration timeout) throws KvBackendException {
    return call(true, c -> c.delete(key, timeout));
  }

  @Override
  public boolean isValid(Duration timeout) {
    if (closed) return false;
    for (String a : configCenter) {
      try {
        ShardKvClient c = ShardKvClient.connect(configCenter, options, connections);
        Object role = c.nodeStatus(a, timeout).get("role");
        if (role != null) return true;
      } catch (KvException | RuntimeException e) {
        // try the next
      }
    }
    return false;
  }

  @Override
  public void close() {
    closed = true;
    connections.close();
  }
}

package io.shardkv.driver.jdbc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Test-only {@link KvBackend} over an {@link InMemoryCluster}, honouring its scripted faults. */
final class InMemoryKvBackend implements KvBackend {

  private final InMemoryCluster cluster;
  private volatile boolean closed;

  InMemoryKvBackend(InMemoryCluster cluster) {
    this.cluster = cluster;
  }

  private interface Op<T> {
    T apply();
  }

  private <T> T write(Op<T> op, Duration timeout) throws KvBackendException {
    begin(timeout);
    InMemoryCluster.Fault fault = cluster.faults.poll();
    if (fault == null || fault == InMemoryCluster.Fault.NONE) {
      return op.apply();
    }
    switch (fault) {
      case UNAVAILABLE ->
          throw new KvDefiniteFailureException(
              KvDefiniteFailureException.Reason.UNAVAILABLE, "no leader reachable");
      case REJECTED ->
          throw new KvDefiniteFailureException(
              KvDefiniteFailureException.Reason.REJECTED, "value too large");
      case BACKEND_BUG -> throw new IllegalStateException("bug in the backend");
      case LOST_ANSWER_APPLIED -> {
        op.apply();
        throw new KvIndefiniteOutcomeException("connection reset after the request was sent");
      }
      default ->
          throw new KvIndefiniteOutcomeException("no answer within " + timeout.toMillis() + " ms");
    }
  }

  private void begin(Duration timeout) throws KvDefiniteFailureException {
    if (closed) {
      throw new KvDefiniteFailureException(
          KvDefiniteFailureException.Reason.CLOSED, "backend closed");
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("the driver must pass a positive timeout, got " + timeout);
    }
    cluster.lastTimeout = timeout;
    cluster.operations.incrementAndGet();
  }

  private static void requireNonNull(String... args) {
    for (String a : args) {
      if (a == null) {
        throw new IllegalArgumentException("the driver passed a null argument to the backend");
      }
    }
  }

  @Override
  public Optional<String> get(String key, Duration timeout) throws KvDefiniteFailureException {
    requireNonNull(key);
    begin(timeout);
    readFault();
    return Optional.ofNullable(cluster.data.get(key));
  }

  /** A scripted fault for a read: a definite failure (or a backend bug). */
  private void readFault() throws KvDefiniteFailureException {
    InMemoryCluster.Fault fault = cluster.faults.poll();
    if (fault == InMemoryCluster.Fault.BACKEND_BUG) {
      throw new IllegalStateException("bug in the backend");
    }
    if (fault != null && fault != InMemoryCluster.Fault.NONE) {
      KvDefiniteFailureException.Reason reason =
          switch (fault) {
            case UNAVAILABLE -> KvDefiniteFailureException.Reason.UNAVAILABLE;
            case REJECTED -> KvDefiniteFailureException.Reason.REJECTED;
            default -> KvDefiniteFailureException.Reason.TIMEOUT;
          };
      throw new KvDefiniteFailureException(reason, "read failed: " + fault);
    }
  }

  @Override
  public void put(String key, String value, Duration timeout) throws KvBackendException {
    requireNonNull(key, value);
    write(() -> cluster.data.put(key, value), timeout);
  }

  @Override
  public void append(String key, String suffix, Duration timeout) throws KvBackendException {
    requireNonNull(key, suffix);
    write(() -> cluster.data.merge(key, suffix, String::concat), timeout);
  }

  @Override
  public boolean cas(String key, String expected, String replacement, Duration timeout)
      throws KvBackendException {
    requireNonNull(key, expected, replacement);
    return write(() -> cluster.data.replace(key, expected, replacement), timeout);
  }

  @Override
  public boolean putIfAbsent(String key, String value, Duration timeout) throws KvBackendException {
    requireNonNull(key, value);
    return write(() -> cluster.data.putIfAbsent(key, value) == null, timeout);
  }

  @Override
  public List<Map.Entry<String, String>> scan(String prefix, long limit, Duration timeout)
      throws KvDefiniteFailureException {
    requireNonNull(prefix);
    if (limit < 0) {
      throw new IllegalArgumentException("the driver passed a negative scan limit " + limit);
    }
    begin(timeout);
    readFault();
    List<Map.Entry<String, String>> out = new ArrayList<>();
    for (Map.Entry<String, String> e : new TreeMap<>(cluster.data).entrySet()) {
      if (limit > 0 && out.size() >= limit) break;
      if (e.getKey().startsWith(prefix)) out.add(Map.entry(e.getKey(), e.getValue()));
    }
    return out;
  }

  @Override
  public boolean delete(String key, Duration timeout) throws KvBackendException {
    requireNonNull(key);
    return write(() -> cluster.data.remove(key) != null, timeout);
  }

  @Override
  public boolean isValid(Duration timeout) {
    return !closed && cluster.serving;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      cluster.openBackends.decrementAndGet();
    }
  }
}

package io.shardkv.driver.jdbc;

import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test-only stand-in for a ShardKV cluster: one linearizable map (every operation is atomic on a
 * ConcurrentHashMap), addressed by the first host name of the URL, with scripted faults. Tests
 * reach it through the "memory" {@link KvBackendFactory} registered in src/test/resources.
 */
final class InMemoryCluster {

  /** A fault the next backend operation on this cluster suffers. */
  enum Fault {
    /** No fault: the operation succeeds (used to let earlier operations through). */
    NONE,
    /** Definite: nothing applied, no node reachable. */
    UNAVAILABLE,
    /** Definite for reads (nothing applied); for writes: indefinite, not applied. */
    TIMEOUT,
    /** Definite: the cluster refused the request. */
    REJECTED,
    /** Indefinite: the write was applied, but the answer was lost. */
    LOST_ANSWER_APPLIED,
    /** Indefinite: the write was not applied (yet), the caller cannot tell. */
    LOST_ANSWER_NOT_APPLIED,
    /** A backend bug: a RuntimeException, which breaks the backend contract. */
    BACKEND_BUG
  }

  private static final Map<String, InMemoryCluster> CLUSTERS = new ConcurrentHashMap<>();
  private static final AtomicInteger NEXT_ID = new AtomicInteger();

  final Map<String, String> data = new ConcurrentHashMap<>();
  final Queue<Fault> faults = new ConcurrentLinkedQueue<>();
  final AtomicInteger operations = new AtomicInteger();
  final AtomicInteger openBackends = new AtomicInteger();
  volatile boolean serving = true;
  volatile boolean refuseConnections;
  volatile Duration lastTimeout;
  final String name;

  private InMemoryCluster(String name) {
    this.name = name;
  }

  /** A new, empty cluster with a unique name. */
  static InMemoryCluster fresh() {
    String name = "memory-" + NEXT_ID.incrementAndGet();
    InMemoryCluster c = new InMemoryCluster(name);
    CLUSTERS.put(name, c);
    return c;
  }

  static InMemoryCluster named(String name) {
    return CLUSTERS.get(name);
  }

  /** A URL that reaches this cluster through the memory backend. */
  /** The next {@code succeeding} operations succeed, the one after suffers {@code fault}. */
  void failOperationAfter(int succeeding, Fault fault) {
    for (int i = 0; i < succeeding; i++) {
      faults.add(Fault.NONE);
    }
    faults.add(fault);
  }

  /** The URL naming the in-memory backend explicitly (the real "tcp" backend is on the class path too). */
  String url() {
    return "jdbc:shardkv://" + name + ":7000?backend=memory";
  }

  String url(String query) {
    String base = "jdbc:shardkv://" + name + ":7000";
    return query.contains("backend=") ? base + "?" + query : url() + "&" + query;
  }
}

package io.shardkv.driver.jdbc;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the JDBC driver needs from one connection to a ShardKV cluster: single-key operations with a
 * per-call deadline and a precise classification of failures.
 *
 * <p>The real implementation is the ShardKV client library (routing key → shard → group, leader
 * discovery, retries, exactly-once writes); the driver only talks to this interface, so SQL
 * parsing, JDBC semantics and error mapping do not depend on sockets.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li><b>Linearizable single-key operations.</b> Every successful call took effect atomically at
 *       one instant between its invocation and its return. There is no atomicity across keys or
 *       calls.
 *   <li><b>Arguments are never null.</b> Keys and values are arbitrary Java strings (any Unicode,
 *       any length the cluster accepts); the driver rejects SQL NULLs before calling.
 *   <li><b>Deadline.</b> Each call returns or throws within {@code timeout} (plus scheduling
 *       slack); {@code timeout} is positive. Retries inside the call (redirects, new leader) must
 *       fit in it.
 *   <li><b>Outcomes.</b> A call either returns normally (it took effect exactly once), throws
 *       {@link KvDefiniteFailureException} (it did <em>not</em> take effect and never will), or —
 *       for writes only — throws {@link KvIndefiniteOutcomeException} (it may or may not have taken
 *       effect, now or later; the caller cannot tell). A read that times out is a definite failure:
 *       it changed nothing. Implementations must not report a definite failure unless they know the
 *       operation did not and will not apply (for example: it was never sent, or the server
 *       rejected it).
 *   <li><b>Threads.</b> Implementations are safe for concurrent use by several threads; one JDBC
 *       {@code Connection} owns one backend and may call it from several statements at once.
 *   <li><b>Lifecycle.</b> After {@link #close()}, every operation throws a definite failure with
 *       {@link KvDefiniteFailureException.Reason#CLOSED}; {@code close} is idempotent.
 * </ul>
 */
public interface KvBackend extends AutoCloseable {

  /**
   * Reads the value stored under {@code key}.
   *
   * @return the value, or empty if the key holds no value
   * @throws KvDefiniteFailureException if the read could not be done (including a timeout)
   */
  Optional<String> get(String key, Duration timeout) throws KvDefiniteFailureException;

  /** Stores {@code value} under {@code key}, replacing any previous value (blind write, upsert). */
  void put(String key, String value, Duration timeout) throws KvBackendException;

  /**
   * Appends {@code suffix} to the value under {@code key}; a key with no value is treated as
   * holding the empty string, so the key afterwards holds {@code suffix}.
   */
  void append(String key, String suffix, Duration timeout) throws KvBackendException;

  /**
   * Compare-and-set: if {@code key} currently holds exactly {@code expected}, stores {@code
   * replacement}.
   *
   * @return true if the value was replaced; false if the key held a different value or none
   */
  boolean cas(String key, String expected, String replacement, Duration timeout)
      throws KvBackendException;

  /**
   * Stores {@code value} under {@code key} only if the key holds no value, atomically (the store's
   * compare-and-set with "absent" as the expected value).
   *
   * @return true if stored; false if the key already held a value (nothing written)
   */
  boolean putIfAbsent(String key, String value, Duration timeout) throws KvBackendException;

  /**
   * The keys that start with {@code prefix} ("" for all) with their values, at most {@code limit}
   * of them (0: no limit). The store is walked shard by shard and page by page; each page is a
   * linearizable read of one shard, but the whole is <em>not</em> a snapshot of the store: writes
   * during the call may or may not be seen. Every key that exists throughout the call is returned
   * exactly once; order is by shard, then by key. {@code timeout} bounds each page.
   *
   * @throws KvDefiniteFailureException if a page could not be read (nothing is returned then)
   */
  List<Map.Entry<String, String>> scan(String prefix, long limit, Duration timeout)
      throws KvDefiniteFailureException;

  /**
   * Removes the value under {@code key}.
   *
   * @return true if the key held a value when the delete took effect, false if it held none
   */
  boolean delete(String key, Duration timeout) throws KvBackendException;

  /**
   * Whether the cluster is reachable and serving: returns within {@code timeout}, never throws. A
   * closed backend is not valid.
   */
  boolean isValid(Duration timeout);

  /** Releases sockets and threads. Idempotent; never throws. Operations in flight fail. */
  @Override
  void close();
}

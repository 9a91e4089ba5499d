package io.shardkv.chaos.client;

import io.shardkv.chaos.history.Op;

/**
 * One logical process's connection to the database (Jepsen's client). {@link #invoke} performs an
 * invocation and returns its completion: {@code :ok} (it happened, with what it observed),
 * {@code :fail} (it certainly did not happen) or {@code :info} (it may have happened). It never
 * throws for a database outcome; the interpreter turns an unexpected exception into {@code :info}.
 * After an {@code :info} the process is retired and its client closed: a fresh process gets a
 * fresh client (a new session, so nothing of the crashed one lingers).
 */
public interface Client extends AutoCloseable {
  Op invoke(Op op);

  @Override
  void close();
}

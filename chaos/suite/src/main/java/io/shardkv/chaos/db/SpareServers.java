package io.shardkv.chaos.db;

import java.util.Set;

/**
 * A deployment whose hosts can run more servers than those hosting a group from the start: the
 * spare incarnations of {@link Topology} (docs/membership.md: a host whose replica of a group was
 * removed hosts a fresh one only under a new server id). What the {@code member} nemesis needs.
 */
public interface SpareServers {
  Topology topology();

  /**
   * Starts spare server {@code id} on its host (a no-op if it runs). From then on it is one of its
   * host's servers: kill, start, pause, resume, status and the admin addresses include it.
   */
  void activate(int id);

  /** The servers that run, or should: those hosting a group from the start and the activated spares. */
  Set<Integer> active();
}

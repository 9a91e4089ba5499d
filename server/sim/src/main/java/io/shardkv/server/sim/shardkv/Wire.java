package io.shardkv.server.sim.shardkv;

import io.shardkv.server.raft.LogEntry;
import io.shardkv.server.raft.RaftMessage;
import io.shardkv.driver.protocol.Request;
import io.shardkv.driver.protocol.Response;

/** Messages between simulated servers: Raft, shard migration, and shard groups' config queries. */
sealed interface Wire {
  /** Raft traffic inside one group. */
  record Raft(RaftMessage message) implements Wire {}

  /** A migration message ({@code MigrationRpc} encoding) between servers of two groups. */
  record Migration(String fromServer, byte[] rpc) implements Wire {}

  /**
   * A shard group's server asks a config-center server, with the client protocol's QUERY, or STATUS
   * for the members it knows when out of leads (as the real server's {@code ConfigCenterQueries} does).
   */
  record ConfigQuery(long rpcId, Request query) implements Wire {}

  /** The config-center server's answer to a {@link ConfigQuery}. */
  record ConfigAnswer(long rpcId, Response response) implements Wire {}

  static String describe(Wire w) {
    if (w instanceof Raft r) {
      return r.message().toString();
    } else if (w instanceof Migration m) {
      return "migration from " + m.fromServer() + " (" + m.rpc().length + "B)";
    } else if (w instanceof ConfigQuery q) {
      return "config-query #" + q.rpcId();
    } else {
      ConfigAnswer a = (ConfigAnswer) w;
      return "config-answer #" + a.rpcId() + " " + a.response().status();
    }
  }

  static int size(Wire w) {
    int size = 48;
    if (w instanceof Raft r) {
      if (r.message() instanceof RaftMessage.AppendEntries a) {
        for (LogEntry e : a.entries()) {
          size += 24 + e.data().length;
        }
      } else if (r.message() instanceof RaftMessage.InstallSnapshot s) {
        size += s.data().length;
      }
    } else if (w instanceof Migration m) {
      size += m.rpc().length;
    } else if (w instanceof ConfigQuery q && q.query() instanceof Request.Query) {
      size += 8; // the QUERY payload: one i64 (docs/protocol.md)
    }
    return size;
  }
}

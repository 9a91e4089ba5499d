package io.shardkv.server.sim.shardkv;

import io.shardkv.server.raft.LogEntry;
import io.shardkv.server.raft.RaftMessage;
import io.shardkv.server.replica.ClientReply;

/** Messages between simulated servers: Raft, shard migration, and shard groups' config queries. */
sealed interface Wire {
  /** Raft traffic inside one group. */
  record Raft(RaftMessage message) implements Wire {}

  /** A migration message ({@code MigrationRpc} encoding) between servers of two groups. */
  record Migration(String fromServer, byte[] rpc) implements Wire {}

  /** A shard group's server asks a config-center server ({@code CtrlCodec} query command). */
  record ConfigQuery(long rpcId, byte[] command) implements Wire {}

  /** The config-center server's answer to a {@link ConfigQuery}. */
  record ConfigAnswer(long rpcId, ClientReply reply) implements Wire {}

  static String describe(Wire w) {
    if (w instanceof Raft r) {
      return r.message().toString();
    } else if (w instanceof Migration m) {
      return "migration from " + m.fromServer() + " (" + m.rpc().length + "B)";
    } else if (w instanceof ConfigQuery q) {
      return "config-query #" + q.rpcId();
    } else {
      ConfigAnswer a = (ConfigAnswer) w;
      return "config-answer #" + a.rpcId() + " " + a.reply().getClass().getSimpleName();
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
    } else if (w instanceof ConfigQuery q) {
      size += q.command().length;
    }
    return size;
  }
}

package io.shardkv.server.process;

import io.shardkv.server.raft.RaftNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moving a hosted replica's leadership (Raft thesis §3.10: the leader stops accepting proposals,
 * brings the target up to date, then sends it TimeoutNow; the core aborts after an election
 * timeout): on request from the admin port, before the server stops, and to spread leadership
 * across the servers ({@link LeaderBalance}).
 */
final class LeadershipHandover {
  private static final Logger log = LoggerFactory.getLogger(LeadershipHandover.class);

  private LeadershipHandover() {}

  /**
   * Loop thread: hand {@code r}'s group to member {@code to}. 202 {@code started}; 409
   * {@code not_leader} naming the leader this node knows of; 400 {@code refused} for a target that is
   * this node or not a member of the group; 503 while the node stops. Who leads afterwards is in
   * every member's {@code /status}.
   */
  static AdminServer.Probe transfer(NodeServer server, HostedReplica r, int to) {
    int self = server.id();
    int group = r.group();
    String head = "{\"node\":" + self + ",\"group\":" + group + ",";
    var host = r.host();
    // The group's voters as its Raft configuration says (docs/membership.md), not the config file's seed.
    List<Integer> members = host.raft().membership().voters();
    if (server.closed() || host.stopped()) {
      return new AdminServer.Probe(503, head + "\"status\":\"unavailable\",\"reason\":\"node " + self
          + (server.closed() ? " is shutting down" : " stopped (storage failure)") + "\"}\n");
    }
    if (to == self) {
      return new AdminServer.Probe(400, head + "\"status\":\"refused\",\"reason\":\"the target is this node itself;"
          + " name another member of group " + group + " " + members + "\"}\n");
    }
    if (!members.contains(to)) {
      return new AdminServer.Probe(400, head + "\"status\":\"refused\",\"reason\":\"node " + to
          + " is not a member of group " + group + " (members: " + members + ")\"}\n");
    }
    var raft = host.raft();
    if (!host.isLeader()) {
      int leader = raft.leaderId();
      AddressBook.Entry ln = leader < 0 ? null : server.addresses().get(leader);
      return new AdminServer.Probe(409, head + "\"status\":\"not_leader\",\"leader\":" + leader
          + ",\"leader_address\":\"" + (ln == null ? "" : ln.address()) + "\",\"reason\":\"node " + self
          + " does not lead group " + group + (leader < 0 ? "; no leader known now" : "; node " + leader + " does")
          + "\"}\n");
    }
    host.transferLeadership(to);
    log.info("node {}: transferring leadership of group {} to node {} (term {}), asked on the admin port",
        self, group, to, raft.term());
    return new AdminServer.Probe(202, head + "\"status\":\"started\",\"to\":" + to + ",\"term\":" + raft.term() + "}\n");
  }

  /**
   * Graceful stop, first step, for one hosted replica: a leader hands its group over to its most
   * up-to-date live follower (thesis §3.10: "a server being taken down for maintenance" transfers
   * leadership first, so clients do not wait an election timeout) and waits up to two maximum
   * election timeouts for that follower to lead; a follower has nothing to hand over. Runs on the
   * closing thread while the loop keeps serving; logs at INFO what happened.
   */
  static void beforeStop(NodeServer server, HostedReplica r) {
    int self = server.id();
    int group = r.group();
    ClusterConfig.Settings s = server.cluster().settings();
    // Two maximum election timeouts, and at least 2 s: a loaded machine's ticks run late.
    long waitMillis = Math.max(2000, 2L * s.electionMaxTicks() * s.tickMillis());
    long steppedDownTerm = -1;
    long until = System.nanoTime() + waitMillis * 1_000_000;
    int target = RaftNode.NO_LEADER;
    while (System.nanoTime() < until) {
      long[] seen = server.onLoop(() -> {
        var host = r.host();
        var raft = host.raft();
        if (host.stopped()) return null;
        if (!host.isLeader()) return new long[] {0, raft.leaderId(), raft.term()};
        int busy = raft.transferTarget();
        if (busy >= 0) return new long[] {1, busy, raft.term()};
        int candidate = raft.transferCandidate();
        if (candidate >= 0) host.transferLeadership(candidate);
        return new long[] {1, candidate, raft.term()};
      });
      if (seen == null) return; // the replica stopped (storage failure) or the loop is stuck: nothing to hand over
      if (seen[0] == 0 && target == RaftNode.NO_LEADER) {
        log.info("node {} stopping as a follower of group {} (leader: node {}, term {}): nothing to hand over",
            self, group, seen[1], seen[2]);
        return;
      }
      if (seen[0] == 0 && seen[1] >= 0) {
        // Stepped down (the target's election, §3.10) and heard from the new leader: the group is led.
        log.info("node {} handed leadership of group {} over to node {} (now led by node {}, term {}) before stopping",
            self, group, target, seen[1], seen[2]);
        return;
      }
      if (seen[0] == 0) {
        steppedDownTerm = seen[2]; // voted in the target's election; waits to hear from the winner
      }
      if (seen[1] >= 0 && seen[1] != target) {
        target = (int) seen[1];
        log.info("node {} leads group {} (term {}) and is stopping: transferring leadership to node {}, its most"
            + " up-to-date live follower; waiting up to {} ms", self, group, seen[2], target, waitMillis);
      }
      try {
        Thread.sleep(Math.max(1, s.tickMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (steppedDownTerm >= 0) {
      log.info("node {} stepped down in group {} for node {}'s election (term {}) but heard from no leader within {} ms;"
          + " stopping", self, group, target, steppedDownTerm, waitMillis);
      return;
    }
    log.info("node {} stopping while still leader of group {}: {}; the group elects a new leader after an election"
        + " timeout", self, group, target == RaftNode.NO_LEADER ? "no live follower to hand over to"
        : "the transfer to node " + target + " did not complete within " + waitMillis + " ms");
  }

  /**
   * Loop thread, every {@code leader-balance-ms}: the views {@link LeaderBalance} decides on (the
   * shard groups this server hosts and runs), and the move it chooses, if any. Returns the group
   * handed over, or -1.
   */
  static int balance(NodeServer server) {
    int self = server.id();
    List<LeaderBalance.View> views = new ArrayList<>();
    for (HostedReplica r : server.replicas().values()) {
      if (r.group() == ClusterConfig.CONFIG_CENTER_GROUP || r.host().stopped()) continue;
      var raft = r.host().raft();
      boolean leads = r.host().isLeader();
      List<Integer> voters = raft.membership().voters(); // the group's own configuration (docs/membership.md)
      Set<Integer> ready = new TreeSet<>();
      if (leads) {
        for (int v : voters) if (v != self && raft.transferReady(v)) ready.add(v);
      }
      views.add(new LeaderBalance.View(r.group(), leads ? self : raft.leaderId(), voters, ready, raft.transferTarget() >= 0));
    }
    var move = LeaderBalance.choose(self, views);
    if (move.isEmpty()) return -1;
    LeaderBalance.Move m = move.get();
    var host = server.replicas().get(m.group()).host();
    host.transferLeadership(m.to());
    log.info("node {}: transferring leadership of group {} to node {} (term {}) to spread leaders; shard groups led"
        + " per server as seen here: {}", self, m.group(), m.to(), host.raft().term(), m.counts());
    return m.group();
  }
}

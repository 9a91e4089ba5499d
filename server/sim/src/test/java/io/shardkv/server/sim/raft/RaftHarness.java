package io.shardkv.server.sim.raft;

import static org.junit.jupiter.api.Assertions.fail;

import io.shardkv.server.raft.ProposeResult;
import io.shardkv.server.raft.RaftMessage;
import io.shardkv.server.raft.RaftNode;
import io.shardkv.server.raft.Role;
import io.shardkv.server.sim.LinkProfile;
import io.shardkv.server.sim.SimRandom;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The 6.824 Raft tester's vocabulary (connect, disconnect, crash1, start1, one, nCommitted,
 * checkOneLeader, ...) on top of a {@link RaftCluster}, so the lab's tests can be written as they
 * read there — but in simulated time, from a seed, with every Raft invariant checked all along.
 */
final class RaftHarness {
  /** The unreliable network of the lab: 10% loss, 0–27 ms delays. */
  static final LinkProfile UNRELIABLE = new LinkProfile(0.1, 0, 1, 27, 0, 0, 0);

  final RaftCluster cluster;
  final SimRandom rnd;
  private final boolean[] connected;
  private boolean longReordering;
  private boolean unreliable;

  RaftHarness(int nodes, long seed) {
    this(labTiming(RaftSimOptions.defaults(seed, nodes)));
  }

  /**
   * The lab's timing: at most ten heartbeats a second and election timeouts of a few hundred
   * milliseconds (300–600 ms), against which its one-second waits and network delays are tuned.
   */
  static RaftSimOptions labTiming(RaftSimOptions o) {
    return o.withTimeouts(30, 60, 10);
  }

  RaftHarness(RaftSimOptions options) {
    this.cluster = new RaftCluster(options);
    this.rnd = cluster.random().fork("test");
    // As in the lab's network, long reordering delays answers, not requests.
    cluster.network().setLongDelayFilter(m -> m instanceof RaftMessage.RequestVoteResponse
        || m instanceof RaftMessage.AppendEntriesResponse || m instanceof RaftMessage.HeartbeatResponse
        || m instanceof RaftMessage.InstallSnapshotResponse);
    this.connected = new boolean[options.nodes()];
    java.util.Arrays.fill(connected, true);
    countSends();
  }

  int n() { return cluster.size(); }
  long now() { return cluster.loop().now(); }
  RaftNode node(int i) { return cluster.node(i); }
  boolean connected(int i) { return connected[i]; }

  /** Advances simulated time. */
  void sleep(long ms) { cluster.loop().runFor(ms); }

  void disconnect(int i) {
    connected[i] = false;
    for (int j = 0; j < n(); j++) {
      if (j == i) continue;
      cluster.network().block(i, j);
      cluster.network().block(j, i);
    }
  }

  void connect(int i) {
    connected[i] = true;
    for (int j = 0; j < n(); j++) {
      if (j == i || !connected[j]) continue;
      cluster.network().unblock(i, j);
      cluster.network().unblock(j, i);
    }
  }

  /** Crash (lab: "crash1") — the node also stops being connected until {@link #connect}. */
  void crash1(int i) {
    disconnect(i);
    if (cluster.host().isUp(i)) cluster.host().crash(i);
  }

  /** Restart from disk (lab: "start1"); the node stays disconnected until {@link #connect}. */
  void start1(int i) {
    if (!cluster.host().isUp(i)) cluster.host().restart(i);
  }

  void setUnreliable(boolean on) {
    unreliable = on;
    applyProfile();
  }

  void setLongReordering(boolean on) {
    longReordering = on;
    applyProfile();
  }

  private void applyProfile() {
    LinkProfile p = unreliable ? UNRELIABLE : LinkProfile.RELIABLE;
    if (longReordering) p = p.withLongDelay(0.66, 200, 2200);
    cluster.network().setProfile(p);
  }

  long rpcTotal() { return cluster.network().sent(); }

  /** Requests sent (AppendEntries, RequestVote, InstallSnapshot, Heartbeat, TimeoutNow), answers excluded. */
  long requests;
  /** AppendEntries and RequestVote requests (no heartbeats): the lab's "RPCs" for agreement. */
  long appendAndVoteRequests;
  /** InstallSnapshot chunks sent. */
  long snapshotChunks;
  /** AppendEntries that carried at least one entry. */
  long appendsWithEntries;

  private void countSends() {
    cluster.network().observeSends(m -> {
      if (m instanceof RaftMessage.AppendEntries a) {
        requests++;
        appendAndVoteRequests++;
        if (!a.entries().isEmpty()) appendsWithEntries++;
      } else if (m instanceof RaftMessage.RequestVote) {
        requests++;
        appendAndVoteRequests++;
      } else if (m instanceof RaftMessage.InstallSnapshot) {
        requests++;
        snapshotChunks++;
      } else if (m instanceof RaftMessage.Heartbeat
          || m instanceof RaftMessage.TimeoutNow) {
        requests++;
      }
    });
  }
  long bytesTotal() { return cluster.network().bytesSent(); }

  /** The one leader among connected nodes, checked over several election periods (lab semantics). */
  int checkOneLeader() {
    for (int iters = 0; iters < 10; iters++) {
      sleep(450 + rnd.between(0, 100));
      TreeMap<Long, List<Integer>> leaders = new TreeMap<>();
      for (int i = 0; i < n(); i++) {
        RaftNode r = node(i);
        if (connected[i] && r != null && r.role() == Role.LEADER) {
          leaders.computeIfAbsent(r.term(), t -> new ArrayList<>()).add(i);
        }
      }
      for (var e : leaders.entrySet()) {
        if (e.getValue().size() > 1) fail("term " + e.getKey() + " has " + e.getValue().size() + " leaders: " + e.getValue());
      }
      if (!leaders.isEmpty()) return leaders.lastEntry().getValue().get(0);
    }
    fail("expected one leader, got none (t=" + now() + "ms)");
    return -1;
  }

  /** All connected nodes agree on the term; returns it. */
  long checkTerms() {
    long term = -1;
    for (int i = 0; i < n(); i++) {
      RaftNode r = node(i);
      if (connected[i] && r != null) {
        if (term == -1) term = r.term();
        else if (term != r.term()) fail("servers disagree on term: " + term + " vs " + r.term());
      }
    }
    return term;
  }

  void checkNoLeader() {
    for (int i = 0; i < n(); i++) {
      RaftNode r = node(i);
      if (connected[i] && r != null && r.role() == Role.LEADER) {
        fail("expected no leader among connected servers, but n" + i + " claims to be leader");
      }
    }
  }

  /** How many nodes applied a command at {@code index}, and which (they must agree). */
  record Committed(int count, String command) { }

  Committed nCommitted(int index) {
    int count = 0;
    String cmd = null;
    for (int i = 0; i < n(); i++) {
      byte[] b = cluster.appliedAt(i, index);
      if (b == null) continue;
      String c = new String(b, StandardCharsets.UTF_8);
      if (cmd != null && !cmd.equals(c)) fail("committed values do not match: index " + index + ", " + cmd + ", " + c);
      count++;
      cmd = c;
    }
    return new Committed(count, cmd);
  }

  /** Proposes on node {@code i} (waiting out a Ready in flight first); null if the node is down. */
  ProposeResult start(int i, String command) {
    if (node(i) == null) return null;
    cluster.loop().runUntil(() -> cluster.idle(i) || cluster.node(i) == null, now() + 100);
    if (!cluster.idle(i)) return null;
    ProposeResult[] out = new ProposeResult[1];
    cluster.submit(i, r -> out[0] = r.propose(command.getBytes(StandardCharsets.UTF_8)));
    return out[0];
  }

  /** Index of a command accepted by a leader, or -1. */
  static long acceptedIndex(ProposeResult r) {
    return r instanceof ProposeResult.Accepted a ? a.index() : -1;
  }

  /**
   * The lab's {@code one()}: submit {@code cmd} to whichever node is leader, wait until at least
   * {@code expected} nodes applied it; with {@code retry}, resubmit after a leader change. Fails
   * after 10 simulated seconds.
   */
  long one(String cmd, int expected, boolean retry) {
    long t0 = now();
    int starts = 0;
    while (now() - t0 < 10_000) {
      long index = -1;
      for (int si = 0; si < n(); si++) {
        starts = (starts + 1) % n();
        if (connected[starts] && node(starts) != null) {
          ProposeResult r = start(starts, cmd);
          long ix = r == null ? -1 : acceptedIndex(r);
          if (ix >= 0) {
            index = ix;
            break;
          }
        }
      }
      if (index != -1) {
        long t1 = now();
        while (now() - t1 < 2_000) {
          Committed c = nCommitted((int) index);
          if (c.count() > 0 && c.count() >= expected && cmd.equals(c.command())) return index;
          sleep(20);
        }
        if (!retry) fail("one(" + cmd + ") failed to reach agreement at index " + index + " (t=" + now() + ")");
      } else {
        sleep(50);
      }
    }
    fail("one(" + cmd + ") failed to reach agreement (t=" + now() + "ms)");
    return -1;
  }

  /** Waits until at least {@code n} nodes applied {@code index}; null if a term past {@code startTerm} began. */
  String wait(int index, int n, long startTerm) {
    long to = 10;
    for (int iters = 0; iters < 30; iters++) {
      Committed c = nCommitted(index);
      if (c.count() >= n) break;
      sleep(to);
      if (to < 1000) to *= 2;
      if (startTerm > -1) {
        for (int i = 0; i < n(); i++) {
          RaftNode r = node(i);
          if (r != null && r.term() > startTerm) return null;
        }
      }
    }
    Committed c = nCommitted(index);
    if (c.count() < n) fail("only " + c.count() + " decided for index " + index + "; wanted " + n);
    return c.command();
  }

  /** Entries kept in memory beyond the snapshot, the most of any live node (the log-size bound). */
  long maxLogLength() {
    long max = 0;
    for (int i = 0; i < n(); i++) {
      RaftNode r = node(i);
      if (r != null) max = Math.max(max, r.lastIndex() - r.snapshotMeta().lastIndex());
    }
    return max;
  }

  /** Nodes whose state machine applied {@code cmd} at any index. */
  int countApplied(String cmd) {
    int count = 0;
    for (int i = 0; i < n(); i++) {
      RaftNodeDriver d = cluster.driver(i);
      if (d == null) continue;
      for (byte[] b : d.stateMachine().commands().values()) {
        if (cmd.equals(new String(b, StandardCharsets.UTF_8))) {
          count++;
          break;
        }
      }
    }
    return count;
  }

  /** Every command applied anywhere (by any live node), for "all values committed" checks. */
  java.util.Set<String> appliedAnywhere() {
    java.util.Set<String> all = new java.util.HashSet<>();
    for (long i = 1; i <= cluster.committedIndex(); i++) {
      var e = cluster.committedAt(i);
      if (e.kind() == io.shardkv.server.raft.EntryKind.COMMAND) all.add(new String(e.data(), StandardCharsets.UTF_8));
    }
    return all;
  }

  /**
   * Submits all {@code cmds} to the current leader at once (concurrent clients), then resubmits any
   * not applied within 2 s, until each is applied by at least {@code expected} nodes; fails after
   * 20 simulated seconds.
   */
  void oneAll(List<String> cmds, int expected) {
    long t0 = now();
    java.util.Map<String, Long> lastTry = new java.util.LinkedHashMap<>();
    for (String c : cmds) lastTry.put(c, Long.MIN_VALUE / 2);
    while (now() - t0 < 20_000) {
      java.util.Set<String> done = new java.util.HashSet<>();
      for (String c : lastTry.keySet()) if (countApplied(c) >= expected) done.add(c);
      lastTry.keySet().removeAll(done);
      if (lastTry.isEmpty()) return;
      int leader = cluster.currentLeader();
      if (leader >= 0 && connected[leader]) {
        for (var e : lastTry.entrySet()) {
          if (now() - e.getValue() >= 2_000) {
            e.setValue(now());
            byte[] b = e.getKey().getBytes(StandardCharsets.UTF_8);
            cluster.submit(leader, r -> r.propose(b));
          }
        }
      }
      sleep(20);
    }
    fail("commands never reached agreement on " + expected + " nodes: " + lastTry.keySet());
  }

  String randomCommand() { return Long.toString(rnd.nextLong() & 0x7fffffffffffL); }
}

package io.shardkv.server.sim.raft;

import io.shardkv.server.raft.EntryKind;
import io.shardkv.server.raft.HardState;
import io.shardkv.server.raft.LogEntry;
import io.shardkv.server.raft.Membership;
import io.shardkv.server.raft.PersistedState;
import io.shardkv.server.raft.RaftMessage;
import io.shardkv.server.raft.RaftNode;
import io.shardkv.server.raft.Role;
import io.shardkv.server.sim.SimScheduler;
import io.shardkv.server.sim.SimDisk;
import io.shardkv.server.sim.SimulationFailure;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The safety properties of Raft (paper Fig. 3), checked while the simulation runs, on every Ready
 * and every observed state change. Any violation throws {@link SimulationFailure} naming the seed,
 * the simulated time, the node and the property.
 *
 * <ul>
 *   <li><b>Election safety</b>: at most one leader per term (§5.2); a leader is a voter of its own
 *       configuration and was granted votes by a majority of that configuration's voters (thesis
 *       §4.1: the configuration in effect is the latest in its log); votes of learners never count
 *       (§4.2.1).</li>
 *   <li><b>Log matching</b>: entries with the same index and term hold the same command and follow
 *       the same predecessor term (§5.3) — checked per persisted entry, which by induction gives
 *       identical prefixes.</li>
 *   <li><b>Leader completeness</b>: a new leader's log holds every entry applied anywhere so far
 *       (§5.4).</li>
 *   <li><b>State machine safety</b>: no two nodes apply different entries at an index, every node
 *       applies in index order without gaps, and a restored snapshot equals what was applied up to
 *       its index (§5.4.3).</li>
 *   <li><b>Commit monotonicity</b>: a live node's commit index never decreases.</li>
 *   <li><b>Persist before speaking</b>: every message leaving a node promises only state its disk
 *       holds durably (term, vote, acknowledged entries), and a node's durable index — a leader's
 *       own match index — never runs ahead of its disk (asynchronous storage writes).</li>
 *   <li><b>Durability</b>: an acknowledgement is never taken back by a crash (the term and vote a
 *       node spoke from survive), and the highest applied entry is durably stored on a majority of
 *       the voters of a configuration it may have been committed under (the one in effect at its
 *       index, or one appended after it: with membership changes its leader may already have been
 *       using the next) whenever a node crashes. Without membership changes: a majority of all disks.</li>
 * </ul>
 */
final class RaftInvariants {
  private record EntryKey(long index, long term) { }
  private record Seen(long prevTerm, LogEntry entry, int node) { }

  private final long seed;
  private final SimScheduler loop;
  private final int nodes;
  private final TreeMap<Long, Integer> leaderOfTerm = new TreeMap<>();
  private final HashMap<EntryKey, Seen> entries = new HashMap<>();
  /** committed.get(i - 1): the entry applied at index i by the first node that applied it. */
  private final ArrayList<LogEntry> committed = new ArrayList<>();
  /** hashes.get(i - 1): the state machine's rolling hash after applying index i. */
  private final ArrayList<Long> hashes = new ArrayList<>();
  /**
   * commitTermBound.get(i - 1): the highest term any node had reached when index i was first
   * applied — an upper bound on the term in which it was committed.
   */
  private final ArrayList<Long> commitTermBound = new ArrayList<>();
  private long maxTermSeen;
  private final long[] lastCommit;
  private final int[] incarnationSeen;
  private final long[] maxSpokenTerm;
  private final Map<Long, Integer>[] votesGranted;
  /** Granted (non-pre-)votes as they left each node, whether before or after its flush: term -> candidate. */
  private final Map<Long, Integer>[] votesSent;
  private final Membership seedMembership;
  /** Config entries applied anywhere, by index (all identical by state machine safety). */
  private final TreeMap<Long, Membership> committedConfigs = new TreeMap<>();
  /** Config entries written to any disk, by index (possibly later truncated). */
  private final TreeMap<Long, java.util.Set<Membership>> persistedConfigs = new TreeMap<>();

  /** A group whose seed configuration is all {@code nodes} nodes. */
  RaftInvariants(long seed, SimScheduler loop, int nodes) {
    this(seed, loop, nodes, java.util.stream.IntStream.range(0, nodes).boxed().toList());
  }

  @SuppressWarnings("unchecked")
  RaftInvariants(long seed, SimScheduler loop, int nodes, List<Integer> seedVoters) {
    this.seed = seed;
    this.seedMembership = Membership.ofVoters(seedVoters);
    this.votesSent = new Map[nodes];
    for (int n = 0; n < nodes; n++) votesSent[n] = new HashMap<>();
    this.loop = loop;
    this.nodes = nodes;
    this.lastCommit = new long[nodes];
    this.incarnationSeen = new int[nodes];
    this.maxSpokenTerm = new long[nodes];
    this.votesGranted = new Map[nodes];
    for (int n = 0; n < nodes; n++) votesGranted[n] = new HashMap<>();
    Arrays.fill(incarnationSeen, -1);
  }

  /** Number of distinct (term, leader) pairs seen: the elections won. */
  int elections() { return leaderOfTerm.size(); }

  /** Highest index applied anywhere. */
  long committedIndex() { return committed.size(); }

  /** The entry applied at {@code index} anywhere, or null. */
  LogEntry committedAt(long index) {
    return index >= 1 && index <= committed.size() ? committed.get((int) (index - 1)) : null;
  }

  /** Leader of {@code term}, or null if none was seen. */
  Integer leaderOf(long term) { return leaderOfTerm.get(term); }

  /** Checks the node's observable state after it handled an input. */
  void observe(int node, int incarnation, RaftNode raft) {
    if (incarnationSeen[node] != incarnation) {
      incarnationSeen[node] = incarnation;
      lastCommit[node] = raft.commitIndex();
    }
    long commit = raft.commitIndex();
    if (commit < lastCommit[node]) {
      fail(node, "commit index monotonicity", "commit index went from " + lastCommit[node] + " to " + commit);
    }
    lastCommit[node] = commit;
    maxTermSeen = Math.max(maxTermSeen, raft.term());
    if (raft.role() == Role.LEADER) {
      Integer prior = leaderOfTerm.putIfAbsent(raft.term(), node);
      if (prior == null) {
        checkLeaderCompleteness(node, raft);
        checkElectedByItsConfiguration(node, raft);
      } else if (prior != node) {
        fail(node, "election safety", "n" + prior + " and n" + node + " are both leaders of term " + raft.term());
      }
    }
  }

  /**
   * Leader completeness (§5.4): an entry committed in term U is in the log of every leader of a
   * term above U. A leader can legitimately be elected late in an old term (its votes were granted
   * long ago and delivered late), so only entries whose commit term is surely below the leader's
   * term are required: those first applied while no node had yet reached the leader's term.
   */
  private void checkLeaderCompleteness(int node, RaftNode raft) {
    long from = raft.snapshotMeta().lastIndex() + 1;
    for (long i = from; i <= committed.size(); i++) {
      if (commitTermBound.get((int) (i - 1)) >= raft.term()) continue;
      LogEntry want = committed.get((int) (i - 1));
      LogEntry have = raft.entry(i);
      if (!want.equals(have)) {
        fail(node, "leader completeness", "new leader of term " + raft.term() + " lacks committed " + want
            + " (has " + have + ")");
      }
    }
  }

  /**
   * Election safety against the configuration in effect (thesis §4.1): the new leader is a voter
   * of its latest configuration, and voters of that configuration granting it their vote for this
   * term (itself included) form a majority of its voters.
   */
  private void checkElectedByItsConfiguration(int node, RaftNode raft) {
    Membership m = raft.membership();
    if (!m.isVoter(node)) {
      fail(node, "election safety", "n" + node + " leads term " + raft.term() + " but is not a voter of its configuration " + m);
    }
    List<Integer> granted = new ArrayList<>();
    for (int v : m.voters()) {
      if (v == node || (v < nodes && Integer.valueOf(node).equals(votesSent[v].get(raft.term())))) granted.add(v);
    }
    if (granted.size() < m.quorum()) {
      fail(node, "election safety", "n" + node + " leads term " + raft.term() + " with votes of " + granted
          + " only: not a majority of the voters of its configuration " + m);
    }
  }

  /** A message leaving {@code node}: a granted vote is recorded for {@link #checkElectedByItsConfiguration}. */
  void onSent(int node, RaftMessage m) {
    if (m instanceof RaftMessage.RequestVoteResponse v && v.granted() && !v.preVote()) {
      votesSent[node].putIfAbsent(v.term(), v.to());
    }
  }

  /** Log matching, for entries just written to the node's storage after an entry of {@code prevTerm}. */
  void onPersisted(int node, long prevTerm, java.util.List<LogEntry> appended) {
    long prev = prevTerm;
    for (LogEntry e : appended) {
      if (e.kind() == EntryKind.CONFIG) {
        persistedConfigs.computeIfAbsent(e.index(), k -> new java.util.HashSet<>()).add(Membership.decode(e.data()));
      }
      EntryKey key = new EntryKey(e.index(), e.term());
      Seen seen = entries.get(key);
      if (seen == null) {
        entries.put(key, new Seen(prev, e, node));
      } else {
        if (!seen.entry().equals(e)) {
          fail(node, "log matching", "n" + node + " stores " + e + " but n" + seen.node() + " stored "
              + seen.entry() + " at the same index and term");
        }
        if (prev >= 0 && seen.prevTerm() >= 0 && prev != seen.prevTerm()) {
          fail(node, "log matching", "entry " + e + " follows an entry of term " + prev + " on n" + node
              + " but of term " + seen.prevTerm() + " on n" + seen.node());
        }
      }
      prev = e.term();
    }
  }

  /** State machine safety for one applied entry; {@code hashAfter} is the node's rolling hash. */
  void onApplied(int node, long expectedIndex, LogEntry e, long hashAfter) {
    if (e.index() != expectedIndex) {
      fail(node, "state machine safety", "applied " + e + " but the next index to apply was " + expectedIndex);
    }
    long i = e.index();
    if (i <= committed.size()) {
      LogEntry first = committed.get((int) (i - 1));
      if (!first.equals(e)) {
        fail(node, "state machine safety", "applied " + e + " at index " + i + " where " + first
            + " was applied before");
      }
      if (hashes.get((int) (i - 1)) != hashAfter) {
        fail(node, "state machine safety", "state after index " + i + " differs from the first node's");
      }
    } else {
      committed.add(e);
      if (e.kind() == EntryKind.CONFIG) committedConfigs.put(i, Membership.decode(e.data()));
      hashes.add(hashAfter);
      commitTermBound.add(maxTermSeen);
    }
  }

  /** A node restored its state machine from a snapshot at {@code index}. */
  void onSnapshotRestored(int node, long index, long hash) {
    if (index > committed.size()) {
      fail(node, "state machine safety", "restored a snapshot at " + index + " beyond anything applied ("
          + committed.size() + ")");
    }
    if (index >= 1 && hashes.get((int) (index - 1)) != hash) {
      fail(node, "state machine safety", "snapshot at index " + index + " differs from the applied state");
    }
  }

  /** Records what a node said after persisting (its term, its granted votes). */
  void onSpokeAfterPersist(int node, RaftMessage m) {
    // Pre-vote requests and answers carry a prospective term the speaker has not entered (thesis §9.6).
    boolean preVote = (m instanceof RaftMessage.RequestVote rv && rv.preVote())
        || (m instanceof RaftMessage.RequestVoteResponse vr && vr.preVote());
    if (!preVote) maxSpokenTerm[node] = Math.max(maxSpokenTerm[node], m.term());
    if (m instanceof RaftMessage.RequestVoteResponse v && v.granted() && !v.preVote()) {
      Integer prior = votesGranted[node].putIfAbsent(v.term(), v.to());
      if (prior != null && prior != v.to()) {
        fail(node, "election safety", "voted for n" + prior + " and n" + v.to() + " in term " + v.term());
      }
    }
  }

  /**
   * Persist before you speak (Raft paper Fig. 2, thesis §10.2.1), checked on every message as it
   * leaves, against what the node's disk holds <em>durably</em> at that moment: the term of every
   * message (pre-vote excepted, thesis §9.6), the vote behind a granted vote or a vote request, and
   * the entries an accepting AppendEntriesResponse claims ({@code ackedTerm}: the term of the entry at
   * its match index when the ack was made, -1 if unknown — the log may have changed since). Asynchronous writes may let a node speak
   * while a flush is in flight, but never about the writes that flush carries.
   *
   * <p>A promise about term T also holds once the durable term is above T: the batch that made the
   * vote or the entries durable may also have carried a later term change (and a new leader's
   * truncation), and a node whose durable term passed T never acts in T again — it can neither
   * vote twice in T nor, after a crash, accept T's leader (the held message was true of the node
   * when written; Raft paper §5.4's argument needs only that the acker never falls back to T).
   */
  void checkSpeaksFromDurableState(int node, SimDisk disk, RaftMessage m, long ackedTerm) {
    boolean preVote = (m instanceof RaftMessage.RequestVote rv && rv.preVote())
        || (m instanceof RaftMessage.RequestVoteResponse vr && vr.preVote());
    if (preVote) return;
    HardState hs = disk.durableHardState();
    if (hs.term() < m.term()) {
      fail(node, "persist before speaking", "sent " + m + " in term " + m.term() + " but its durable term is "
          + hs.term());
    }
    if (m instanceof RaftMessage.RequestVoteResponse v && v.granted()
        && hs.term() == v.term() && hs.votedFor() != v.to()) {
      fail(node, "persist before speaking", "granted its vote " + v + " before the vote was durable (durable " + hs + ")");
    }
    if (m instanceof RaftMessage.RequestVote r && hs.term() == r.term() && hs.votedFor() != node) {
      fail(node, "persist before speaking", "asked for votes " + r + " before its self-vote was durable (durable " + hs + ")");
    }
    if (m instanceof RaftMessage.AppendEntriesResponse r && r.success() && r.matchIndex() > 0 && hs.term() == r.term()) {
      long durable = disk.durableTermAt(r.matchIndex());
      boolean ok = durable == SimDisk.IN_SNAPSHOT || (durable >= 0 && (ackedTerm < 0 || durable == ackedTerm));
      if (!ok) {
        fail(node, "persist before speaking", "acknowledged entries up to " + r.matchIndex() + " of term "
            + ackedTerm + " (" + m + ") but the durable log holds term " + durable + " there");
      }
    }
  }

  /**
   * A node's durable index (a leader's own match index, thesis §10.2.1) never runs ahead of its
   * disk: the entry there is durable with the same term (or under the durable snapshot).
   */
  void checkDurableSelf(int node, RaftNode raft, SimDisk disk) {
    long d = raft.durableIndex();
    if (d == 0) return;
    long durable = disk.durableTermAt(d);
    long mine = raft.termAt(d);
    if (!(durable == SimDisk.IN_SNAPSHOT || (durable >= 0 && (mine < 0 || durable == mine)))) {
      fail(node, "leader counts only its durable log", "durable index " + d + " (term " + mine + ", role "
          + raft.role() + ") but the disk holds term " + durable + " there");
    }
  }

  /** A restarted node loaded {@code state}: what it acknowledged before crashing must be there. */
  void onRecovered(int node, PersistedState state) {
    HardState hs = state.hardState();
    if (hs.term() < maxSpokenTerm[node]) {
      fail(node, "durability", "recovered term " + hs.term() + " but had spoken in term " + maxSpokenTerm[node]);
    }
    Integer vote = votesGranted[node].get(hs.term());
    if (vote != null && hs.votedFor() != vote) {
      fail(node, "durability", "recovered vote " + hs.votedFor() + " in term " + hs.term()
          + " but had granted its vote to n" + vote);
    }
  }

  /** The highest applied entry must be durable on a quorum of disks (or under their snapshots). */
  void checkCommittedDurableOnQuorum(SimDisk[] disks, String when) {
    long h = committed.size();
    if (h == 0) return;
    LogEntry want = committed.get((int) (h - 1));
    Map.Entry<Long, Membership> atH = committedConfigs.floorEntry(h);
    List<Membership> candidates = new ArrayList<>();
    candidates.add(atH == null ? seedMembership : atH.getValue());
    for (java.util.Set<Membership> later : persistedConfigs.tailMap(h, false).values()) candidates.addAll(later);
    String worst = null;
    for (Membership m : candidates) {
      int holders = 0;
      for (int v : m.voters()) {
        if (v >= disks.length) continue;
        long t = disks[v].durableTermAt(h);
        if (t == SimDisk.IN_SNAPSHOT || (t == want.term() && want.equals(disks[v].durableEntry(h)))) holders++;
      }
      if (holders >= m.quorum()) return;
      if (worst == null) worst = holders + " of " + m.voters().size() + " disks (the voters of " + m + ")";
    }
    fail(-1, "durability", when + ": applied " + want + " is durable on only " + worst
        + " (nor on a majority of any configuration appended after it)");
  }

  void fail(int node, String invariant, String detail) {
    throw new SimulationFailure(seed, loop.now(), node < 0 ? null : "n" + node, invariant, detail);
  }
}

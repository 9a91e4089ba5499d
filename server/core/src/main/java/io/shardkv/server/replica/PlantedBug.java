package io.shardkv.server.replica;

import io.shardkv.server.raft.RaftConfig;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The safety bugs the server can be started with on purpose, to measure whether the chaos suite and
 * the simulator catch them (issue 14, "mutants"). Each is one explicit switch at the one place its
 * guarantee is enforced; every one of them is off unless a cluster config says
 * {@code unsafe-NAME = true} <em>and</em> {@code i-know-this-is-unsafe = true} (docs/config.md), and a
 * node that runs with one logs it at WARN when it starts.
 *
 * <p>{@link #nemesis()} names the chaos nemesis that should expose the bug (docs/chaos.md,
 * "Mutants"); {@link #workload()} the workload whose checker sees the violation.
 */
public enum PlantedBug {
  /**
   * Read path ({@link ReplicaHost}): every replica, leader or not, answers a read from its own
   * applied state at once, without ReadIndex (thesis §6.4). A replica cut off by a partition keeps
   * answering with values the majority has long overwritten.
   */
  STALE_READS("stale-reads", "linearizable reads: any replica answers reads from its own state, without ReadIndex",
      "partition", "register"),
  /**
   * Raft core ({@link RaftConfig.Unsafe#leaseReads}): a leader that heard from a quorum within the last
   * election timeout (counted in its own ticks, measured from when the acks <em>arrived</em>, no
   * clock-drift bound) answers ReadIndex at once without a heartbeat round (thesis §6.4.1 done
   * wrong). A paused leader counts no ticks while frozen, so it wakes up still "holding" a lease
   * that a newer leader has long outlived.
   */
  LEASE_READS("lease-reads", "linearizable reads: a leader trusts its own clock for its lease, with no drift bound",
      "pause", "register"),
  /**
   * Raft core ({@link RaftConfig.Unsafe#voteBeforePersist}): a granted vote leaves before the hard
   * state recording it is durable (Raft paper Fig. 2). A voter killed before the flush forgets its
   * vote and may vote again in the same term: two leaders of one term.
   */
  VOTE_BEFORE_PERSIST("vote-before-persist", "election safety: a vote is granted before it is durable",
      "kill", "register"),
  /**
   * Dedup (NodeServer / the simulator's ServerNode): every client write gets a client id nobody used
   * before, so a retry of a write that did apply is applied again. Killed or paused leaders make
   * clients retry.
   */
  NO_DEDUP("no-dedup", "exactly-once writes: duplicate detection is off, retried writes apply twice",
      "kill,pause", "append"),
  /**
   * Raft core ({@link RaftConfig.Unsafe#commitOnMinority}): the leader counts its own
   * acknowledgement twice in the commit rule (Raft paper §5.3, Fig. 2), so in a group of three it
   * commits alone. A leader cut off by a partition acknowledges writes the majority never saw.
   */
  COMMIT_ON_MINORITY("commit-on-minority", "durability of acknowledged writes: the leader counts its own ack twice "
      + "when computing the commit index", "partition", "register"),
  /**
   * Ready driver ({@code ReadyDriver}): a follower's acknowledgements (and votes) leave before the
   * WAL write and flush, so the leader commits, and answers the client, entries no majority has on
   * disk. Killing a majority with -9 loses them.
   */
  ACK_BEFORE_FSYNC("ack-before-fsync", "durability of acknowledged writes: acknowledgements are sent before the WAL "
      + "flush", "kill", "register");

  /** The config key that says the bugs above are wanted (docs/config.md). */
  public static final String ACKNOWLEDGE_KEY = "i-know-this-is-unsafe";

  private final String name;
  private final String broken;
  private final String nemesis;
  private final String workload;

  PlantedBug(String name, String broken, String nemesis, String workload) {
    this.name = name;
    this.broken = broken;
    this.nemesis = nemesis;
    this.workload = workload;
  }

  /** Short name, e.g. {@code stale-reads} (for {@code --mutants} and {@code --unsafe}). */
  public String shortName() { return name; }

  /** The cluster config key, e.g. {@code unsafe-stale-reads}. */
  public String configKey() { return "unsafe-" + name; }

  /** The guarantee this bug breaks, for the start-up warning and the docs. */
  public String broken() { return broken; }

  /** The chaos nemesis (or comma list) that should expose it (a {@code chaos run --nemesis} value). */
  public String nemesis() { return nemesis; }

  /** The chaos workload whose checker sees the violation. */
  public String workload() { return workload; }

  /** All short names, comma-separated (for error messages and help). */
  public static String names() {
    List<String> l = new ArrayList<>();
    for (PlantedBug b : values()) l.add(b.name);
    return String.join(", ", l);
  }

  /** The bug with short name {@code s} (or its config key {@code unsafe-s}), or an error naming the known ones. */
  public static PlantedBug parse(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    if (t.startsWith("unsafe-")) t = t.substring("unsafe-".length());
    for (PlantedBug b : values()) if (b.name.equals(t)) return b;
    throw new IllegalArgumentException("unknown planted bug '" + s + "' (known: " + names() + ")");
  }

  /** A comma list of short names ({@code all} = every one); never empty. */
  public static EnumSet<PlantedBug> parseList(String spec) {
    if (spec == null || spec.isBlank()) throw new IllegalArgumentException("empty list of planted bugs (known: " + names() + ", or all)");
    if (spec.trim().equalsIgnoreCase("all")) return EnumSet.allOf(PlantedBug.class);
    EnumSet<PlantedBug> out = EnumSet.noneOf(PlantedBug.class);
    for (String p : spec.split(",")) out.add(parse(p));
    return out;
  }

  /** The Raft core switches among {@code bugs}. */
  public static RaftConfig.Unsafe raftSwitches(Set<PlantedBug> bugs) {
    return new RaftConfig.Unsafe(bugs.contains(VOTE_BEFORE_PERSIST), bugs.contains(COMMIT_ON_MINORITY),
        bugs.contains(LEASE_READS));
  }

  /** The Raft core switches among {@code bugs}, on top of {@code config}. */
  public static RaftConfig applyTo(RaftConfig config, Set<PlantedBug> bugs) {
    if (bugs.isEmpty()) return config;
    return config.withUnsafe(raftSwitches(bugs));
  }

  /** The replica host switches among {@code bugs}, on top of {@code options}. */
  public static HostOptions applyTo(HostOptions options, Set<PlantedBug> bugs) {
    if (bugs.isEmpty()) return options;
    return options.withUnsafe(bugs.contains(STALE_READS), bugs.contains(ACK_BEFORE_FSYNC));
  }
}

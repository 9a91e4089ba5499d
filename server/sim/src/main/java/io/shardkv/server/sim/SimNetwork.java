package io.shardkv.server.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * A simulated message network between nodes {@code 0..n-1}, carrying messages of any type
 * {@code M} (Raft messages, client requests, shard-migration calls). Every loss, delay, copy and
 * partition decision is drawn from the simulation's PRNG, so a seed replays the same traffic.
 *
 * <p>Faults: per-link {@link LinkProfile} (drop, delay, long delay, duplication; reordering follows
 * from delays that cross), and a directed set of blocked links — any node-to-node grudge, symmetric or
 * not. A message on a link blocked when it is sent, or blocked when it would arrive, is lost (a
 * partition also cuts what is in flight). A message to a node that cannot receive it (crashed) is
 * lost too.
 *
 * <p>Every send, delivery and loss is recorded in the {@link TraceDigest}.
 */
public final class SimNetwork<M> {

  /** Hands a message to its destination; returns false if the node cannot take it (crashed). */
  @FunctionalInterface
  public interface Receiver<M> {
    boolean deliver(int from, int to, M message);
  }

  private final SimScheduler loop;
  private final SimRandom random;
  private final TraceDigest digest;
  private final int nodes;
  private final Function<M, String> describe;
  private final ToIntFunction<M> sizeOf;
  private final boolean[][] blocked;
  private final LinkProfile[][] linkOverride;
  private LinkProfile profile = LinkProfile.RELIABLE;
  private Receiver<M> receiver;
  private final List<Consumer<M>> sendObservers = new ArrayList<>();
  private Predicate<M> longDelayApplies = m -> true;

  private long nextMessageId;
  private long sent;
  private long delivered;
  private long dropped;
  private long duplicated;
  private long bytesSent;

  /**
   * @param describe renders a message for the digest and trace; must be deterministic
   * @param sizeOf   the message's size in bytes as it would go on the wire (for byte counts)
   */
  public SimNetwork(SimScheduler loop, SimRandom random, TraceDigest digest, int nodes,
                    Function<M, String> describe, ToIntFunction<M> sizeOf) {
    if (nodes < 1) throw new IllegalArgumentException("need at least one node, got " + nodes);
    this.loop = loop;
    this.random = random;
    this.digest = digest;
    this.nodes = nodes;
    this.describe = describe;
    this.sizeOf = sizeOf;
    this.blocked = new boolean[nodes][nodes];
    this.linkOverride = new LinkProfile[nodes][nodes];
  }

  public void setReceiver(Receiver<M> receiver) { this.receiver = receiver; }

  /**
   * Restricts the long delays of the link profiles to messages matching {@code filter} (e.g. only
   * answers, as the 6.824 network's "long reordering" does). Default: every message.
   */
  public void setLongDelayFilter(Predicate<M> filter) { this.longDelayApplies = filter; }

  /** Sees every message handed to {@link #send}, lost or not (for per-kind counts in tests). */
  public void observeSends(Consumer<M> observer) { sendObservers.add(observer); }

  public int nodes() { return nodes; }

  /** The profile of every link without an override. */
  public void setProfile(LinkProfile profile) {
    this.profile = profile;
    digest.record(loop.now(), "net", "profile", profile.toString());
  }

  public LinkProfile profile() { return profile; }

  /** Overrides the profile of the directed link {@code from -> to}; {@code null} removes it. */
  public void setLinkProfile(int from, int to, LinkProfile p) {
    check(from);
    check(to);
    linkOverride[from][to] = p;
    digest.record(loop.now(), "net", "link-profile", from + "->" + to + " " + p);
  }

  public void clearLinkProfiles() {
    for (LinkProfile[] row : linkOverride) Arrays.fill(row, null);
    digest.record(loop.now(), "net", "link-profile", "clear");
  }

  /** Blocks the directed link {@code from -> to} (a one-way grudge). */
  public void block(int from, int to) {
    check(from);
    check(to);
    blocked[from][to] = true;
    digest.record(loop.now(), "net", "block", from + "->" + to);
  }

  public void unblock(int from, int to) {
    check(from);
    check(to);
    blocked[from][to] = false;
    digest.record(loop.now(), "net", "unblock", from + "->" + to);
  }

  public boolean isBlocked(int from, int to) { return blocked[from][to]; }

  /** Cuts {@code node} off from every other node, both ways. */
  public void isolate(int node) {
    check(node);
    for (int other = 0; other < nodes; other++) {
      if (other != node) {
        blocked[node][other] = true;
        blocked[other][node] = true;
      }
    }
    digest.record(loop.now(), "net", "isolate", Integer.toString(node));
  }

  /** Opens every link to and from {@code node}. */
  public void reconnect(int node) {
    check(node);
    for (int other = 0; other < nodes; other++) {
      blocked[node][other] = false;
      blocked[other][node] = false;
    }
    digest.record(loop.now(), "net", "reconnect", Integer.toString(node));
  }

  /**
   * Splits the nodes into the given groups: links inside a group are open, links between groups are
   * blocked both ways. Nodes in no group are isolated.
   */
  public void partition(Collection<? extends Collection<Integer>> groups) {
    int[] groupOf = new int[nodes];
    Arrays.fill(groupOf, -1);
    int g = 0;
    for (Collection<Integer> group : groups) {
      for (int n : group) {
        check(n);
        groupOf[n] = g;
      }
      g++;
    }
    for (int a = 0; a < nodes; a++) {
      for (int b = 0; b < nodes; b++) {
        blocked[a][b] = a != b && (groupOf[a] < 0 || groupOf[a] != groupOf[b]);
      }
    }
    digest.record(loop.now(), "net", "partition", groups.toString());
  }

  /** Removes every grudge: all links open. Link profiles are kept. */
  public void heal() {
    for (boolean[] row : blocked) Arrays.fill(row, false);
    digest.record(loop.now(), "net", "heal", "");
  }

  /** Whether {@code a} and {@code b} can talk both ways right now. */
  public boolean connected(int a, int b) { return !blocked[a][b] && !blocked[b][a]; }

  /** Sends {@code message}; never blocks or throws for network reasons, loss is silent. */
  public void send(int from, int to, M message) {
    check(from);
    check(to);
    long id = nextMessageId++;
    sent++;
    bytesSent += sizeOf.applyAsInt(message);
    for (Consumer<M> o : sendObservers) o.accept(message);
    LinkProfile p = linkOverride[from][to] != null ? linkOverride[from][to] : profile;
    if (blocked[from][to]) {
      dropped++;
      digest.record(loop.now(), "net", "cut", "#" + id + " " + from + "->" + to + " " + describe.apply(message));
      return;
    }
    if (random.chance(p.dropProbability())) {
      dropped++;
      digest.record(loop.now(), "net", "drop", "#" + id + " " + from + "->" + to + " " + describe.apply(message));
      return;
    }
    LinkProfile effective = longDelayApplies.test(message) ? p : p.withLongDelay(0, 0, 0);
    long delay = effective.drawDelay(random);
    digest.record(loop.now(), "net", "send", "#" + id + " " + from + "->" + to + " +" + delay + "ms " + describe.apply(message));
    loop.after(delay, () -> arrive(id, from, to, message));
    if (random.chance(p.duplicateProbability())) {
      duplicated++;
      long dupDelay = effective.drawDelay(random);
      digest.record(loop.now(), "net", "dup", "#" + id + " +" + dupDelay + "ms");
      loop.after(dupDelay, () -> arrive(id, from, to, message));
    }
  }

  private void arrive(long id, int from, int to, M message) {
    if (blocked[from][to]) {
      dropped++;
      digest.record(loop.now(), "net", "cut-in-flight", "#" + id);
      return;
    }
    if (receiver == null || !receiver.deliver(from, to, message)) {
      dropped++;
      digest.record(loop.now(), "net", "undeliverable", "#" + id);
      return;
    }
    delivered++;
    digest.record(loop.now(), "net", "recv", "#" + id);
  }

  public long sent() { return sent; }
  public long delivered() { return delivered; }
  public long dropped() { return dropped; }
  public long duplicated() { return duplicated; }
  public long bytesSent() { return bytesSent; }

  private void check(int node) {
    if (node < 0 || node >= nodes) {
      throw new IllegalArgumentException("node " + node + " out of range 0.." + (nodes - 1));
    }
  }
}

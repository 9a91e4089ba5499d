package io.shardkv.server.raft;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A tiny deterministic in-memory harness: a few {@link RaftNode}s, each with a {@link MemoryStorage}
 * and a list-of-strings state machine, connected by a FIFO network that tests can cut, filter or
 * hold. Each Ready is handled by the production {@link ReadyDriver} with inline flushes.
 */
final class InMemoryRaftCluster {
  final Map<Integer, RaftConfig> configs = new TreeMap<>();
  final Map<Integer, RaftNode> nodes = new TreeMap<>();
  final Map<Integer, ReadyDriver> drivers = new TreeMap<>();
  final Map<Integer, MemoryStorage> storages = new TreeMap<>();
  /** Applied state machine per node: the commands, in order. */
  final Map<Integer, List<String>> machines = new TreeMap<>();
  /** Every Ready each node produced, in order. */
  final Map<Integer, List<Ready>> readies = new TreeMap<>();
  final Map<Integer, List<ReadState>> readStates = new TreeMap<>();
  final Map<Integer, List<Long>> abortedReads = new TreeMap<>();
  /** Every message ever handed to the network, in order (delivered or not). */
  final List<RaftMessage> sent = new ArrayList<>();
  final List<String> trace = new ArrayList<>();
  final ArrayDeque<RaftMessage> network = new ArrayDeque<>();
  final TreeSet<Integer> isolated = new TreeSet<>();
  final TreeSet<Integer> crashed = new TreeSet<>();
  Predicate<RaftMessage> dropIf = m -> false;
  /** While true, messages stay in {@link #network} instead of being delivered by {@link #drain()}. */
  boolean hold;
  private final Random random;
  private final Function<RaftConfig, RaftConfig> tweak;
  private final List<Integer> seed = new ArrayList<>();
  long time;

  InMemoryRaftCluster(int size) { this(size, c -> c); }

  InMemoryRaftCluster(int size, Function<RaftConfig, RaftConfig> tweak) {
    this(size, tweak, Map.of(), 42);
  }

  InMemoryRaftCluster(int size, Function<RaftConfig, RaftConfig> tweak, Map<Integer, PersistedState> initial, long seed) {
    random = new Random(seed);
    this.tweak = tweak;
    List<Integer> members = this.seed;
    for (int i = 1; i <= size; i++) members.add(i);
    for (int id : members) {
      configs.put(id, tweak.apply(RaftConfig.of(0, id, members)));
      storages.put(id, new MemoryStorage(initial.getOrDefault(id, PersistedState.EMPTY)));
      readies.put(id, new ArrayList<>());
      readStates.put(id, new ArrayList<>());
      abortedReads.put(id, new ArrayList<>());
      start(id);
    }
  }

  /**
   * Starts node {@code id} with empty storage, outside the seed configuration ({@link RaftConfig#joining}):
   * it waits to be added as a learner and learns the configuration from the leader.
   */
  void join(int id) {
    RaftConfig c = RaftConfig.joining(0, id, seed);
    RaftConfig t = tweak.apply(RaftConfig.of(0, seed.get(0), seed));
    configs.put(id, new RaftConfig(0, id, seed, t.electionTimeoutMinTicks(), t.electionTimeoutMaxTicks(),
        t.heartbeatTicks(), t.maxEntriesPerAppend(), t.maxBytesPerAppend(), t.maxInflightAppends(),
        t.snapshotChunkBytes(), t.maxInflightSnapshotChunks(), t.preVote(), t.checkQuorum(), t.unsafe(), c.joining()));
    storages.put(id, new MemoryStorage(PersistedState.EMPTY));
    readies.put(id, new ArrayList<>());
    readStates.put(id, new ArrayList<>());
    abortedReads.put(id, new ArrayList<>());
    start(id);
    processReady(id);
  }

  /** Proposes a membership change at {@code id}, then delivers the resulting traffic. */
  ProposeResult change(int id, MembershipChange change) {
    ProposeResult r = nodes.get(id).proposeMembershipChange(change);
    drain();
    return r;
  }

  private void start(int id) {
    PersistedState state = storages.get(id).load();
    machines.put(id, state.snapshot().lastIndex() > 0 ? decode(state.snapshotData()) : new ArrayList<>());
    RaftNode n = new RaftNode(configs.get(id), state, random::nextInt, trace::add);
    n.setTraceEnabled(Boolean.getBoolean("raft.trace"));
    nodes.put(id, n);
    drivers.put(id, driver(id, n, null));
  }

  /** The production driver for node {@code id}: inline flushes when {@code flusher} is null. */
  private ReadyDriver driver(int id, RaftNode n, ReadyDriver.Flusher flusher) {
    return new ReadyDriver(n, storages.get(id), m -> enqueue(List.of(m)), new ReadyDriver.Applier() {
      @Override
      public void apply(Ready rd) {
        List<String> sm = machines.get(id);
        if (rd.snapshotToApply() != null) {
          sm.clear();
          sm.addAll(decode(rd.snapshotToApply().data()));
        }
        for (LogEntry e : rd.committedEntries()) {
          if (e.kind() == EntryKind.COMMAND) sm.add(new String(e.data(), StandardCharsets.UTF_8));
        }
        readStates.get(id).addAll(rd.readStates());
        abortedReads.get(id).addAll(rd.abortedReads());
      }
    }, flusher, new ReadyDriver.Hooks() {
      @Override
      public void onReady(Ready rd) {
        readies.get(id).add(rd);
      }
    });
  }

  /** Flushes requested by nodes on a slow disk ({@link #slowDisk}), not yet completed. */
  final Map<Integer, RaftStorage.FlushBatch> heldFlushes = new TreeMap<>();

  /**
   * From now on node {@code id}'s flushes complete only at {@link #finishFlush} (a slow disk): the
   * same node, on a driver whose flusher holds the batch. Call between inputs (no flush in flight);
   * a restart gives the node a normal disk again.
   */
  void slowDisk(int id) {
    drivers.put(id, driver(id, nodes.get(id), batch -> heldFlushes.put(id, batch)));
  }

  /** Completes node {@code id}'s held flush: the batch becomes durable, the held messages leave. */
  void finishFlush(int id) {
    RaftStorage.FlushBatch b = heldFlushes.remove(id);
    if (b == null) throw new AssertionError("node " + id + " has no flush in flight");
    b.sync();
    drivers.get(id).onFlushed();
    drain();
  }

  RaftNode node(int id) { return nodes.get(id); }

  /** Handles every pending Ready of {@code id} with its {@link ReadyDriver}. */
  void processReady(int id) {
    nodes.get(id).setTime(time);
    drivers.get(id).pump();
  }

  private void enqueue(List<RaftMessage> msgs) {
    sent.addAll(msgs);
    network.addAll(msgs);
  }

  boolean droppedOnTheWay(RaftMessage m) {
    return isolated.contains(m.from()) || isolated.contains(m.to()) || crashed.contains(m.to()) || dropIf.test(m)
        || !nodes.containsKey(m.to()); // a server that was never started (e.g. a learner not yet joined)
  }

  /** Delivers one message; returns false when the network is empty. */
  boolean deliverOne() {
    RaftMessage m = network.pollFirst();
    if (m == null) return false;
    if (!droppedOnTheWay(m)) {
      nodes.get(m.to()).step(m);
      processReady(m.to());
    }
    return true;
  }

  /** Delivers messages until the network is quiet (unless held). */
  void drain() {
    for (int id : nodes.keySet()) if (!crashed.contains(id)) processReady(id);
    if (hold) return;
    int steps = 0;
    while (deliverOne()) {
      if (++steps > 1_000_000) throw new AssertionError("network never became quiet");
    }
  }

  /** One tick on the given nodes, then drain. */
  void tick(int... ids) {
    time++;
    for (int id : ids) {
      if (crashed.contains(id)) continue;
      nodes.get(id).tick();
      processReady(id);
    }
    drain();
  }

  void tickAll(int times) {
    int[] ids = nodes.keySet().stream().mapToInt(Integer::intValue).toArray();
    for (int i = 0; i < times; i++) tick(ids);
  }

  /** Ticks only {@code id} until it becomes leader; returns the ticks taken. */
  int electLeader(int id) {
    for (int t = 1; t <= 200; t++) {
      tick(id);
      if (nodes.get(id).role() == Role.LEADER) return t;
    }
    throw new AssertionError("node " + id + " did not become leader: " + nodes.get(id));
  }

  /** Ticks {@code ids} until one of them leads; returns it. */
  int electAmong(int... ids) {
    for (int t = 1; t <= 500; t++) {
      tick(ids);
      for (int id : ids) if (nodes.get(id).role() == Role.LEADER) return id;
    }
    throw new AssertionError("none of " + java.util.Arrays.toString(ids) + " became leader");
  }

  ProposeResult propose(int id, String command) {
    ProposeResult r = nodes.get(id).propose(command.getBytes(StandardCharsets.UTF_8));
    drain();
    return r;
  }

  /** Heartbeat rounds from all nodes until followers learn the commit index. */
  void settle() { tickAll(configs.get(1).heartbeatTicks() * 3); }

  void crash(int id) {
    crashed.add(id);
    heldFlushes.remove(id); // the flush in flight never completes
    storages.get(id).crash();
    network.removeIf(m -> m.to() == id);
  }

  void restart(int id) {
    crashed.remove(id);
    start(id);
    processReady(id);
  }

  /** The application at {@code id} snapshots its state at its applied index. */
  void takeSnapshot(int id) {
    RaftNode n = nodes.get(id);
    n.snapshotTaken(n.appliedIndex(), encode(machines.get(id)));
    processReady(id);
  }

  int leaderCount() {
    int c = 0;
    for (int id : nodes.keySet()) if (!crashed.contains(id) && nodes.get(id).role() == Role.LEADER) c++;
    return c;
  }

  <T extends RaftMessage> List<T> sentOf(Class<T> type, int from, int to) {
    List<T> out = new ArrayList<>();
    for (RaftMessage m : sent) {
      if (type.isInstance(m) && m.from() == from && m.to() == to) out.add(type.cast(m));
    }
    return out;
  }

  static byte[] encode(List<String> commands) {
    return String.join("\n", commands).getBytes(StandardCharsets.UTF_8);
  }

  static List<String> decode(byte[] data) {
    List<String> out = new ArrayList<>();
    if (data.length == 0) return out;
    for (String s : new String(data, StandardCharsets.UTF_8).split("\n", -1)) out.add(s);
    return out;
  }

  static List<LogEntry> log(RaftNode n) {
    List<LogEntry> out = new ArrayList<>();
    for (long i = n.snapshotMeta().lastIndex() + 1; i <= n.lastIndex(); i++) out.add(n.entry(i));
    return out;
  }
}

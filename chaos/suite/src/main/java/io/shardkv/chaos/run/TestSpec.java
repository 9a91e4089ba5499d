package io.shardkv.chaos.run;

import io.shardkv.chaos.history.Edn;
import io.shardkv.linearizability.format.EdnReader;
import io.shardkv.linearizability.format.Keyword;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything that defines a campaign, written to {@code test.edn}: with the same hosts, the same
 * spec reproduces the schedule of client ops and faults (the generators are pure functions of the
 * seed and of when processes become free).
 *
 * @param workload register, append or set
 * @param nemeses fault classes (empty: none)
 * @param nemesisInterval mean seconds between nemesis ops of one class
 * @param targets the host specs kill and pause choose from ({@code one minority majority leaders all})
 * @param timeLimit seconds of the main phase
 * @param concurrency client threads
 * @param rate client ops per second in total (0: as fast as the clients go)
 * @param keyCount keys worked on at once
 * @param opsPerKey ops per key before a fresh key
 * @param seed the seed of every random choice of the generators and nemeses
 * @param quiet seconds of the quiet period between healing and the final reads
 * @param opTimeout seconds a client op may take (retries included) before it is :info (or :fail)
 * @param testbed what ran it: {@code local}, {@code lab} or {@code nodes}
 * @param nodes the hosts
 * @param unsafeDisableDedup TEST-ONLY: servers ran with duplicate detection off (must come out invalid)
 * @param unsafe TEST-ONLY: the planted bugs (short names, e.g. {@code stale-reads}) the servers ran with
 *     ({@code chaos mutants}); empty for every ordinary run
 * @param trace the servers ran with {@code trace = true} ({@code --trace}): their logs carry the trace lines
 *     an invalid run's counterexample links to
 * @param homeClients the clients were home-bound ({@code --home-clients}; {@code :clients :home} in test.edn):
 *     each session sends every key operation first to its home host's server, the homes dealt round-robin
 *     over the hosts ({@link io.shardkv.chaos.client.KvSessions}); false: every client follows the leader
 */
public record TestSpec(String workload, List<String> nemeses, double nemesisInterval, List<String> targets, double timeLimit,
    int concurrency, double rate, int keyCount, int opsPerKey, long seed, double quiet, double opTimeout,
    String testbed, List<String> nodes, boolean unsafeDisableDedup, List<String> unsafe, boolean trace, boolean homeClients) {

  /** A spec whose clients follow the leader. */
  public TestSpec(String workload, List<String> nemeses, double nemesisInterval, List<String> targets, double timeLimit,
      int concurrency, double rate, int keyCount, int opsPerKey, long seed, double quiet, double opTimeout,
      String testbed, List<String> nodes, boolean unsafeDisableDedup, List<String> unsafe, boolean trace) {
    this(workload, nemeses, nemesisInterval, targets, timeLimit, concurrency, rate, keyCount, opsPerKey, seed, quiet, opTimeout,
        testbed, nodes, unsafeDisableDedup, unsafe, trace, false);
  }

  /** A spec of servers run without trace lines. */
  public TestSpec(String workload, List<String> nemeses, double nemesisInterval, List<String> targets, double timeLimit,
      int concurrency, double rate, int keyCount, int opsPerKey, long seed, double quiet, double opTimeout,
      String testbed, List<String> nodes, boolean unsafeDisableDedup, List<String> unsafe) {
    this(workload, nemeses, nemesisInterval, targets, timeLimit, concurrency, rate, keyCount, opsPerKey, seed, quiet, opTimeout,
        testbed, nodes, unsafeDisableDedup, unsafe, false);
  }

  /** A spec without planted bugs (every run but {@code chaos mutants}'). */
  public TestSpec(String workload, List<String> nemeses, double nemesisInterval, List<String> targets, double timeLimit,
      int concurrency, double rate, int keyCount, int opsPerKey, long seed, double quiet, double opTimeout,
      String testbed, List<String> nodes, boolean unsafeDisableDedup) {
    this(workload, nemeses, nemesisInterval, targets, timeLimit, concurrency, rate, keyCount, opsPerKey, seed, quiet, opTimeout,
        testbed, nodes, unsafeDisableDedup, List.of());
  }

  public TestSpec {
    unsafe = List.copyOf(unsafe);
    nemeses = List.copyOf(nemeses);
    targets = List.copyOf(targets);
    nodes = List.copyOf(nodes);
  }

  /** The test's name in the store: {@code <workload>-<nemeses...>} (or {@code -none}). */
  public String name() {
    return workload + "-" + (nemeses.isEmpty() ? "none" : String.join("-", nemeses))
        + (unsafeDisableDedup ? "-nodedup" : "") + (unsafe.isEmpty() ? "" : "-unsafe-" + String.join("-", unsafe));
  }

  public TestSpec withSeed(long s) {
    return new TestSpec(workload, nemeses, nemesisInterval, targets, timeLimit, concurrency, rate, keyCount, opsPerKey, s,
        quiet, opTimeout, testbed, nodes, unsafeDisableDedup, unsafe, trace, homeClients);
  }

  public TestSpec withNodes(List<String> n) {
    return new TestSpec(workload, nemeses, nemesisInterval, targets, timeLimit, concurrency, rate, keyCount, opsPerKey, seed,
        quiet, opTimeout, testbed, n, unsafeDisableDedup, unsafe, trace, homeClients);
  }

  /** This spec with the servers' {@code trace} setting {@code t} ({@code --trace}). */
  public TestSpec withTrace(boolean t) {
    return new TestSpec(workload, nemeses, nemesisInterval, targets, timeLimit, concurrency, rate, keyCount, opsPerKey, seed,
        quiet, opTimeout, testbed, nodes, unsafeDisableDedup, unsafe, t, homeClients);
  }

  /** This spec with home-bound clients ({@code h}) or clients that follow the leader. */
  public TestSpec withHomeClients(boolean h) {
    return new TestSpec(workload, nemeses, nemesisInterval, targets, timeLimit, concurrency, rate, keyCount, opsPerKey, seed,
        quiet, opTimeout, testbed, nodes, unsafeDisableDedup, unsafe, trace, h);
  }

  public Map<Object, Object> toEdn() {
    List<Object> ns = new ArrayList<>();
    nemeses.forEach(n -> ns.add(Edn.kw(n)));
    List<Object> ts = new ArrayList<>();
    targets.forEach(t -> ts.add(Edn.kw(t)));
    Map<Object, Object> m = Edn.map("name", name(), "workload", Edn.kw(workload), "nemesis", ns, "nemesis-interval", nemesisInterval,
        "nemesis-targets", ts,
        "time-limit", timeLimit, "concurrency", concurrency, "rate", rate, "key-count", keyCount,
        "ops-per-key", opsPerKey, "seed", seed, "quiet", quiet, "op-timeout", opTimeout,
        "testbed", Edn.kw(testbed), "nodes", nodes, "unsafe-disable-dedup", unsafeDisableDedup, "trace", trace);
    if (homeClients) {
      m.put(Edn.kw("clients"), Edn.kw("home")); // only when set: earlier runs' test.edn stay as they were
    }
    if (!unsafe.isEmpty()) {
      List<Object> us = new ArrayList<>();
      unsafe.forEach(u -> us.add(Edn.kw(u)));
      m.put(Edn.kw("unsafe"), us);
    }
    return m;
  }

  /** Reads a {@code test.edn} back (what {@code chaos check DIR} needs: the workload). */
  public static TestSpec fromEdn(String text) {
    Object v = new EdnReader(text, 1).read();
    if (!(v instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException("test.edn is not an EDN map");
    }
    List<String> nem = new ArrayList<>();
    if (m.get(Keyword.of("nemesis")) instanceof List<?> l) {
      l.forEach(x -> nem.add(name(x)));
    }
    List<String> targets = new ArrayList<>(io.shardkv.chaos.nemesis.Targets.SPECS);
    if (m.get(Keyword.of("nemesis-targets")) instanceof List<?> l) {
      targets.clear();
      l.forEach(x -> targets.add(name(x)));
    }
    List<String> nodes = new ArrayList<>();
    if (m.get(Keyword.of("nodes")) instanceof List<?> l) {
      l.forEach(x -> nodes.add(String.valueOf(x)));
    }
    return new TestSpec(name(m.get(Keyword.of("workload"))), nem, dbl(m, "nemesis-interval", 10), targets, dbl(m, "time-limit", 60),
        (int) dbl(m, "concurrency", 10), dbl(m, "rate", 100), (int) dbl(m, "key-count", 5),
        (int) dbl(m, "ops-per-key", 200), (long) dbl(m, "seed", 0), dbl(m, "quiet", 5), dbl(m, "op-timeout", 5),
        m.get(Keyword.of("testbed")) == null ? "nodes" : name(m.get(Keyword.of("testbed"))), nodes,
        Boolean.TRUE.equals(m.get(Keyword.of("unsafe-disable-dedup"))), unsafe(m),
        Boolean.TRUE.equals(m.get(Keyword.of("trace"))), "home".equals(name(m.get(Keyword.of("clients")))));
  }

  private static List<String> unsafe(Map<?, ?> m) {
    List<String> u = new ArrayList<>();
    if (m.get(Keyword.of("unsafe")) instanceof List<?> l) {
      l.forEach(x -> u.add(name(x)));
    }
    return u;
  }

  private static String name(Object v) {
    return v instanceof Keyword k ? k.name() : String.valueOf(v);
  }

  private static double dbl(Map<?, ?> m, String k, double dflt) {
    return m.get(Keyword.of(k)) instanceof Number n ? n.doubleValue() : dflt;
  }
}

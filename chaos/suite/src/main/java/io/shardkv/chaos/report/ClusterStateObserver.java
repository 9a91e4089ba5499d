package io.shardkv.chaos.report;

import io.shardkv.chaos.history.Edn;
import io.shardkv.chaos.history.Op;
import io.shardkv.chaos.nemesis.ClusterStatus;
import io.shardkv.chaos.nemesis.ClusterStatus.Replica;
import io.shardkv.chaos.nemesis.Nemesis;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Watches which states the cluster goes through while faults strike, for the report's fault
 * coverage: it wraps the campaign's nemesis, polls every server's admin {@code /status} (the same
 * {@link ClusterStatus} the state-triggered nemesis uses) every {@value #POLL_MILLIS} ms from the
 * nemesis's setup to its teardown, and records what it saw as an extra key on each nemesis
 * completion:
 *
 * <pre>{:type :info, :f :stop-partition, ..., :cluster-states [{:state :election, :from 5012345678, :to 5262345678, :hosts ["n2"]} ...], :process :nemesis, ...}</pre>
 *
 * <p>— the intervals (history time, nanoseconds) during which each state was seen since the previous
 * nemesis completion. States ({@link #STATES}): {@code :election} (a server is a (pre-)candidate, or
 * a server's term rose since the last poll), {@code :migration} (a shard is being pulled in or
 * waits for its new owner: {@code P}/{@code B} in the state string), {@code :snapshot} (a leader
 * ships its snapshot, or a server's count of installed snapshots rose), {@code :config-change} (the
 * config center's newest configuration number rose, or a shard group's leader is still behind it).
 * The history's time base is learned from the nemesis ops themselves (each arrives with its
 * invocation {@code :time} the moment the interpreter journals it). Observation never fails a run: a
 * poll that fails is skipped.
 */
public final class ClusterStateObserver implements Nemesis {
  /** The cluster states of the coverage matrix, in column order. */
  public static final List<String> STATES = List.of("election", "migration", "snapshot", "config-change");
  static final long POLL_MILLIS = 250;
  private static final Pattern CONFIG = Pattern.compile("config=(\\d+)");

  private final Nemesis inner;
  private final ClusterStatus status;
  private final Object lock = new Object();
  /** Closed intervals not yet attached, and the open one per state: {from, to} in System.nanoTime. */
  private final List<Object[]> closed = new ArrayList<>();
  private final Map<String, long[]> open = new TreeMap<>();
  private final Map<String, Set<String>> openHosts = new TreeMap<>();
  private volatile long offset = Long.MAX_VALUE; // nanoTime - history time
  private volatile boolean running;
  private Thread thread;

  private ClusterStateObserver(Nemesis inner, ClusterStatus status) {
    this.inner = inner;
    this.status = status;
  }

  /** {@code inner}, observed; a nemesis without faults is returned as it is (nothing to cover). */
  public static Nemesis observing(Nemesis inner, ClusterStatus status) {
    return inner.fs().isEmpty() ? inner : new ClusterStateObserver(inner, status);
  }

  @Override
  public Set<String> fs() {
    return inner.fs();
  }

  @Override
  public void setup() {
    inner.setup();
    running = true;
    thread = new Thread(this::watch, "chaos-observer");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public Op invoke(Op op) {
    offset = Math.min(offset, System.nanoTime() - op.time());
    Op done = inner.invoke(op);
    List<Object> seen = drain(System.nanoTime());
    return seen.isEmpty() ? done : done.with("cluster-states", seen);
  }

  @Override
  public void teardown() {
    running = false;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    inner.teardown();
  }

  private void watch() {
    Map<String, Replica> previous = Map.of();
    long previousAt = System.nanoTime();
    while (running) {
      try {
        List<Replica> now = status.poll();
        long at = System.nanoTime();
        Map<String, Replica> byReplica = byReplica(now);
        if (!previous.isEmpty()) {
          record(states(previous, now), previousAt, at);
        }
        previous = byReplica;
        previousAt = at;
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // a failed poll is a gap in the observations, never a failure of the run
      }
    }
  }

  /**
   * The replicas of a poll by {@link #key}: host, group and node, since a server hosting several
   * groups has one replica per group, all with its id as their node id.
   */
  static Map<String, Replica> byReplica(List<Replica> rs) {
    Map<String, Replica> m = new HashMap<>();
    rs.forEach(r -> m.put(key(r), r));
    return m;
  }

  static String key(Replica r) {
    return r.host() + "/g" + r.group() + "/n" + r.node();
  }

  /**
   * The states seen in one poll ({@code now}) given the previous one, with the hosts involved; a state
   * known only from a counter that rose is marked with the pseudo-host {@code "~"} (it happened
   * since the previous poll).
   */
  static Map<String, Set<String>> states(Map<String, Replica> previous, List<Replica> now) {
    Map<String, Set<String>> s = new LinkedHashMap<>();
    long centerNow = centerConfig(now);
    long centerBefore = centerConfig(previous.values());
    for (Replica r : now) {
      Replica before = previous.get(key(r));
      if (r.campaigning()) {
        add(s, "election", r.host());
      } else if (before != null && num(r, "term") > num(before, "term")) {
        add(s, "election", "~" + r.host());
      }
      if (r.migrating()) {
        add(s, "migration", r.host());
      }
      for (int peer : r.snapshotPeers()) {
        String h = ClusterStatus.hostOf(now, peer);
        add(s, "snapshot", h == null ? r.host() : h);
      }
      if (before != null && num(r, "snapshots_installed") > num(before, "snapshots_installed")) {
        add(s, "snapshot", "~" + r.host());
      }
      // the config center's newest configuration rose (a restarted replica replaying its log does
      // not count: the maximum over the center's replicas only rises with a new configuration)
      if (r.group() == 0 && centerBefore >= 0 && config(r) > centerBefore && config(r) == centerNow) {
        add(s, "config-change", "~" + r.host());
      } else if (r.group() != 0 && r.leader() && centerNow >= 0 && config(r) >= 0 && config(r) < centerNow) {
        add(s, "config-change", r.host()); // a shard group still moving to the newest configuration
      }
    }
    return s;
  }

  private static long centerConfig(java.util.Collection<Replica> rs) {
    long max = -1;
    for (Replica r : rs) {
      if (r.group() == 0) {
        max = Math.max(max, config(r));
      }
    }
    return max;
  }

  private static void add(Map<String, Set<String>> s, String state, String host) {
    s.computeIfAbsent(state, k -> new TreeSet<>()).add(host);
  }

  private static long num(Replica r, String k) {
    return r.json().get(k) instanceof Number n ? n.longValue() : -1;
  }

  static long config(Replica r) {
    Matcher m = CONFIG.matcher(r.state());
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  /** Extends or opens each seen state's interval; closes the others. */
  private void record(Map<String, Set<String>> seen, long previousAt, long at) {
    synchronized (lock) {
      for (String st : STATES) {
        Set<String> hosts = seen.get(st);
        long[] iv = open.get(st);
        if (hosts == null) {
          if (iv != null) {
            closed.add(new Object[] {st, iv, openHosts.remove(st)});
            open.remove(st);
          }
          continue;
        }
        boolean sinceLast = hosts.stream().allMatch(h -> h.startsWith("~"));
        long from = sinceLast ? previousAt : at;
        if (iv == null) {
          open.put(st, new long[] {from, at});
          openHosts.put(st, new TreeSet<>());
        } else {
          iv[0] = iv[1] < iv[0] ? Math.max(iv[0], from) : iv[0];
          iv[1] = at;
        }
        hosts.forEach(h -> openHosts.get(st).add(h.replace("~", "")));
      }
    }
  }

  /** The intervals seen since the last drain, in history time; open ones are cut at {@code at} and go on. */
  private List<Object> drain(long at) {
    long off = offset;
    List<Object> out = new ArrayList<>();
    synchronized (lock) {
      for (Object[] c : closed) {
        if (((long[]) c[1])[1] >= ((long[]) c[1])[0]) {
          out.add(interval((String) c[0], (long[]) c[1], (Set<?>) c[2], off));
        }
      }
      closed.clear();
      for (Map.Entry<String, long[]> e : open.entrySet()) {
        long[] iv = e.getValue();
        if (iv[1] >= iv[0]) {
          out.add(interval(e.getKey(), iv, openHosts.get(e.getKey()), off));
        }
        iv[0] = at; // goes on from here; empty until the next poll sees it again
        iv[1] = at - 1;
        openHosts.put(e.getKey(), new TreeSet<>());
      }
    }
    return out;
  }

  private static Object interval(String state, long[] iv, Set<?> hosts, long off) {
    return Edn.map("state", Edn.kw(state), "from", Math.max(0, iv[0] - off), "to", Math.max(0, iv[1] - off),
        "hosts", new ArrayList<>(hosts));
  }
}

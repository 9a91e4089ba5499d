package io.shardkv.harness;

import io.shardkv.driver.client.ClientOptions;
import io.shardkv.driver.client.Connections;
import io.shardkv.driver.client.KvException;
import io.shardkv.driver.client.ShardKvClient;
import io.shardkv.linearizability.CheckOptions;
import io.shardkv.linearizability.CheckResult;
import io.shardkv.linearizability.Checker;
import io.shardkv.linearizability.History;
import io.shardkv.linearizability.Status;
import io.shardkv.linearizability.format.JepsenEdnWriter;
import io.shardkv.linearizability.html.HtmlReport;
import io.shardkv.linearizability.models.KvModel;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A Jepsen-style run against a {@link LocalCluster} of real processes: concurrent clients doing
 * get/put/append/cas/delete on a few keys (recorded as a history, {@code :info} for indefinite
 * outcomes, a fresh process id after each), plus unique-key puts whose acknowledged ones are kept
 * for the durability read-back; meanwhile a nemesis kill -9s and restarts a node and makes a group
 * leave and join again. {@link #check} runs the linearizability checker (kv model).
 * Used by {@code shardkv demo} and by the end-to-end tests.
 */
public final class ChaosRun {
  /** What happened: the history, op counts and the acknowledged unique writes. */
  public record Outcome(History history, long ok, long fail, long info, Map<String, String> acked, List<String> events) {}

  private final LocalCluster cluster;
  private final Consumer<String> log;
  private final List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
  private final History.Builder history = new History.Builder();
  private final AtomicLong ok = new AtomicLong(), fail = new AtomicLong(), info = new AtomicLong();
  private final Map<String, String> acked = new ConcurrentHashMap<>();

  public ChaosRun(LocalCluster cluster, Consumer<String> log) {
    this.cluster = cluster;
    this.log = log;
  }

  private void event(String s) {
    events.add(s);
    log.accept(s);
  }

  /**
   * Runs {@code clients} client threads for {@code duration} while the nemesis acts: at 15% of
   * the run kill -9 the leader of the first shard group, restart it at 35%; at 50% the last group
   * leaves, at 75% it joins again.
   */
  public Outcome run(int clients, Duration duration, int keys, long seed) throws InterruptedException {
    AtomicBoolean stop = new AtomicBoolean();
    Connections shared = new Connections(Duration.ofMillis(500));
    ClientOptions opts = ClientOptions.defaults().withCallTimeout(Duration.ofSeconds(4)).withAttemptTimeout(Duration.ofMillis(800));
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < clients; t++) {
      final int tid = t;
      Thread th = new Thread(() -> clientLoop(tid, shared, opts, keys, seed, stop), "chaos-client-" + t);
      threads.add(th);
      th.start();
    }
    Thread writer = new Thread(() -> uniqueWriter(shared, opts, stop), "chaos-unique-writer");
    writer.start();
    long ms = duration.toMillis();
    long start = System.nanoTime();
    List<Integer> groups = cluster.config().shardGroups();
    int victimGroup = groups.get(0);
    int movingGroup = groups.get(groups.size() - 1);
    try (ShardKvClient admin = ShardKvClient.connect(cluster.configCenterAddresses(), ClientOptions.defaults(), shared)) {
      sleepUntil(start, ms * 15 / 100);
      Integer victim = cluster.leaders(admin).getOrDefault(victimGroup, cluster.config().members(victimGroup).get(0));
      event("nemesis: kill -9 node " + victim + " (leader of group " + victimGroup + ")");
      cluster.kill(victim);
      sleepUntil(start, ms * 35 / 100);
      try {
        cluster.start(victim);
        event("nemesis: restarted node " + victim);
      } catch (IOException e) {
        event("nemesis: could not restart node " + victim + ": " + e.getMessage());
      }
      if (groups.size() > 1) {
        sleepUntil(start, ms * 50 / 100);
        try {
          admin.leave(List.of(movingGroup));
          event("nemesis: group " + movingGroup + " left");
        } catch (KvException e) {
          event("nemesis: leave of group " + movingGroup + " failed: " + e.getMessage());
        }
        sleepUntil(start, ms * 75 / 100);
        try {
          admin.join(Map.of(movingGroup, cluster.config().addresses(movingGroup)));
          event("nemesis: group " + movingGroup + " joined again");
        } catch (KvException e) {
          event("nemesis: join of group " + movingGroup + " failed: " + e.getMessage());
        }
      }
      sleepUntil(start, ms);
    } finally {
      stop.set(true);
      for (Thread th : threads) th.join();
      writer.join();
      shared.close();
    }
    History h;
    synchronized (history) {
      h = history.build();
    }
    return new Outcome(h, ok.get(), fail.get(), info.get(), Map.copyOf(acked), List.copyOf(events));
  }

  private static void sleepUntil(long start, long offsetMs) throws InterruptedException {
    long left = offsetMs - (System.nanoTime() - start) / 1_000_000;
    if (left > 0) Thread.sleep(left);
  }

  private void clientLoop(int tid, Connections shared, ClientOptions opts, int keys, long seed, AtomicBoolean stop) {
    SplittableRandom rnd = new SplittableRandom(seed * 31 + tid);
    long process = tid;
    int incarnation = 0;
    ShardKvClient client = ShardKvClient.connect(cluster.configCenterAddresses(), opts, shared);
    int n = 0;
    while (!stop.get()) {
      String key = "k" + rnd.nextInt(keys);
      int r = rnd.nextInt(100);
      String f;
      Object input;
      if (r < 40) { f = "get"; input = null; }
      else if (r < 60) { f = "put"; input = tid + "." + n; }
      else if (r < 80) { f = "append"; input = "," + tid + "." + n; }
      else if (r < 95) { f = "cas"; input = Arrays.asList(rnd.nextBoolean() ? null : "x", tid + "." + n); }
      else { f = "delete"; input = null; }
      n++;
      synchronized (history) {
        history.invoke(process, key, f, input, 0);
      }
      Status status;
      Object output = null;
      try {
        switch (f) {
          case "get" -> output = client.get(key).orElse(null);
          case "put" -> client.put(key, (String) input);
          case "append" -> client.append(key, (String) input);
          case "cas" -> {
            List<?> l = (List<?>) input;
            if (!client.cas(key, (String) l.get(0), (String) l.get(1))) throw new CasMismatch();
          }
          default -> client.delete(key);
        }
        status = Status.OK;
      } catch (CasMismatch e) {
        status = Status.FAIL;
      } catch (KvException e) {
        status = e.definite() ? Status.FAIL : Status.INFO;
      }
      synchronized (history) {
        history.complete(process, status, f, output, 0);
      }
      (status == Status.OK ? ok : status == Status.FAIL ? fail : info).incrementAndGet();
      if (status == Status.INFO) {
        // Jepsen: the indefinite op may still take effect; continue as a new process with a new session.
        incarnation++;
        process = tid + 1000L * incarnation;
        client.close();
        client = ShardKvClient.connect(cluster.configCenterAddresses(), opts, shared);
      }
    }
    client.close();
  }

  private static final class CasMismatch extends Exception {
    CasMismatch() {
      super(null, null, false, false);
    }
  }

  private void uniqueWriter(Connections shared, ClientOptions opts, AtomicBoolean stop) {
    try (ShardKvClient client = ShardKvClient.connect(cluster.configCenterAddresses(), opts, shared)) {
      for (int i = 0; !stop.get(); i++) {
        String key = "durable-" + i;
        String value = "v" + i;
        try {
          client.put(key, value);
          acked.put(key, value);
        } catch (KvException e) {
          // not acknowledged: nothing to read back
        }
      }
    }
  }

  /** Checks {@code h} with the kv model. */
  public static CheckResult check(History h, Duration timeout) {
    return Checker.check(new KvModel(), h, CheckOptions.defaults().withTimeout(timeout));
  }

  /** Writes the history (Jepsen EDN, {@code :key} per op) and the HTML report into {@code dir}. */
  public static Path[] write(Path dir, History h, CheckResult result) throws IOException {
    Files.createDirectories(dir);
    Path edn = dir.resolve("history.edn");
    try (Writer w = Files.newBufferedWriter(edn, StandardCharsets.UTF_8)) {
      JepsenEdnWriter.write(h, w, false);
    }
    Path html = dir.resolve("history.html");
    HtmlReport.write(html, "ShardKV real-cluster run", new KvModel(), result);
    return new Path[] {edn, html};
  }

  /** Reads every acknowledged unique write back; returns the keys whose value differs. */
  public static List<String> readBack(LocalCluster cluster, Map<String, String> acked) {
    List<String> wrong = new ArrayList<>();
    try (ShardKvClient c = ShardKvClient.connect(cluster.configCenterAddresses(), ClientOptions.defaults().withCallTimeout(Duration.ofSeconds(20)))) {
      for (Map.Entry<String, String> e : new java.util.TreeMap<>(acked).entrySet()) {
        try {
          Optional<String> v = c.get(e.getKey());
          if (!v.equals(Optional.of(e.getValue()))) wrong.add(e.getKey() + " read " + v.orElse("<absent>") + " expected " + e.getValue());
        } catch (KvException ex) {
          wrong.add(e.getKey() + " unreadable: " + ex.getMessage());
        }
      }
    }
    return wrong;
  }
}

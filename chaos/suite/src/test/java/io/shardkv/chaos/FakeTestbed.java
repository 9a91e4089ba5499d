package io.shardkv.chaos;

import io.shardkv.chaos.clock.Clocks;
import io.shardkv.chaos.control.Host;
import io.shardkv.chaos.db.Db;
import io.shardkv.chaos.net.Net;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** A testbed that only records what was asked of it (for nemesis tests): calls as strings, in order. */
public class FakeTestbed implements Testbed {
  public final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  public final List<Map<String, Set<String>>> grudges = Collections.synchronizedList(new ArrayList<>());
  public final Map<String, Long> offsets = Collections.synchronizedMap(new TreeMap<>());
  public final Map<String, List<String>> admin = new LinkedHashMap<>();
  private final List<String> nodes;

  public FakeTestbed(List<String> nodes) {
    this.nodes = List.copyOf(nodes);
    nodes.forEach(n -> offsets.put(n, 0L));
    nodes.forEach(n -> admin.put(n, new ArrayList<>()));
  }

  /** The calls of one kind ({@code kill}, {@code drop}, ...), their argument only. */
  public List<String> calls(String kind) {
    synchronized (calls) {
      return calls.stream().filter(c -> c.startsWith(kind + " ")).map(c -> c.substring(kind.length() + 1)).sorted().toList();
    }
  }

  @Override
  public List<Host> hosts() {
    return nodes.stream().map(n -> new Host(n, "10.0.0." + n.substring(1), 22, "root", null)).toList();
  }

  @Override
  public Db db() {
    return new Db() {
      @Override public List<String> nodes() { return nodes; }
      @Override public void setup() { calls.add("setup all"); }
      @Override public void teardown() { calls.add("teardown all"); }
      @Override public List<String> clusterAddresses() { return List.of("127.0.0.1:1"); }
      @Override public Map<String, List<String>> adminAddresses() { return admin; }
      @Override public void kill(String node) { calls.add("kill " + node); }
      @Override public void start(String node) { calls.add("start " + node); }
      @Override public void pause(String node) { calls.add("pause " + node); }
      @Override public void resume(String node) { calls.add("resume " + node); }
      @Override public void collectLogs(Path dir) { calls.add("collect " + dir); }
      @Override public String losePower(String node) { calls.add("lose-power " + node); return "lost 0 byte(s)"; }
      @Override public String slowDisk(String node, long ms) { calls.add("slow " + node + " " + ms); return "fsync delay " + ms + " ms"; }
    };
  }

  @Override
  public Net net() {
    return new Net() {
      @Override
      public void drop(Map<String, Set<String>> grudge) {
        grudges.add(grudge);
        calls.add("drop " + grudge);
      }

      @Override
      public void heal() {
        calls.add("heal all");
      }
    };
  }

  @Override
  public Clocks clocks() {
    return new Clocks() {
      @Override
      public void bump(String node, long deltaMs) {
        calls.add("bump " + node + " " + deltaMs);
        offsets.merge(node, deltaMs, Long::sum);
      }

      @Override
      public void strobe(String node, long deltaMs, long periodMs, long durationMs) {
        calls.add("strobe " + node + " " + deltaMs + " " + periodMs + " " + durationMs);
      }

      @Override
      public void reset(Collection<String> ns) {
        calls.add("reset " + new java.util.TreeSet<>(ns));
        ns.forEach(n -> offsets.put(n, 0L));
      }

      @Override
      public Map<String, Long> offsets() {
        return new TreeMap<>(offsets);
      }
    };
  }

  @Override
  public void close() {
    calls.add("close all");
  }
}

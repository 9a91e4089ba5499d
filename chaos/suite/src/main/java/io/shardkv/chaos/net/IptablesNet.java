package io.shardkv.chaos.net;

import io.shardkv.chaos.ChaosException;
import io.shardkv.chaos.control.Parallel;
import io.shardkv.chaos.control.Remote;
import io.shardkv.chaos.control.Shell;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Partitions exactly as Jepsen's {@code net/iptables}: on each receiving host, one
 * {@code iptables -A INPUT -s SRC[,SRC...] -j DROP -w} (DROP, not REJECT: the sender sees silence);
 * heal is {@code iptables -F -w} on every host. Only hosts of the cluster are ever named, so the
 * control node is never cut off. The hosts are assumed to be ours: heal flushes every rule of
 * their filter table.
 */
public final class IptablesNet implements Net {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private final Map<String, Remote> remotes;
  private final Map<String, String> addresses;

  /** @param remotes the hosts by name; each host's address is what its peers send from */
  public IptablesNet(Map<String, Remote> remotes) {
    this.remotes = new LinkedHashMap<>(remotes);
    this.addresses = new LinkedHashMap<>();
    remotes.forEach((n, r) -> addresses.put(n, r.host().address()));
  }

  @Override
  public void drop(Map<String, Set<String>> grudge) {
    Map<String, String> commands = new LinkedHashMap<>();
    grudge.forEach((dest, sources) -> {
      check(dest);
      sources.forEach(this::check);
      if (sources.contains(dest)) throw new IllegalArgumentException("grudge: host " + dest + " cannot drop itself");
      if (sources.isEmpty()) return;
      String src = new TreeSet<>(sources).stream().map(addresses::get).collect(Collectors.joining(","));
      commands.put(dest, "iptables -A INPUT -s " + Shell.quote(src) + " -j DROP -w");
    });
    Parallel.forEach(commands.keySet(), dest -> run(dest, commands.get(dest)));
  }

  @Override
  public void heal() {
    Parallel.forEach(remotes.keySet(), n -> run(n, "iptables -F -w"));
  }

  /** The sources host {@code node} drops now (for checks and reports): addresses in its INPUT chain. */
  public List<String> dropped(String node) {
    check(node);
    String out = remotes.get(node).execOk("iptables -S INPUT -w", TIMEOUT);
    return out.lines().filter(l -> l.startsWith("-A INPUT -s ") && l.endsWith("-j DROP"))
        .map(l -> l.substring("-A INPUT -s ".length()).split("\\s+")[0].replaceFirst("/32$", "")).toList();
  }

  private void check(String node) {
    if (!remotes.containsKey(node)) throw new IllegalArgumentException("grudge names '" + node + "', not a host (hosts: " + remotes.keySet() + ")");
  }

  private void run(String node, String command) {
    Remote r = remotes.get(node);
    Remote.Result res = r.exec(command, TIMEOUT);
    if (res.ok()) return;
    if (res.exitStatus() == 127 || res.stderr().contains("not found")) {
      throw new ChaosException("host " + node + " has no iptables; install it (apt-get install iptables)");
    }
    throw new ChaosException("host " + node + ": '" + command + "' failed (exit " + res.exitStatus() + "): " + res.stderr().strip());
  }
}

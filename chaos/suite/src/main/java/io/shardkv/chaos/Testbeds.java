package io.shardkv.chaos;

import io.shardkv.chaos.clock.ClockMode;
import io.shardkv.chaos.clock.Clocks;
import io.shardkv.chaos.clock.FakeClocks;
import io.shardkv.chaos.clock.RealClocks;
import io.shardkv.chaos.control.Host;
import io.shardkv.chaos.control.Kernel;
import io.shardkv.chaos.control.Parallel;
import io.shardkv.chaos.control.Remote;
import io.shardkv.chaos.control.SshRemote;
import io.shardkv.chaos.db.Db;
import io.shardkv.chaos.db.ServerDistribution;
import io.shardkv.chaos.db.ShardKvDb;
import io.shardkv.chaos.db.Topology;
import io.shardkv.chaos.lab.Lab;
import io.shardkv.chaos.net.IptablesNet;
import io.shardkv.chaos.net.Net;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Builds {@link Testbed}s: from a host list ({@code --nodes}, {@code --nodes-file}, see
 * {@link io.shardkv.chaos.control.HostList}) or from the lab on this machine. Opening one connects
 * to every host over SSH (errors now, not mid-run), picks the clocks, and places the servers; the
 * database is not touched until {@code db().setup()}.
 */
public final class Testbeds {
  private Testbeds() {}

  /** A testbed over the given hosts. ShardKV's home on each host is {@code remoteRoot/NAME}. */
  public static Testbed open(List<Host> hosts, TestbedOptions options) {
    Path knownHosts = options.runDir().resolve("known_hosts");
    return build(hosts, options, knownHosts, node -> options.remoteRoot() + "/" + node,
        node -> options.remoteRoot() + "/" + node + "/faketime");
  }

  /**
   * A testbed over the lab in {@code labDir} with {@code hosts} hosts: brings the lab up first if
   * it is not (or repairs it); the lab stays up afterwards ({@code shardkv lab down} removes it).
   * Lab hosts share this machine's kernel, so their clocks are always fake. The run-local
   * known_hosts starts with the lab's host keys.
   */
  public static Testbed lab(Path labDir, int hosts, TestbedOptions options, Consumer<String> out) {
    Lab.Info info = Lab.at(labDir).up(hosts, out);
    Path knownHosts = options.runDir().resolve("known_hosts");
    try {
      Files.createDirectories(options.runDir());
      if (!Files.exists(knownHosts)) Files.copy(info.knownHosts(), knownHosts);
    } catch (IOException e) {
      throw new ChaosException("cannot write " + knownHosts + ": " + e.getMessage(), e);
    }
    return build(info.hosts(), options.withClocks(ClockMode.FAKE), knownHosts,
        node -> info.shardkvHome(node).toString(), node -> info.clockFile(node).toString());
  }

  private record Bed(List<Host> hosts, Db db, Net net, Clocks clocks, Map<String, Remote> remotes) implements Testbed {
    @Override
    public void close() {
      remotes.values().forEach(Remote::close);
    }
  }

  private static Testbed build(List<Host> hosts, TestbedOptions o, Path knownHosts, Function<String, String> homeOf,
      Function<String, String> clockFileOf) {
    Topology topology = Topology.place(hosts, o.shape(), o.settings()); // bad shapes fail before any connection
    SshRemote.Settings ssh = SshRemote.Settings.defaults(knownHosts);
    Map<String, Remote> remotes = new LinkedHashMap<>();
    List<RuntimeException> failures = new java.util.ArrayList<>();
    Parallel.map(hosts, h -> {
      try {
        return (Object) SshRemote.connect(h, ssh);
      } catch (RuntimeException e) {
        return e;
      }
    }).forEach((h, r) -> {
      if (r instanceof SshRemote remote) remotes.put(h.name(), remote);
      else failures.add((RuntimeException) r);
    });
    if (!failures.isEmpty()) {
      remotes.values().forEach(Remote::close);
      if (failures.size() == 1) throw failures.get(0);
      throw new ChaosException(failures.size() + " hosts cannot be reached: "
          + String.join("; ", failures.stream().map(Throwable::getMessage).toList()), failures.get(0));
    }
    try {
      ClockMode mode = o.clocks();
      if (mode == ClockMode.AUTO) {
        String local = Kernel.localBootId();
        boolean shared = Parallel.map(remotes.keySet(), n -> Kernel.bootId(remotes.get(n)).equals(local)).containsValue(true);
        mode = shared ? ClockMode.FAKE : ClockMode.REAL;
      }
      Path work = o.runDir().resolve("hosts");
      Clocks clocks;
      Function<String, Map<String, String>> env;
      if (mode == ClockMode.FAKE) {
        Map<String, String> files = new LinkedHashMap<>();
        remotes.keySet().forEach(n -> files.put(n, clockFileOf.apply(n)));
        FakeClocks fake = FakeClocks.prepare(remotes, files, o.fakeMonotonic());
        clocks = fake;
        env = fake::environment;
      } else {
        clocks = RealClocks.prepare(remotes, work);
        env = n -> Map.of();
      }
      ServerDistribution dist = o.distribution() != null ? o.distribution() : ServerDistribution.ofRunningJvm();
      Db db = new ShardKvDb(topology, remotes, homeOf, env,
          new ShardKvDb.Options(dist, o.jvmOptions(), o.setupTimeout(), work));
      return new Bed(List.copyOf(hosts), db, new IptablesNet(remotes), clocks, remotes);
    } catch (RuntimeException e) {
      remotes.values().forEach(Remote::close);
      throw e;
    }
  }
}

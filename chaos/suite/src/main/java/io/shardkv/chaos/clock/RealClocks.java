package io.shardkv.chaos.clock;

import io.shardkv.chaos.ChaosException;
import io.shardkv.chaos.control.Kernel;
import io.shardkv.chaos.control.Parallel;
import io.shardkv.chaos.control.Remote;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Clock faults for hosts with a kernel of their own (VMs, machines), as Jepsen's clock nemesis:
 * NTP is stopped on the host first, then its wall clock is stepped with {@code clock_settime}
 * through a small helper built from the C source shipped with the suite ({@code /opt/shardkv-chaos/skv-clock}:
 * compiled on the host where it has gcc, else a static binary built on the control node and uploaded,
 * see {@link ClockHelper}), or with {@code date -s} for a bump where the host has no helper. Reset
 * steps each clock back to the control node's time (measured offset).
 * Only the wall clock moves: the monotonic clock of a real kernel cannot be stepped.
 *
 * <p>Never on a host that shares the control node's kernel (same boot id: a namespace, a
 * container, this machine): stepping its clock would step the control machine's. Such hosts are
 * refused when this is made, before anything runs.
 */
public final class RealClocks implements Clocks {
  static final String DIR = "/opt/shardkv-chaos";
  static final String HELPER = DIR + "/skv-clock";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  /**
   * Stopping NTP starts systemctl and timedatectl on the host: seconds each under software
   * emulation, where three VMs together once took more than a minute and crashed a campaign.
   */
  private static final Duration NTP_TIMEOUT = Duration.ofSeconds(300);

  private final Map<String, Remote> remotes;
  private final Map<String, ClockHelper.Installed> helpers;
  private final Set<String> ntpStopped = ConcurrentHashMap.newKeySet();

  private RealClocks(Map<String, Remote> remotes, Map<String, ClockHelper.Installed> helpers) {
    this.remotes = remotes;
    this.helpers = helpers;
  }

  /**
   * Refuses hosts that share the control node's kernel, then installs the helper on every host
   * (compiled there if gcc is present, else uploaded when the control node can build it for the host).
   */
  public static RealClocks prepare(Map<String, Remote> remotes, Path workDir) {
    refuseSharedKernels(remotes);
    Path source = writeSource(workDir);
    ClockHelper.LocalBuild build = new ClockHelper.LocalBuild(workDir);
    Map<String, ClockHelper.Installed> helpers =
        Parallel.map(remotes.keySet(), n -> ClockHelper.install(remotes.get(n), DIR, source, build, "gcc"));
    RealClocks clocks = new RealClocks(new LinkedHashMap<>(remotes), helpers);
    // NTP is stopped here, while the testbed is set up, not at the first clock fault: the first
    // fault then steps the clock when the schedule says, instead of after a slow host's systemctl.
    Parallel.forEach(remotes.keySet(), clocks::stopNtp);
    return clocks;
  }

  /** Throws, naming them, if any host runs on the control node's kernel. */
  public static void refuseSharedKernels(Map<String, Remote> remotes) {
    String local = Kernel.localBootId();
    Map<String, String> ids = Parallel.map(remotes.keySet(), n -> Kernel.bootId(remotes.get(n)));
    List<String> shared = ids.entrySet().stream().filter(e -> e.getValue().equals(local)).map(Map.Entry::getKey).toList();
    if (!shared.isEmpty()) {
      throw new ChaosException("refusing to step the real clock of " + shared + ": they share this machine's kernel (the same"
          + " /proc/sys/kernel/random/boot_id " + local + ": a network namespace, a container or this machine itself),"
          + " so their clock is the control node's. Use fake clocks (libfaketime) for them, as the lab does.");
    }
  }

  private static Path writeSource(Path workDir) {
    try (InputStream in = RealClocks.class.getResourceAsStream("skv-clock.c")) {
      if (in == null) throw new ChaosException("resource skv-clock.c missing from the chaos suite's jar");
      Files.createDirectories(workDir);
      Path f = workDir.resolve("skv-clock.c");
      Files.write(f, in.readAllBytes());
      return f;
    } catch (IOException e) {
      throw new ChaosException("cannot write skv-clock.c in " + workDir + ": " + e.getMessage(), e);
    }
  }

  private Remote remote(String node) {
    Remote r = remotes.get(node);
    if (r == null) throw new IllegalArgumentException("no host named '" + node + "' (hosts: " + remotes.keySet() + ")");
    return r;
  }

  /** Stops whatever keeps the host's time (once per host); failures ignored, as Jepsen does. */
  private void stopNtp(String node) {
    if (!ntpStopped.add(node)) return;
    // One systemctl for every unit that exists (a process start costs seconds under emulation);
    // `service` where there is no systemd.
    remote(node).exec("units=''; for s in ntp ntpd ntpsec chrony chronyd openntpd systemd-timesyncd; do"
        + " if [ -e /lib/systemd/system/$s.service ] || [ -e /etc/systemd/system/$s.service ]; then units=\"$units $s\"; fi; done;"
        + " if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then"
        + " [ -n \"$units\" ] && systemctl stop $units >/dev/null 2>&1; timedatectl set-ntp false >/dev/null 2>&1;"
        + " else for s in ntp ntpd ntpsec chrony chronyd openntpd; do service $s stop >/dev/null 2>&1; done; fi; true", NTP_TIMEOUT);
  }

  @Override
  public void bump(String node, long deltaMs) {
    Remote r = remote(node);
    stopNtp(node);
    if (helpers.get(node).ok()) {
      r.execOk(HELPER + " bump " + deltaMs, TIMEOUT);
    } else {
      // date -s, the new time computed on the host itself (microseconds: awk's doubles)
      r.execOk("now=$(date +%s.%N); date -s @$(awk -v t=\"$now\" 'BEGIN { printf \"%.6f\", t + (" + deltaMs
          + ") / 1000 }') >/dev/null", TIMEOUT);
    }
  }

  @Override
  public void strobe(String node, long deltaMs, long periodMs, long durationMs) {
    Remote r = remote(node);
    ClockHelper.Installed helper = helpers.get(node);
    if (!helper.ok()) {
      throw new ChaosException("host " + node + " has no clock helper, which strobe needs: " + helper.how());
    }
    stopNtp(node);
    r.execOk(HELPER + " strobe " + deltaMs + " " + periodMs + " " + durationMs, Duration.ofMillis(durationMs).plus(TIMEOUT));
  }

  /** Steps each clock by minus its measured offset (twice: the second pass removes what the first missed). */
  @Override
  public void reset(Collection<String> nodes) {
    nodes.forEach(this::remote);
    Parallel.forEach(List.copyOf(nodes), n -> {
      for (int pass = 0; pass < 2; pass++) {
        long off = ClockOffsets.real(remote(n));
        if (Math.abs(off) <= 2) return;
        bump(n, -off);
      }
    });
  }

  @Override
  public Map<String, Long> offsets() {
    return Parallel.map(remotes.keySet(), n -> ClockOffsets.real(remotes.get(n)));
  }

  /** The helper's path on the hosts (for tests and reports). */
  public static String helper() {
    return HELPER;
  }
}

package io.shardkv.chaos.clock;

import io.shardkv.chaos.ChaosException;
import io.shardkv.chaos.control.Kernel;
import io.shardkv.chaos.control.Parallel;
import io.shardkv.chaos.control.Remote;
import io.shardkv.chaos.control.Shell;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Clock faults for hosts that share the control node's kernel (the lab): each server runs under
 * libfaketime ({@code LD_PRELOAD}) reading its host's offset from a one-line file
 * ({@code FAKETIME_TIMESTAMP_FILE}, e.g. {@code +1.500} or {@code -0.250} seconds) on every clock
 * call ({@code FAKETIME_NO_CACHE=1}), so a change is seen at once; bump, strobe and reset rewrite
 * that file (atomically: write, then rename). The real clock is never touched.
 *
 * <p>Both the wall clock ({@code System.currentTimeMillis}) and, unless turned off, the monotonic
 * clock ({@code System.nanoTime}, which the servers' timers use) move with the offset. That is more
 * than stepping a VM's clock does (which moves only the wall clock): a forward jump fires timers
 * early, a backward one holds them back.
 *
 * <p>Strobe runs a shell loop on the host; its flips come every period plus a few milliseconds.
 * Do not bump a host while it strobes: the strobe's last write restores its own starting offset.
 */
public final class FakeClocks implements Clocks {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Map<String, Remote> remotes;
  private final Map<String, String> files;
  private final Map<String, String> libraries;
  private final boolean fakeMonotonic;
  private final Set<String> sharedKernel;
  private final Map<String, Long> offsets = new ConcurrentHashMap<>();

  private FakeClocks(Map<String, Remote> remotes, Map<String, String> files, Map<String, String> libraries, boolean fakeMonotonic,
      Set<String> sharedKernel) {
    this.remotes = remotes;
    this.files = files;
    this.libraries = libraries;
    this.fakeMonotonic = fakeMonotonic;
    this.sharedKernel = sharedKernel;
  }

  /**
   * Finds libfaketime on every host and sets each clock file to {@code +0}.
   *
   * @param files each host's clock file (path on that host)
   * @param fakeMonotonic whether the monotonic clock moves with the offset too
   */
  public static FakeClocks prepare(Map<String, Remote> remotes, Map<String, String> files, boolean fakeMonotonic) {
    for (String n : remotes.keySet()) {
      if (!files.containsKey(n)) throw new IllegalArgumentException("no clock file for host " + n);
    }
    // One command per host: where libfaketime is, which kernel it runs on, and a clock file at +0.
    Map<String, String[]> facts = Parallel.map(remotes.keySet(), n -> {
      String f = files.get(n);
      String out = remotes.get(n).execOk("echo lib=$(" + FakeTimeLibrary.locateCommand() + "); echo boot=$(cat "
          + Kernel.BOOT_ID + "); mkdir -p " + Shell.quote(parent(f)) + " && " + writeCommand(f, 0), TIMEOUT);
      String lib = "";
      String boot = "";
      for (String line : out.split("\n")) {
        if (line.startsWith("lib=")) lib = line.substring(4).strip();
        if (line.startsWith("boot=")) boot = line.substring(5).strip();
      }
      if (lib.isEmpty()) {
        throw new ChaosException("host " + n + " has no libfaketime (" + FakeTimeLibrary.NAME + "); install it there:"
            + " apt-get install faketime");
      }
      return new String[] {lib, boot};
    });
    String local = Kernel.localBootId();
    Map<String, String> libs = new LinkedHashMap<>();
    Set<String> shared = new TreeSet<>();
    facts.forEach((n, f) -> {
      libs.put(n, f[0]);
      if (f[1].equals(local)) shared.add(n);
    });
    FakeClocks c = new FakeClocks(new LinkedHashMap<>(remotes), new LinkedHashMap<>(files), libs, fakeMonotonic, shared);
    remotes.keySet().forEach(n -> c.offsets.put(n, 0L));
    return c;
  }

  /** The environment a server on {@code node} must run with to see that host's fake clock. */
  public Map<String, String> environment(String node) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("LD_PRELOAD", libraries.get(node));
    env.put("FAKETIME_TIMESTAMP_FILE", files.get(node));
    env.put("FAKETIME_NO_CACHE", "1");
    if (!fakeMonotonic) env.put("FAKETIME_DONT_FAKE_MONOTONIC", "1");
    return env;
  }

  /** The environment as {@code VAR=value ...} words for a shell command line. */
  private String envPrefix(String node) {
    StringBuilder b = new StringBuilder();
    environment(node).forEach((k, v) -> b.append(k).append('=').append(Shell.quote(v)).append(' '));
    return b.toString();
  }

  /** libfaketime's offset syntax: signed seconds with milliseconds. */
  static String spec(long offsetMs) {
    return String.format(Locale.ROOT, "%s%d.%03d", offsetMs < 0 ? "-" : "+", Math.abs(offsetMs) / 1000, Math.abs(offsetMs) % 1000);
  }

  /** Writes the offset into the file atomically: a reader sees the old line or the new one. */
  private static String writeCommand(String file, long offsetMs) {
    return "printf '%s\\n' " + Shell.quote(spec(offsetMs)) + " > " + Shell.quote(file + ".new") + " && mv -f "
        + Shell.quote(file + ".new") + " " + Shell.quote(file);
  }

  private void write(String node, long offsetMs) {
    remotes.get(node).execOk(writeCommand(files.get(node), offsetMs), TIMEOUT);
    offsets.put(node, offsetMs);
  }

  private Remote remote(String node) {
    Remote r = remotes.get(node);
    if (r == null) throw new IllegalArgumentException("no host named '" + node + "' (hosts: " + remotes.keySet() + ")");
    return r;
  }

  @Override
  public void bump(String node, long deltaMs) {
    remote(node);
    write(node, offsets.getOrDefault(node, 0L) + deltaMs);
  }

  @Override
  public void strobe(String node, long deltaMs, long periodMs, long durationMs) {
    Remote r = remote(node);
    if (periodMs < 1 || durationMs < 0) throw new IllegalArgumentException("strobe needs period >= 1 ms and duration >= 0");
    long base = offsets.getOrDefault(node, 0L);
    String f = Shell.quote(files.get(node));
    String tmp = Shell.quote(files.get(node) + ".strobe");
    String period = String.format(Locale.ROOT, "%d.%03d", periodMs / 1000, periodMs % 1000);
    String script = "a=" + Shell.quote(spec(base)) + "; b=" + Shell.quote(spec(base + deltaMs)) + "; n=0;"
        + " end=$(( $(date +%s%N) / 1000000 + " + durationMs + " ));"
        + " while [ $(( $(date +%s%N) / 1000000 )) -lt $end ]; do"
        + " if [ $((n % 2)) -eq 0 ]; then v=$b; else v=$a; fi;"
        + " printf '%s\\n' \"$v\" > " + tmp + " && mv -f " + tmp + " " + f + "; n=$((n + 1)); sleep " + period + "; done;"
        + " printf '%s\\n' \"$a\" > " + tmp + " && mv -f " + tmp + " " + f + "; echo $n";
    r.execOk(script, Duration.ofMillis(durationMs).plus(TIMEOUT));
    offsets.put(node, base);
  }

  @Override
  public void reset(Collection<String> nodes) {
    nodes.forEach(this::remote);
    Parallel.forEach(List.copyOf(nodes), n -> write(n, 0));
  }

  /**
   * What each host's servers see minus the control node's clock: the fake offset read through
   * libfaketime on the host, plus the host's real offset (zero for a host on this machine's kernel).
   */
  @Override
  public Map<String, Long> offsets() {
    return Parallel.map(remotes.keySet(), n -> (sharedKernel.contains(n) ? 0 : ClockOffsets.real(remotes.get(n)))
        + ClockOffsets.fake(remotes.get(n), envPrefix(n)));
  }

  /** The offset last written for the host (what a server sees, up to the measuring error). */
  public long configuredOffset(String node) {
    return offsets.getOrDefault(node, 0L);
  }

  private static String parent(String path) {
    int i = path.lastIndexOf('/');
    return i <= 0 ? "/" : path.substring(0, i);
  }
}

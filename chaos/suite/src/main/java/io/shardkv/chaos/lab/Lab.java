package io.shardkv.chaos.lab;

import io.shardkv.chaos.ChaosException;
import io.shardkv.chaos.clock.FakeTimeLibrary;
import io.shardkv.chaos.control.Host;
import io.shardkv.chaos.control.HostList;
import io.shardkv.chaos.control.LocalCommand;
import io.shardkv.chaos.control.Remote;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A multi-host cluster on this machine: hosts n1..nN are network namespaces {@code skvlab-nK}, each
 * with a veth link {@code skvlab-nK} onto the bridge {@code skvlab0}, address 198.19.0.K/24 (the
 * control node is 198.19.0.254 on the bridge), no default route (traffic never leaves the lab), and
 * an sshd listening only on its own address, accepting the lab's key for root. Hosts share this
 * machine's file system and process table: each has its own directory ({@code DIR/nK}: sshd config,
 * host key, pid file, fake-clock file, ShardKV's home {@code DIR/nK/shardkv}).
 *
 * <p>State: {@code DIR/lab.state} is written before anything is created and removed by
 * {@link #down}, which also finds leftovers by name (namespaces {@code skvlab-n*}, the bridge) after
 * a crash. The bridge's alias names the lab directory that owns it: one lab per machine.
 */
public final class Lab {
  public static final Path DEFAULT_DIR = Path.of("/var/lib/shardkv-lab");
  public static final String BRIDGE = "skvlab0";
  public static final String PREFIX = "skvlab-";
  public static final String SUBNET = "198.19.0";
  public static final String CONTROL_ADDRESS = SUBNET + ".254";
  static final int MAX_HOSTS = 50;
  private static final Pattern NETNS = Pattern.compile("skvlab-n(\\d+)");

  private final Path dir;

  private Lab(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
  }

  public static Lab at(Path dir) {
    return new Lab(dir);
  }

  public Path dir() {
    return dir;
  }

  /** What a caller needs to reach an up lab. */
  public record Info(Path dir, List<Host> hosts, Path keyFile, Path knownHosts, Path nodesFile, Path inventory) {
    /** The host's own directory in the lab. */
    public Path hostDir(String node) {
      return dir.resolve(node);
    }

    /** The file libfaketime reads for the host's servers (one line, e.g. {@code +1.500}). */
    public Path clockFile(String node) {
      return hostDir(node).resolve("faketime");
    }

    /** ShardKV's home on the host. */
    public Path shardkvHome(String node) {
      return hostDir(node).resolve("shardkv");
    }
  }

  public static String netns(int k) {
    return PREFIX + "n" + k;
  }

  public static String address(int k) {
    return SUBNET + "." + k;
  }

  // ------------------------------------------------------------------ requirements

  /** What this machine lacks for a lab, each with how to get it; empty if nothing. */
  public static List<String> missingRequirements() {
    List<String> missing = new ArrayList<>();
    if (!isRoot()) missing.add("root (run as root, e.g. with sudo)");
    if (which("ip").isEmpty()) missing.add("ip (apt-get install iproute2)");
    if (which("iptables").isEmpty()) missing.add("iptables (apt-get install iptables)");
    if (!Files.isExecutable(Path.of("/usr/sbin/sshd"))) missing.add("sshd (apt-get install openssh-server)");
    if (which("ssh-keygen").isEmpty()) missing.add("ssh-keygen (apt-get install openssh-client)");
    if (which("start-stop-daemon").isEmpty()) missing.add("start-stop-daemon (apt-get install dpkg)");
    if (FakeTimeLibrary.local().isEmpty()) missing.add("libfaketime (apt-get install faketime)");
    return missing;
  }

  /** Throws {@link LabUnavailableException} naming everything missing. */
  public static void require() {
    List<String> m = missingRequirements();
    if (!m.isEmpty()) {
      throw new LabUnavailableException("the lab cannot be made on this machine; missing: " + String.join(", ", m)
          + ". On Debian: apt-get install iproute2 iptables openssh-server faketime, and run as root.");
    }
  }

  static boolean isRoot() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (l.startsWith("Uid:")) return l.split("\\s+")[1].equals("0");
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  static Optional<Path> which(String cmd) {
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
    dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
    for (String d : dirs) {
      if (d.isEmpty()) continue;
      Path p = Path.of(d, cmd);
      if (Files.isExecutable(p)) return Optional.of(p);
    }
    return Optional.empty();
  }

  // ------------------------------------------------------------------ up

  /**
   * Brings the lab up with {@code hosts} hosts, or repairs it if it is partly up (a dead sshd, a
   * missing link); does nothing that is already done. Fails if another lab directory owns this
   * machine's lab, or if this lab is up with a different number of hosts.
   */
  public Info up(int hosts, Consumer<String> out) {
    if (hosts < 1 || hosts > MAX_HOSTS) throw new IllegalArgumentException("--hosts must be in 1.." + MAX_HOSTS + ", got " + hosts);
    require();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new ChaosException("cannot create the lab directory " + dir + ": " + e.getMessage(), e);
    }
    try (FileLock lock = lock()) {
      checkOwner();
      LabState state = LabState.read(dir);
      TreeSet<Integer> present = namespaces();
      if (state != null && state.hosts() != hosts && !present.isEmpty()) {
        throw new ChaosException("the lab in " + dir + " is up with " + state.hosts() + " hosts; run 'shardkv lab down"
            + dirOption() + "' first to make one with " + hosts);
      }
      LabState.write(dir, new LabState(hosts));
      LabHosts files = new LabHosts(dir);
      files.ensureLabKey();
      ensureBridge();
      for (int k = 1; k <= hosts; k++) {
        files.ensureHostFiles(k, !present.contains(k));
        ensureLink(k);
        ensureSshd(k, files);
      }
      for (int k = 1; k <= hosts; k++) awaitSsh(k, Duration.ofSeconds(15));
      Info info = files.writeHostLists(hosts);
      out.accept("lab up in " + dir + ": " + hosts + " hosts on bridge " + BRIDGE + " (" + SUBNET + ".0/24, control node "
          + CONTROL_ADDRESS + ")");
      return info;
    } catch (IOException e) {
      throw new ChaosException("lab up in " + dir + ": " + e.getMessage(), e);
    }
  }

  private String dirOption() {
    return dir.equals(DEFAULT_DIR) ? "" : " --dir " + dir;
  }

  private FileLock lock() throws IOException {
    FileChannel ch = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    return ch.lock(); // released (and the channel closed with it) by try-with-resources
  }

  /** The lab directory recorded on the bridge ("" if none recorded), if the bridge exists. */
  public static Optional<String> bridgeOwner() {
    Remote.Result r = LocalCommand.run(List.of("ip", "-o", "link", "show", "dev", BRIDGE), Duration.ofSeconds(20));
    if (!r.ok()) return Optional.empty();
    Matcher m = Pattern.compile("alias shardkv-lab:(\\S+)").matcher(r.stdout());
    return Optional.of(m.find() ? m.group(1) : "");
  }

  /** Another lab directory whose lab is up on this machine, if any (one lab at a time). */
  public Optional<String> foreignOwner() {
    Optional<String> owner = bridgeOwner();
    return owner.filter(o -> !o.isEmpty() && !o.equals(dir.toString()) && Files.exists(Path.of(o).resolve(LabState.FILE)));
  }

  private void checkOwner() {
    Optional<String> owner = foreignOwner();
    if (owner.isPresent()) {
      throw new ChaosException("a lab made from " + owner.get() + " is up on this machine (one lab at a time);"
          + " run 'shardkv lab down --dir " + owner.get() + "' first, or use that directory");
    }
  }

  private void ensureBridge() {
    if (bridgeOwner().isEmpty()) {
      Remote.Result route = LocalCommand.run(List.of("ip", "-o", "route", "show", SUBNET + ".0/24"), Duration.ofSeconds(20));
      if (route.ok() && !route.stdout().isBlank()) {
        throw new ChaosException(SUBNET + ".0/24 is already routed on this machine (" + route.stdout().strip()
            + "); the lab needs that range for itself");
      }
      LocalCommand.ok("ip", "link", "add", BRIDGE, "type", "bridge");
    }
    LocalCommand.ok("ip", "link", "set", BRIDGE, "alias", "shardkv-lab:" + dir);
    LocalCommand.ok("ip", "addr", "replace", CONTROL_ADDRESS + "/24", "dev", BRIDGE);
    LocalCommand.ok("ip", "link", "set", BRIDGE, "up");
  }

  private void ensureLink(int k) {
    String ns = netns(k);
    if (!namespaces().contains(k)) LocalCommand.ok("ip", "netns", "add", ns);
    boolean hostSide = LocalCommand.run(List.of("ip", "link", "show", "dev", ns), Duration.ofSeconds(20)).ok();
    if (!hostSide) {
      // A half-made pair cannot be: deleting one end deletes the other. Start clean inside.
      LocalCommand.run(List.of("ip", "-n", ns, "link", "del", "eth0"), Duration.ofSeconds(20));
      LocalCommand.ok("ip", "link", "add", ns, "type", "veth", "peer", "name", "eth0", "netns", ns);
    }
    LocalCommand.ok("ip", "link", "set", ns, "master", BRIDGE, "up");
    LocalCommand.ok("ip", "-n", ns, "addr", "replace", address(k) + "/24", "dev", "eth0");
    LocalCommand.ok("ip", "-n", ns, "link", "set", "eth0", "up");
    LocalCommand.ok("ip", "-n", ns, "link", "set", "lo", "up");
  }

  private void ensureSshd(int k, LabHosts files) throws IOException {
    if (sshdPid(k).isPresent()) return;
    Path cfg = files.sshdConfig(k);
    Files.createDirectories(Path.of("/run/sshd")); // sshd's privilege separation directory (Debian)
    LocalCommand.ok("/usr/sbin/sshd", "-t", "-f", cfg.toString());
    LocalCommand.ok("ip", "netns", "exec", netns(k), "/usr/sbin/sshd", "-f", cfg.toString(),
        "-E", files.hostDir(k).resolve("sshd.log").toString());
  }

  /** The pid of host k's sshd if its pid file names a live sshd started with that host's config. */
  public Optional<Long> sshdPid(int k) {
    Path pidFile = dir.resolve("n" + k).resolve("sshd.pid");
    try {
      if (!Files.exists(pidFile)) return Optional.empty();
      long pid = Long.parseLong(Files.readString(pidFile).strip());
      if (!Procs.alive(pid)) return Optional.empty();
      String cmd = Procs.cmdline(pid);
      return cmd.contains("sshd") && cmd.contains(dir.resolve("n" + k).resolve("sshd_config").toString())
          ? Optional.of(pid) : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private void awaitSsh(int k, Duration timeout) {
    long until = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < until) {
      Optional<String> problem = sshBanner(k);
      if (problem.isEmpty()) return;
      last = problem.get();
      sleep(100);
    }
    throw new ChaosException("lab host n" + k + " (" + address(k) + "): sshd does not answer (" + last + "); see "
        + dir.resolve("n" + k).resolve("sshd.log"));
  }

  /** Empty if an SSH server greets us on host k's port 22, else what went wrong. */
  static Optional<String> sshBanner(int k) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address(k), 22), 1000);
      s.setSoTimeout(2000);
      InputStream in = s.getInputStream();
      byte[] b = new byte[4];
      int n = in.readNBytes(b, 0, 4);
      return n == 4 && new String(b, StandardCharsets.US_ASCII).equals("SSH-") ? Optional.empty()
          : Optional.of("no SSH banner");
    } catch (IOException e) {
      return Optional.of(e.toString());
    }
  }

  // ------------------------------------------------------------------ down

  /**
   * Removes everything the lab made: every process inside its namespaces (sshd, servers, anything
   * started through them: kill -9, by namespace membership), the namespaces with their links and
   * firewall rules, and the bridge. Works from the state file and, after a crash, from the names.
   * Keeps the directory (keys, logs) so a later {@code up} reuses the keys.
   */
  public void down(Consumer<String> out) {
    if (!isRoot()) throw new LabUnavailableException("lab down needs root (run as root, e.g. with sudo)");
    if (!Files.isDirectory(dir) && bridgeOwner().isEmpty() && namespaces().isEmpty()) {
      out.accept("lab down: nothing to do (no lab in " + dir + ")");
      return;
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new ChaosException("cannot use the lab directory " + dir + ": " + e.getMessage(), e);
    }
    try (FileLock lock = lock()) {
      checkOwner();
      TreeSet<Integer> hosts = namespaces();
      LabState state = LabState.read(dir);
      if (state != null) for (int k = 1; k <= state.hosts(); k++) hosts.add(k);
      int killed = 0;
      for (int k : hosts) {
        killed += killNamespaceProcesses(k);
        Optional<Long> sshd = sshdPid(k);
        if (sshd.isPresent()) {
          Procs.kill9AndWait(List.of(sshd.get()), Duration.ofSeconds(10));
          killed++;
        }
        LocalCommand.run(List.of("ip", "netns", "del", netns(k)), Duration.ofSeconds(20));
        LocalCommand.run(List.of("ip", "link", "del", "dev", netns(k)), Duration.ofSeconds(20));
        Files.deleteIfExists(dir.resolve("n" + k).resolve("sshd.pid"));
      }
      int mounts = unmountFuse(dir);
      if (mounts > 0) out.accept("lab down: unmounted " + mounts + " FUSE file system(s) under " + dir + " (power-loss layer)");
      if (bridgeOwner().isPresent()) LocalCommand.ok("ip", "link", "del", "dev", BRIDGE);
      Files.deleteIfExists(dir.resolve(LabState.FILE));
      out.accept("lab down: removed " + hosts.size() + " hosts, " + killed + " processes, bridge " + BRIDGE
          + " (files kept in " + dir + ")");
    } catch (IOException e) {
      throw new ChaosException("lab down in " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Lazily unmounts every FUSE file system mounted under {@code dir} (the power nemesis's skv-lazyfs
   * over a host's data, docs/chaos.md): its daemon ran in a host's namespace and was just killed, and
   * a FUSE mount whose daemon is gone stays behind, answering "Transport endpoint is not connected".
   * Returns how many.
   */
  static int unmountFuse(Path dir) throws IOException {
    String root = dir.toAbsolutePath().normalize().toString();
    int n = 0;
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String[] f = line.split(" ");
      int dash = java.util.Arrays.asList(f).indexOf("-");
      if (f.length < 5 || dash < 0 || dash + 1 >= f.length || !f[dash + 1].startsWith("fuse")) continue;
      String point = f[4].replace("\\040", " ").replace("\\011", "\t").replace("\\134", "\\");
      if (point.equals(root) || point.startsWith(root + "/")) {
        LocalCommand.run(List.of("umount", "-l", point), Duration.ofSeconds(20));
        n++;
      }
    }
    return n;
  }

  /** kill -9 of every process in host k's namespace; returns how many there were. */
  private static int killNamespaceProcesses(int k) {
    List<Long> pids = namespacePids(k);
    long self = ProcessHandle.current().pid();
    pids.removeIf(p -> p == self);
    Procs.kill9AndWait(pids, Duration.ofSeconds(15));
    // Anything forked meanwhile (a server started by a session that was being killed): once more.
    List<Long> late = namespacePids(k);
    late.removeIf(p -> p == self);
    Procs.kill9AndWait(late, Duration.ofSeconds(15));
    return pids.size() + late.size();
  }

  /** Live (non-zombie) processes whose network namespace is host k's. */
  static List<Long> namespacePids(int k) {
    Remote.Result r = LocalCommand.run(List.of("ip", "netns", "pids", netns(k)), Duration.ofSeconds(20));
    List<Long> pids = new ArrayList<>();
    if (!r.ok()) return pids;
    for (String l : r.stdout().split("\\s+")) {
      if (l.isBlank()) continue;
      long pid = Long.parseLong(l.strip());
      if (Procs.alive(pid)) pids.add(pid);
    }
    return pids;
  }

  /** Host numbers of the lab namespaces that exist. */
  static TreeSet<Integer> namespaces() {
    TreeSet<Integer> ks = new TreeSet<>();
    Remote.Result r = LocalCommand.run(List.of("ip", "netns", "list"), Duration.ofSeconds(20));
    for (String line : r.stdout().split("\n")) {
      String name = line.strip().split("\\s+")[0];
      Matcher m = NETNS.matcher(name);
      if (m.matches()) ks.add(Integer.parseInt(m.group(1)));
    }
    return ks;
  }

  // ------------------------------------------------------------------ status

  /** One host as {@link #status} sees it. */
  public record HostStatus(int k, boolean netns, Optional<Long> sshd, boolean sshAnswers, int otherProcesses) {
    public boolean healthy() {
      return netns && sshd.isPresent() && sshAnswers;
    }
  }

  /** The lab's hosts (per the state file, else the namespaces found) and whether each is healthy. */
  public List<HostStatus> status() {
    LabState state = LabState.read(dir);
    TreeSet<Integer> ks = namespaces();
    if (state != null) for (int k = 1; k <= state.hosts(); k++) ks.add(k);
    List<HostStatus> l = new ArrayList<>();
    for (int k : ks) {
      boolean ns = namespaces().contains(k);
      Optional<Long> sshd = sshdPid(k);
      List<Long> pids = ns ? namespacePids(k) : List.of();
      int others = (int) pids.stream().filter(p -> sshd.map(s -> !s.equals(p)).orElse(true)).count();
      l.add(new HostStatus(k, ns, sshd, ns && sshBanner(k).isEmpty(), others));
    }
    return l;
  }

  /** The state file's host count, or empty when this lab is down (or never was up). */
  public Optional<Integer> recordedHosts() {
    LabState s = LabState.read(dir);
    return s == null ? Optional.empty() : Optional.of(s.hosts());
  }

  /** The lab's hosts and files, if it is up and healthy with {@code hosts} hosts. */
  public Optional<Info> ifUp(int hosts) {
    Optional<Integer> n = recordedHosts();
    if (n.isEmpty() || n.get() != hosts || bridgeOwner().filter(o -> o.equals(dir.toString())).isEmpty()) return Optional.empty();
    if (!status().stream().allMatch(HostStatus::healthy)) return Optional.empty();
    return Optional.of(new LabHosts(dir).info(hosts));
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ChaosException("interrupted", e);
    }
  }

  /** The nodes-file header line naming the lab. */
  static String nodesHeader(Path dir) {
    return "ShardKV lab hosts (bin/shardkv lab up --dir " + dir + "); format: docs/chaos.md, \"Hosts\"";
  }

  static String render(List<Host> hosts, Path dir) {
    return HostList.render(hosts, nodesHeader(dir));
  }
}

package io.shardkv.server.process;

import io.shardkv.server.replica.PlantedBug;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The whole cluster in one human-readable file (format in docs/config.md): settings as
 * {@code key = value} lines and one {@code node} line per server process. Group 0 is the config
 * center; every other group id is a shard group. Relative data directories are resolved against the
 * file's own directory.
 */
public record ClusterConfig(Path file, Settings settings, SortedMap<Integer, Node> nodes) {

  /**
   * Cluster-wide settings (durations in milliseconds or Raft ticks).
   *
   * @param unsafe TEST-ONLY, deliberately incorrect, empty by default: the {@link PlantedBug}s the
   *     shard-group nodes run with (config keys {@code unsafe-NAME = true}, accepted only together
   *     with {@code i-know-this-is-unsafe = true}); nodes log each at WARN when they start
   */
  public record Settings(int shards, int tickMillis, int electionMinTicks, int electionMaxTicks,
                         int heartbeatTicks, int requestTimeoutTicks, long snapshotBytes, boolean fsync,
                         boolean trace, Set<PlantedBug> unsafe, long sessionIdleMillis) {
    /** Default of {@code session-idle-seconds}: 600 (docs/sessions.md). */
    public static final long DEFAULT_SESSION_IDLE_MILLIS = 600_000L;

    /** The settings as before session expiry was configurable: the default idle limit. */
    public Settings(int shards, int tickMillis, int electionMinTicks, int electionMaxTicks, int heartbeatTicks,
                    int requestTimeoutTicks, long snapshotBytes, boolean fsync, boolean trace, Set<PlantedBug> unsafe) {
      this(shards, tickMillis, electionMinTicks, electionMaxTicks, heartbeatTicks, requestTimeoutTicks, snapshotBytes, fsync,
          trace, unsafe, DEFAULT_SESSION_IDLE_MILLIS);
    }

    public Settings {
      unsafe = unsafe.isEmpty() ? Collections.unmodifiableSet(EnumSet.noneOf(PlantedBug.class))
          : Collections.unmodifiableSet(EnumSet.copyOf(unsafe));
    }

    /** The settings as before the planted bugs: {@code unsafeDisableDedup} is {@link PlantedBug#NO_DEDUP}. */
    public Settings(int shards, int tickMillis, int electionMinTicks, int electionMaxTicks, int heartbeatTicks,
                    int requestTimeoutTicks, long snapshotBytes, boolean fsync, boolean trace, boolean unsafeDisableDedup) {
      this(shards, tickMillis, electionMinTicks, electionMaxTicks, heartbeatTicks, requestTimeoutTicks, snapshotBytes, fsync,
          trace, unsafeDisableDedup ? EnumSet.of(PlantedBug.NO_DEDUP) : EnumSet.noneOf(PlantedBug.class));
    }

    static Settings defaults() {
      return new Settings(64, 10, 15, 30, 2, 300, 4L << 20, true, false, false);
    }

    /**
     * TEST-ONLY: shard-group nodes give every client write a client id no one used before, so a
     * retried write is applied again ({@link PlantedBug#NO_DEDUP}; config keys {@code unsafe-no-dedup}
     * and its older name {@code unsafe-disable-dedup}).
     */
    public boolean unsafeDisableDedup() {
      return unsafe.contains(PlantedBug.NO_DEDUP);
    }

    /** The same settings with exactly these planted bugs. */
    public Settings withUnsafe(Set<PlantedBug> bugs) {
      return new Settings(shards, tickMillis, electionMinTicks, electionMaxTicks, heartbeatTicks, requestTimeoutTicks,
          snapshotBytes, fsync, trace, bugs, sessionIdleMillis);
    }
  }

  /** One server process. */
  public record Node(int id, int group, String host, int port, String adminHost, int adminPort, Path dir) {
    public String address() {
      return host + ":" + port;
    }

    public InetSocketAddress socketAddress() {
      return new InetSocketAddress(host, port);
    }
  }

  /** A config file that does not parse; the message names the file and line. */
  public static final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
      super(message);
    }
  }

  public static final int CONTROLLER_GROUP = 0;

  /** The shortest non-zero {@code session-idle-seconds} accepted (docs/sessions.md: 2L must exceed retry windows). */
  public static final long MIN_SESSION_IDLE_SECONDS = 60;

  public static ClusterConfig load(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("cannot read cluster config " + file + ": " + e);
    }
    return parse(file, lines);
  }

  public static ClusterConfig parse(Path file, List<String> lines) {
    Settings s = Settings.defaults();
    int shards = s.shards(), tick = s.tickMillis(), emin = s.electionMinTicks(), emax = s.electionMaxTicks();
    int hb = s.heartbeatTicks(), rt = s.requestTimeoutTicks();
    long snap = s.snapshotBytes();
    long sessionIdle = s.sessionIdleMillis();
    boolean fsync = s.fsync(), trace = s.trace(), legacyNoDedup = false, acknowledged = false;
    EnumSet<PlantedBug> unsafe = EnumSet.noneOf(PlantedBug.class);
    String firstUnsafe = null;
    TreeMap<Integer, Node> nodes = new TreeMap<>();
    Path base = file.toAbsolutePath().getParent();
    for (int i = 0; i < lines.size(); i++) {
      String where = file + ":" + (i + 1);
      String line = lines.get(i);
      int hash = line.indexOf('#');
      if (hash >= 0) line = line.substring(0, hash);
      line = line.trim();
      if (line.isEmpty()) continue;
      if (line.startsWith("node ") || line.equals("node")) {
        Node n = parseNode(where, line, base);
        if (nodes.containsKey(n.id())) {
          throw new ConfigException(where + ": node " + n.id() + " is defined twice; node ids must be unique");
        }
        for (Node o : nodes.values()) {
          if (o.address().equals(n.address()) || (o.adminHost() + ":" + o.adminPort()).equals(n.adminHost() + ":" + n.adminPort())) {
            throw new ConfigException(where + ": node " + n.id() + " reuses an address of node " + o.id());
          }
        }
        nodes.put(n.id(), n);
        continue;
      }
      int eq = line.indexOf('=');
      if (eq < 0) {
        throw new ConfigException(where + ": expected 'key = value' or 'node ID group=G addr=HOST:PORT admin=HOST:PORT dir=PATH', got '" + line + "'");
      }
      String key = line.substring(0, eq).trim();
      String value = line.substring(eq + 1).trim();
      switch (key) {
        case "shards" -> shards = intIn(where, key, value, 1, 65536);
        case "tick-ms" -> tick = intIn(where, key, value, 1, 10_000);
        case "election-ticks" -> {
          String[] p = value.split("\\.\\.");
          if (p.length != 2) throw new ConfigException(where + ": election-ticks must be MIN..MAX (e.g. 15..30), got '" + value + "'");
          emin = intIn(where, key + " min", p[0].trim(), 2, 100_000);
          emax = intIn(where, key + " max", p[1].trim(), emin + 1, 100_000);
        }
        case "heartbeat-ticks" -> hb = intIn(where, key, value, 1, 100_000);
        case "request-timeout-ticks" -> rt = intIn(where, key, value, 1, 10_000_000);
        case "snapshot-bytes" -> snap = longIn(where, key, value, 0, Long.MAX_VALUE);
        case "fsync" -> fsync = bool(where, key, value);
        case "session-idle-seconds" -> {
          long secs = longIn(where, key, value, 0, 365L * 24 * 3600);
          if (secs > 0 && secs < MIN_SESSION_IDLE_SECONDS) {
            throw new ConfigException(where + ": session-idle-seconds = " + secs + " is too short: a client retries a write for"
                + " up to its call timeout (10 s by default), and exactly-once holds only if twice the idle limit exceeds"
                + " that (docs/sessions.md); use 0 (never expire) or at least " + MIN_SESSION_IDLE_SECONDS);
          }
          sessionIdle = 1000 * secs;
        }
        case "trace" -> trace = bool(where, key, value);
        // The older name of unsafe-no-dedup, kept as it was (a test-only switch before the planted bugs).
        case "unsafe-disable-dedup" -> legacyNoDedup = bool(where, key, value);
        case PlantedBug.ACKNOWLEDGE_KEY -> acknowledged = bool(where, key, value);
        default -> {
          PlantedBug bug = key.startsWith("unsafe-") ? plantedBug(key) : null;
          if (bug == null) {
            throw new ConfigException(where + ": unknown setting '" + key + "' (known: shards, tick-ms, "
                + "election-ticks, heartbeat-ticks, request-timeout-ticks, snapshot-bytes, fsync, session-idle-seconds, trace, "
                + "unsafe-disable-dedup, " + PlantedBug.ACKNOWLEDGE_KEY + ", and the planted bugs unsafe-"
                + PlantedBug.names().replace(", ", ", unsafe-") + ")");
          }
          if (bool(where, key, value)) {
            unsafe.add(bug);
            if (firstUnsafe == null) firstUnsafe = where + ": " + key;
          } else {
            unsafe.remove(bug);
          }
        }
      }
    }
    if (hb >= emin) {
      throw new ConfigException(file + ": heartbeat-ticks (" + hb + ") must be below the election-ticks minimum (" + emin + ")");
    }
    if (nodes.values().stream().noneMatch(n -> n.group() == CONTROLLER_GROUP)) {
      throw new ConfigException(file + ": no node of group 0 (the config center); add at least one 'node ... group=0 ...' line");
    }
    if (!unsafe.isEmpty() && !acknowledged) {
      throw new ConfigException(firstUnsafe + " deliberately breaks a safety guarantee (a planted bug for testing the "
          + "chaos suite, docs/chaos.md \"Mutants\"); it is refused unless the file also says '"
          + PlantedBug.ACKNOWLEDGE_KEY + " = true'. Remove the line for a correct server.");
    }
    if (legacyNoDedup) unsafe.add(PlantedBug.NO_DEDUP);
    return new ClusterConfig(file, new Settings(shards, tick, emin, emax, hb, rt, snap, fsync, trace, unsafe, sessionIdle),
        Collections.unmodifiableSortedMap(nodes));
  }

  private static PlantedBug plantedBug(String key) {
    try {
      return PlantedBug.parse(key);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Node parseNode(String where, String line, Path base) {
    String[] parts = line.split("\\s+");
    if (parts.length < 2) throw new ConfigException(where + ": 'node' needs an id, e.g. 'node 1 group=0 addr=127.0.0.1:7001 admin=127.0.0.1:8001 dir=n1'");
    int id = intIn(where, "node id", parts[1], 1, 1_000_000);
    Map<String, String> kv = new TreeMap<>();
    for (int i = 2; i < parts.length; i++) {
      int eq = parts[i].indexOf('=');
      if (eq <= 0) throw new ConfigException(where + ": expected key=value after the node id, got '" + parts[i] + "'");
      String k = parts[i].substring(0, eq);
      if (!List.of("group", "addr", "admin", "dir").contains(k)) {
        throw new ConfigException(where + ": unknown node field '" + k + "' (known: group, addr, admin, dir)");
      }
      kv.put(k, parts[i].substring(eq + 1));
    }
    for (String k : List.of("group", "addr", "admin", "dir")) {
      if (!kv.containsKey(k)) throw new ConfigException(where + ": node " + id + " lacks " + k + "=...");
    }
    int group = intIn(where, "group", kv.get("group"), 0, 1_000_000);
    String[] addr = hostPort(where, "addr", kv.get("addr"));
    String[] admin = hostPort(where, "admin", kv.get("admin"));
    Path dir = base.resolve(kv.get("dir")).normalize();
    return new Node(id, group, addr[0], Integer.parseInt(addr[1]), admin[0], Integer.parseInt(admin[1]), dir);
  }

  private static String[] hostPort(String where, String what, String v) {
    int c = v.lastIndexOf(':');
    if (c <= 0 || c == v.length() - 1) throw new ConfigException(where + ": " + what + " must be HOST:PORT, got '" + v + "'");
    intIn(where, what + " port", v.substring(c + 1), 1, 65535);
    return new String[] {v.substring(0, c), v.substring(c + 1)};
  }

  private static int intIn(String where, String what, String v, int min, int max) {
    long l = longIn(where, what, v, min, max);
    return (int) l;
  }

  private static long longIn(String where, String what, String v, long min, long max) {
    long l;
    try {
      l = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(where + ": " + what + " must be a whole number, got '" + v + "'");
    }
    if (l < min || l > max) throw new ConfigException(where + ": " + what + " must be in " + min + ".." + max + ", got " + l);
    return l;
  }

  private static boolean bool(String where, String what, String v) {
    return switch (v) {
      case "true", "on", "yes" -> true;
      case "false", "off", "no" -> false;
      default -> throw new ConfigException(where + ": " + what + " must be true or false, got '" + v + "'");
    };
  }

  public Node node(int id) {
    Node n = nodes.get(id);
    if (n == null) throw new ConfigException(file + ": no node " + id + " (nodes: " + nodes.keySet() + ")");
    return n;
  }

  /** Member node ids of {@code group}, ascending. */
  public List<Integer> members(int group) {
    List<Integer> m = new ArrayList<>();
    nodes.values().forEach(n -> { if (n.group() == group) m.add(n.id()); });
    return m;
  }

  /** Shard group ids (every group but 0), ascending. */
  public List<Integer> shardGroups() {
    return nodes.values().stream().map(Node::group).filter(g -> g != CONTROLLER_GROUP).distinct().sorted().toList();
  }

  /** Client addresses of {@code group}'s nodes. */
  public List<String> addresses(int group) {
    return members(group).stream().map(id -> nodes.get(id).address()).toList();
  }

  /** The node whose client address is {@code address}, or null. */
  public Node byAddress(String address) {
    for (Node n : nodes.values()) if (n.address().equals(address)) return n;
    return null;
  }

  /** Renders a config file for these settings and nodes (used by local-cluster). */
  public static String render(Settings s, List<Node> nodes, Path base) {
    StringBuilder b = new StringBuilder();
    b.append("# ShardKV cluster config (format: docs/config.md). Group 0 is the config center.\n");
    b.append("shards = ").append(s.shards()).append('\n');
    b.append("tick-ms = ").append(s.tickMillis()).append('\n');
    b.append("election-ticks = ").append(s.electionMinTicks()).append("..").append(s.electionMaxTicks()).append('\n');
    b.append("heartbeat-ticks = ").append(s.heartbeatTicks()).append('\n');
    b.append("request-timeout-ticks = ").append(s.requestTimeoutTicks()).append('\n');
    b.append("snapshot-bytes = ").append(s.snapshotBytes()).append('\n');
    b.append("fsync = ").append(s.fsync()).append('\n');
    b.append("trace = ").append(s.trace()).append('\n');
    if (s.sessionIdleMillis() != Settings.DEFAULT_SESSION_IDLE_MILLIS) {
      b.append("session-idle-seconds = ").append(s.sessionIdleMillis() / 1000).append('\n');
    }
    if (!s.unsafe().isEmpty()) {
      b.append(PlantedBug.ACKNOWLEDGE_KEY).append(" = true   # TEST-ONLY: the planted bugs below break safety on purpose\n");
      for (PlantedBug bug : s.unsafe()) {
        b.append(bug.configKey()).append(" = true   # breaks ").append(bug.broken()).append('\n');
      }
    }
    b.append('\n');
    for (Node n : nodes) {
      b.append("node ").append(n.id()).append(" group=").append(n.group()).append(" addr=").append(n.address())
          .append(" admin=").append(n.adminHost()).append(':').append(n.adminPort())
          .append(" dir=").append(base.relativize(n.dir())).append('\n');
    }
    return b.toString();
  }
}

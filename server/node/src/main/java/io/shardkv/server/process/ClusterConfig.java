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
 * {@code key = value} lines, then either
 * <ul>
 *   <li>the <b>server format</b>: one {@code server ID addr=HOST:PORT admin=HOST:PORT dir=PATH} line
 *       per server process and one {@code group G = ID,ID,ID} line per Raft group naming the servers
 *       that host a replica of it (a server hosts any number of groups); or</li>
 *   <li>the older <b>node format</b>: one {@code node ID group=G addr=... admin=... dir=...} line per
 *       process, each hosting exactly one replica. Still read as it always was: it is the server
 *       format with one group per server (server id = node id, replica data directly in {@code dir}).</li>
 * </ul>
 * The two formats do not mix in one file. Group 0 is the config center; every other group id is a
 * shard group. A replica's Raft id is its server's id (a server hosts at most one replica of a group).
 * Relative data directories are resolved against the file's own directory.
 *
 * @param servers     server id → the process
 * @param groups      group id → member server ids, ascending
 * @param nodeFormat  true when the file uses the older {@code node} lines
 */
public record ClusterConfig(Path file, Settings settings, SortedMap<Integer, Server> servers,
                            SortedMap<Integer, List<Integer>> groups, boolean nodeFormat) {

  /**
   * Cluster-wide settings (durations in milliseconds or Raft ticks).
   *
   * @param unsafe TEST-ONLY, deliberately incorrect, empty by default: the {@link PlantedBug}s the
   *     shard-group nodes run with (config keys {@code unsafe-NAME = true}, accepted only together
   *     with {@code i-know-this-is-unsafe = true}); nodes log each at WARN when they start
   */
  public record Settings(int shards, int tickMillis, int electionMinTicks, int electionMaxTicks,
                         int heartbeatTicks, int requestTimeoutTicks, long snapshotBytes, boolean fsync,
                         boolean trace, Set<PlantedBug> unsafe, long sessionIdleMillis, int leaderBalanceMillis) {
    /** Default of {@code session-idle-seconds}: 600 (docs/sessions.md). */
    public static final long DEFAULT_SESSION_IDLE_MILLIS = 600_000L;
    /** Default of {@code leader-balance-ms}: how often a server checks its share of leaders (0: never; LeaderBalance). */
    public static final int DEFAULT_LEADER_BALANCE_MILLIS = 1000;

    /** The settings as before leader balancing was configurable: the default balance interval. */
    public Settings(int shards, int tickMillis, int electionMinTicks, int electionMaxTicks, int heartbeatTicks,
                    int requestTimeoutTicks, long snapshotBytes, boolean fsync, boolean trace, Set<PlantedBug> unsafe,
                    long sessionIdleMillis) {
      this(shards, tickMillis, electionMinTicks, electionMaxTicks, heartbeatTicks, requestTimeoutTicks, snapshotBytes, fsync,
          trace, unsafe, sessionIdleMillis, DEFAULT_LEADER_BALANCE_MILLIS);
    }

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

    /** The same settings with this idle limit of client sessions (docs/sessions.md; 0: never expire). */
    public Settings withSessionIdleMillis(long millis) {
      return new Settings(shards, tickMillis, electionMinTicks, electionMaxTicks, heartbeatTicks, requestTimeoutTicks,
          snapshotBytes, fsync, trace, unsafe, millis, leaderBalanceMillis);
    }

    /** The same settings with exactly these planted bugs. */
    public Settings withUnsafe(Set<PlantedBug> bugs) {
      return new Settings(shards, tickMillis, electionMinTicks, electionMaxTicks, heartbeatTicks, requestTimeoutTicks,
          snapshotBytes, fsync, trace, bugs, sessionIdleMillis, leaderBalanceMillis);
    }
  }

  /**
   * One line of the older node format: a server process hosting one replica of {@code group}, its
   * data directly in {@code dir}. Kept for the files, tools (chaos Topology) and tests that write it.
   */
  public record Node(int id, int group, String host, int port, String adminHost, int adminPort, Path dir) {
    public String address() {
      return host + ":" + port;
    }

    public InetSocketAddress socketAddress() {
      return new InetSocketAddress(host, port);
    }
  }

  /** One server process: its client/peer port, its admin port and its data directory. */
  public record Server(int id, String host, int port, String adminHost, int adminPort, Path dir) {
    public String address() {
      return host + ":" + port;
    }

    public String adminAddress() {
      return adminHost + ":" + adminPort;
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

  /** Group 0, the config center: the same group the client routes to as {@code ShardRouter.CONFIG_CENTER_GID}. */
  public static final int CONFIG_CENTER_GROUP = io.shardkv.driver.routing.ShardRouter.CONFIG_CENTER_GID;

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
    int balance = s.leaderBalanceMillis();
    boolean fsync = s.fsync(), trace = s.trace(), legacyNoDedup = false, acknowledged = false;
    EnumSet<PlantedBug> unsafe = EnumSet.noneOf(PlantedBug.class);
    String firstUnsafe = null;
    TreeMap<Integer, Node> nodes = new TreeMap<>();
    ServerLines servers = new ServerLines(file);
    String firstNodeLine = null;
    String firstServerLine = null;
    Path base = file.toAbsolutePath().getParent();
    for (int i = 0; i < lines.size(); i++) {
      String where = file + ":" + (i + 1);
      String line = lines.get(i);
      int hash = line.indexOf('#');
      if (hash >= 0) line = line.substring(0, hash);
      line = line.trim();
      if (line.isEmpty()) continue;
      if (line.startsWith("node ") || line.equals("node")) {
        if (firstServerLine != null) throw mixed(where, "node", firstServerLine);
        if (firstNodeLine == null) firstNodeLine = where;
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
      if (ServerLines.isServerOrGroupLine(line)) {
        if (firstNodeLine != null) throw mixed(where, line.startsWith("server") ? "server" : "group", firstNodeLine);
        if (firstServerLine == null) firstServerLine = where;
        servers.add(where, line, base);
        continue;
      }
      int eq = line.indexOf('=');
      if (eq < 0) {
        throw new ConfigException(where + ": expected 'key = value', 'server ID addr=HOST:PORT admin=HOST:PORT dir=PATH',"
            + " 'group G = ID,ID,...' or 'node ID group=G addr=HOST:PORT admin=HOST:PORT dir=PATH', got '" + line + "'");
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
        case "leader-balance-ms" -> balance = intIn(where, key, value, 0, 3_600_000);
        // The older name of unsafe-no-dedup, kept as it was (a test-only switch before the planted bugs).
        case "unsafe-disable-dedup" -> legacyNoDedup = bool(where, key, value);
        case PlantedBug.ACKNOWLEDGE_KEY -> acknowledged = bool(where, key, value);
        default -> {
          PlantedBug bug = key.startsWith("unsafe-") ? plantedBug(key) : null;
          if (bug == null) {
            throw new ConfigException(where + ": unknown setting '" + key + "' (known: shards, tick-ms, "
                + "election-ticks, heartbeat-ticks, request-timeout-ticks, snapshot-bytes, fsync, session-idle-seconds, trace, "
                + "leader-balance-ms, "
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
    if (firstServerLine == null && nodes.values().stream().noneMatch(n -> n.group() == CONFIG_CENTER_GROUP)) {
      throw new ConfigException(file + ": no node of group 0 (the config center); add at least one 'node ... group=0 ...' line"
          + " (or describe the cluster in the server format: 'server ID addr=... admin=... dir=...' lines and"
          + " 'group 0 = ID,ID,ID' for the config center, docs/config.md)");
    }
    if (!unsafe.isEmpty() && !acknowledged) {
      throw new ConfigException(firstUnsafe + " deliberately breaks a safety guarantee (a planted bug for testing the "
          + "chaos suite, docs/chaos.md \"Mutants\"); it is refused unless the file also says '"
          + PlantedBug.ACKNOWLEDGE_KEY + " = true'. Remove the line for a correct server.");
    }
    if (legacyNoDedup) unsafe.add(PlantedBug.NO_DEDUP);
    Settings settings = new Settings(shards, tick, emin, emax, hb, rt, snap, fsync, trace, unsafe, sessionIdle, balance);
    if (firstServerLine != null) {
      servers.validate();
      return new ClusterConfig(file, settings, servers.servers(), servers.groups(), false);
    }
    TreeMap<Integer, Server> procs = new TreeMap<>();
    TreeMap<Integer, List<Integer>> groups = new TreeMap<>();
    for (Node n : nodes.values()) {
      procs.put(n.id(), new Server(n.id(), n.host(), n.port(), n.adminHost(), n.adminPort(), n.dir()));
      groups.computeIfAbsent(n.group(), g -> new ArrayList<>()).add(n.id());
    }
    groups.replaceAll((g, m) -> List.copyOf(m));
    return new ClusterConfig(file, settings, Collections.unmodifiableSortedMap(procs),
        Collections.unmodifiableSortedMap(groups), true);
  }

  private static ConfigException mixed(String where, String kind, String firstOther) {
    return new ConfigException(where + ": a '" + kind + "' line in a file that uses the "
        + (kind.equals("node") ? "server format (first 'server'/'group' line at " : "older node format (first 'node' line at ")
        + firstOther + "); use one format per file: either 'node ID group=G ...' lines, or 'server ID addr=... admin=..."
        + " dir=...' lines with 'group G = ID,ID,...' lines (docs/config.md)");
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

  static String[] hostPort(String where, String what, String v) {
    int c = v.lastIndexOf(':');
    if (c <= 0 || c == v.length() - 1) throw new ConfigException(where + ": " + what + " must be HOST:PORT, got '" + v + "'");
    intIn(where, what + " port", v.substring(c + 1), 1, 65535);
    return new String[] {v.substring(0, c), v.substring(c + 1)};
  }

  static int intIn(String where, String what, String v, int min, int max) {
    long l = longIn(where, what, v, min, max);
    return (int) l;
  }

  static long longIn(String where, String what, String v, long min, long max) {
    long l;
    try {
      l = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(where + ": " + what + " must be a whole number, got '" + v + "'");
    }
    if (l < min || l > max) throw new ConfigException(where + ": " + what + " must be in " + min + ".." + max + ", got " + l);
    return l;
  }

  static boolean bool(String where, String what, String v) {
    return switch (v) {
      case "true", "on", "yes" -> true;
      case "false", "off", "no" -> false;
      default -> throw new ConfigException(where + ": " + what + " must be true or false, got '" + v + "'");
    };
  }

  /**
   * The older node format's view: node id → its line. Only a file in that format has it; a file in
   * the server format has servers hosting several groups ({@link #servers}, {@link #groups}).
   */
  public SortedMap<Integer, Node> nodes() {
    if (!nodeFormat) {
      throw new ConfigException(file + " uses the server format (servers hosting several groups): it has no 'node'"
          + " lines; use servers() and groups()");
    }
    TreeMap<Integer, Node> m = new TreeMap<>();
    groups.forEach((g, members) -> members.forEach(id -> {
      Server s = servers.get(id);
      m.put(id, new Node(id, g, s.host(), s.port(), s.adminHost(), s.adminPort(), s.dir()));
    }));
    return Collections.unmodifiableSortedMap(m);
  }

  /** The older node format's line of node {@code id} (see {@link #nodes}). */
  public Node node(int id) {
    Node n = nodes().get(id);
    if (n == null) throw new ConfigException(file + ": no node " + id + " (nodes: " + servers.keySet() + ")");
    return n;
  }

  /** Server process {@code id}; a clear error naming the servers there are if there is none. */
  public Server server(int id) {
    Server s = servers.get(id);
    if (s == null) {
      throw new ConfigException(file + ": no " + (nodeFormat ? "node " : "server ") + id + " ("
          + (nodeFormat ? "nodes: " : "servers: ") + servers.keySet() + ")");
    }
    return s;
  }

  /** The groups server {@code id} hosts a replica of, ascending. */
  public List<Integer> groupsOf(int id) {
    List<Integer> out = new ArrayList<>();
    groups.forEach((g, m) -> { if (m.contains(id)) out.add(g); });
    return out;
  }

  /**
   * Where server {@code id}'s replica of {@code group} keeps its log and snapshots: the server's
   * {@code dir} itself in the node format (as it always was), {@code dir/group-G} in the server
   * format (one storage per replica; docs/storage.md "Several groups per process").
   */
  public Path replicaDir(int group, int id) {
    Path dir = server(id).dir();
    return nodeFormat ? dir : dir.resolve("group-" + group);
  }

  /** Member server ids of {@code group}, ascending (Raft ids of its replicas). */
  public List<Integer> members(int group) {
    return groups.getOrDefault(group, List.of());
  }

  /** Shard group ids (every group but 0), ascending. */
  public List<Integer> shardGroups() {
    return groups.keySet().stream().filter(g -> g != CONFIG_CENTER_GROUP).toList();
  }

  /** Client addresses of {@code group}'s servers. */
  public List<String> addresses(int group) {
    return members(group).stream().map(id -> servers.get(id).address()).toList();
  }

  /** The server whose client address is {@code address}, or null. */
  public Server byAddress(String address) {
    for (Server s : servers.values()) if (s.address().equals(address)) return s;
    return null;
  }

  /** Renders a config file for these settings and nodes (used by local-cluster). */
  public static String render(Settings s, List<Node> nodes, Path base) {
    StringBuilder b = renderSettings(s);
    for (Node n : nodes) {
      b.append("node ").append(n.id()).append(" group=").append(n.group()).append(" addr=").append(n.address())
          .append(" admin=").append(n.adminHost()).append(':').append(n.adminPort())
          .append(" dir=").append(base.relativize(n.dir())).append('\n');
    }
    return b.toString();
  }

  /** Renders a config file in the server format: one line per server, one per group. */
  public static String renderServers(Settings s, List<Server> servers, Map<Integer, List<Integer>> groups, Path base) {
    return renderServers(s, servers, java.util.Set.of(), groups, base);
  }

  /**
   * As {@link #renderServers(Settings, List, Map, Path)}, the servers of {@code spares} marked
   * {@code spare=true} (in no group at first: docs/membership.md).
   */
  public static String renderServers(Settings s, List<Server> servers, java.util.Set<Integer> spares,
      Map<Integer, List<Integer>> groups, Path base) {
    StringBuilder b = renderSettings(s);
    for (Server v : servers) {
      b.append("server ").append(v.id()).append(" addr=").append(v.address()).append(" admin=").append(v.adminAddress())
          .append(" dir=").append(base.relativize(v.dir())).append(spares.contains(v.id()) ? " spare=true" : "").append('\n');
    }
    b.append('\n');
    new TreeMap<>(groups).forEach((g, m) -> {
      b.append("group ").append(g).append(" = ");
      b.append(String.join(",", m.stream().map(String::valueOf).toList()));
      b.append(g == CONFIG_CENTER_GROUP ? "   # the config center\n" : "\n");
    });
    return b.toString();
  }

  private static StringBuilder renderSettings(Settings s) {
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
    if (s.leaderBalanceMillis() != Settings.DEFAULT_LEADER_BALANCE_MILLIS) {
      b.append("leader-balance-ms = ").append(s.leaderBalanceMillis()).append('\n');
    }
    if (!s.unsafe().isEmpty()) {
      b.append(PlantedBug.ACKNOWLEDGE_KEY).append(" = true   # TEST-ONLY: the planted bugs below break safety on purpose\n");
      for (PlantedBug bug : s.unsafe()) {
        b.append(bug.configKey()).append(" = true   # breaks ").append(bug.broken()).append('\n');
      }
    }
    b.append('\n');
    return b;
  }
}

package io.shardkv.server.process;

import io.shardkv.server.process.ClusterConfig.ConfigException;
import io.shardkv.server.process.ClusterConfig.Server;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The server format's lines of a cluster config (docs/config.md), collected while {@link
 * ClusterConfig#parse} reads the file:
 * <pre>
 * server ID addr=HOST:PORT admin=HOST:PORT dir=PATH
 * group G = ID,ID,ID            # group 0 is the config center; the others are shard groups
 * </pre>
 * {@link #validate} checks what needs the whole file (every member a server, a config center, no
 * server without a group) and names the offending line. Every message says what, where and how to fix.
 */
final class ServerLines {
  private static final List<String> FIELDS = List.of("addr", "admin", "dir");
  /** Optional server fields: {@code spare=true} marks a server that starts hosting no group (docs/membership.md). */
  private static final List<String> OPTIONAL = List.of("spare");

  private final Path file;
  private final TreeMap<Integer, Server> servers = new TreeMap<>();
  private final TreeMap<Integer, List<Integer>> groups = new TreeMap<>();
  /** Where each group line is, for errors found once the whole file is read. */
  private final Map<Integer, String> groupLine = new TreeMap<>();
  private final Map<Integer, String> serverLine = new TreeMap<>();
  /** Servers marked {@code spare=true}: in no group at first, added to groups with ctl add-replica. */
  private final java.util.Set<Integer> spares = new java.util.TreeSet<>();

  ServerLines(Path file) {
    this.file = file;
  }

  static boolean isServerOrGroupLine(String line) {
    return line.equals("server") || line.startsWith("server ") || line.equals("group") || line.startsWith("group ");
  }

  void add(String where, String line, Path base) {
    if (line.startsWith("server")) {
      addServer(where, line, base);
    } else {
      addGroup(where, line);
    }
  }

  private void addServer(String where, String line, Path base) {
    String[] parts = line.split("\\s+");
    if (parts.length < 2) {
      throw new ConfigException(where + ": 'server' needs an id, e.g. 'server 1 addr=10.0.0.1:7000 admin=10.0.0.1:8000 dir=/var/lib/shardkv'");
    }
    int id = ClusterConfig.intIn(where, "server id", parts[1], 1, 1_000_000);
    Map<String, String> kv = new TreeMap<>();
    for (int i = 2; i < parts.length; i++) {
      int eq = parts[i].indexOf('=');
      if (eq <= 0) throw new ConfigException(where + ": expected key=value after the server id, got '" + parts[i] + "'");
      String k = parts[i].substring(0, eq);
      if (k.equals("group")) {
        throw new ConfigException(where + ": a server line has no group=; a server hosts the groups whose 'group G = ...'"
            + " line names it (e.g. 'group 0 = 1,2,3')");
      }
      if (!FIELDS.contains(k) && !OPTIONAL.contains(k)) {
        throw new ConfigException(where + ": unknown server field '" + k + "' (known: addr, admin, dir, spare)");
      }
      kv.put(k, parts[i].substring(eq + 1));
    }
    for (String k : FIELDS) {
      if (!kv.containsKey(k)) throw new ConfigException(where + ": server " + id + " lacks " + k + "=...");
    }
    if (servers.containsKey(id)) {
      throw new ConfigException(where + ": server " + id + " is defined twice (first at " + serverLine.get(id)
          + "); server ids must be unique");
    }
    String[] addr = ClusterConfig.hostPort(where, "addr", kv.get("addr"));
    String[] admin = ClusterConfig.hostPort(where, "admin", kv.get("admin"));
    Server s = new Server(id, addr[0], Integer.parseInt(addr[1]), admin[0], Integer.parseInt(admin[1]),
        base.resolve(kv.get("dir")).normalize());
    for (Server o : servers.values()) {
      if (o.address().equals(s.address()) || o.adminAddress().equals(s.adminAddress())
          || o.address().equals(s.adminAddress()) || o.adminAddress().equals(s.address())) {
        throw new ConfigException(where + ": server " + id + " reuses an address of server " + o.id());
      }
      // The same path on two hosts is two directories (the usual multi-host file: dir=/var/lib/shardkv
      // everywhere); on one host it would be two servers sharing one storage.
      if (o.host().equals(s.host()) && o.dir().equals(s.dir())) {
        throw new ConfigException(where + ": server " + id + " uses the data directory of server " + o.id() + " ("
            + s.dir() + ") on the same host " + s.host() + "; every server on a host needs its own dir");
      }
    }
    if (s.address().equals(s.adminAddress())) {
      throw new ConfigException(where + ": server " + id + " has the same addr and admin (" + s.address() + ")");
    }
    if (kv.containsKey("spare") && ClusterConfig.bool(where, "spare", kv.get("spare"))) spares.add(id);
    servers.put(id, s);
    serverLine.put(id, where);
  }

  private void addGroup(String where, String line) {
    int eq = line.indexOf('=');
    String example = "e.g. 'group 0 = 1,2,3' (the config center) or 'group 1 = 1,2,3'";
    if (eq < 0) throw new ConfigException(where + ": a group line is 'group G = ID,ID,...', " + example + "; got '" + line + "'");
    String head = line.substring(0, eq).trim();
    String[] h = head.split("\\s+");
    if (h.length != 2) throw new ConfigException(where + ": a group line is 'group G = ID,ID,...', " + example + "; got '" + line + "'");
    int g = ClusterConfig.intIn(where, "group id", h[1], 0, 1_000_000);
    if (groups.containsKey(g)) {
      throw new ConfigException(where + ": group " + g + " is defined twice (first at " + groupLine.get(g)
          + "); list all its servers on one line");
    }
    String list = line.substring(eq + 1).trim();
    if (list.isEmpty()) throw new ConfigException(where + ": group " + g + " names no server; " + example);
    List<Integer> members = new ArrayList<>();
    for (String part : list.split(",")) {
      int id = ClusterConfig.intIn(where, "server id in group " + g, part.trim(), 1, 1_000_000);
      if (members.contains(id)) {
        throw new ConfigException(where + ": group " + g + " names server " + id + " twice; a server hosts at most one"
            + " replica of a group");
      }
      members.add(id);
    }
    Collections.sort(members);
    groups.put(g, List.copyOf(members));
    groupLine.put(g, where);
  }

  /** The checks that need the whole file. */
  void validate() {
    if (servers.isEmpty()) {
      throw new ConfigException(file + ": group lines but no 'server ID addr=HOST:PORT admin=HOST:PORT dir=PATH' line");
    }
    if (!groups.containsKey(ClusterConfig.CONFIG_CENTER_GROUP)) {
      throw new ConfigException(file + ": no 'group 0 = ...' line: group 0 is the config center and needs servers,"
          + " e.g. 'group 0 = " + String.join(",", servers.keySet().stream().limit(3).map(String::valueOf).toList()) + "'");
    }
    for (Map.Entry<Integer, List<Integer>> e : groups.entrySet()) {
      for (int id : e.getValue()) {
        if (!servers.containsKey(id)) {
          throw new ConfigException(groupLine.get(e.getKey()) + ": group " + e.getKey() + " names server " + id
              + ", which no 'server " + id + " ...' line defines (servers: " + servers.keySet() + ")");
        }
      }
    }
    for (int id : servers.keySet()) {
      if (!spares.contains(id) && groups.values().stream().noneMatch(m -> m.contains(id))) {
        throw new ConfigException(serverLine.get(id) + ": server " + id + " is in no group; name it in a"
            + " 'group G = ...' line, mark it spare=true (a server to add to groups later with ctl add-replica,"
            + " docs/membership.md), or remove it");
      }
    }
  }

  SortedMap<Integer, Server> servers() {
    return Collections.unmodifiableSortedMap(servers);
  }

  SortedMap<Integer, List<Integer>> groups() {
    return Collections.unmodifiableSortedMap(groups);
  }
}

package io.shardkv.chaos.control;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The hosts of a campaign, from {@code --nodes a,b,c} or from a nodes file (format in docs/chaos.md,
 * "Hosts"): one host per line, {@code ADDRESS [PORT [USER [KEYFILE]]]}, whitespace separated,
 * {@code -} for a field's default, {@code #} starts a comment. Hosts are named n1, n2, ... in the
 * order given. A key file path is resolved against the nodes file's directory; {@code ~/} against
 * the home directory. Bad input throws {@link IllegalArgumentException} whose message is
 * {@code FILE:LINE: what is wrong} (for {@code --nodes}: {@code --nodes: ...}).
 */
public final class HostList {
  private HostList() {}

  /** What a field left out (or {@code -}) means. */
  public record Defaults(int port, String user, Path keyFile) {
    /** Port 22, user root, the default keys of ~/.ssh. */
    public static Defaults standard() {
      return new Defaults(22, "root", null);
    }
  }

  private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.:_-]*[A-Za-z0-9])?");
  private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_.-]*[$]?");

  /** Hosts from {@code --nodes}: comma-separated addresses, each optionally {@code ADDRESS:PORT}. */
  public static List<Host> parseNodes(String csv, Defaults d) {
    List<Host> hosts = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    String[] items = csv.split(",", -1);
    for (String raw : items) {
      String item = raw.trim();
      if (item.isEmpty()) throw new IllegalArgumentException("--nodes: empty host name in '" + csv + "' (expected n1,n2,...)");
      String address = item;
      int port = d.port();
      int colon = item.lastIndexOf(':');
      if (colon > 0 && item.indexOf(':') == colon) { // one colon: ADDRESS:PORT (IPv6 needs the nodes file)
        address = item.substring(0, colon);
        port = port("--nodes", item.substring(colon + 1));
      }
      if (!ADDRESS.matcher(address).matches()) {
        throw new IllegalArgumentException("--nodes: '" + item + "' is not a host name or address");
      }
      if (!seen.add(address + ":" + port)) throw new IllegalArgumentException("--nodes: host " + item + " is listed twice");
      hosts.add(new Host("n" + (hosts.size() + 1), address, port, d.user(), d.keyFile()));
    }
    return List.copyOf(hosts);
  }

  /** Hosts from {@code --nodes} given as a list (picocli's split option): the same rules. */
  public static List<Host> parseNodes(List<String> items, Defaults d) {
    if (items.isEmpty()) throw new IllegalArgumentException("--nodes: no hosts given (expected n1,n2,...)");
    return parseNodes(String.join(",", items), d);
  }

  /** Hosts from a nodes file. */
  public static List<Host> parseFile(Path file, Defaults d) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read the nodes file: " + e.getMessage(), e);
    }
    return parse(file, lines, d);
  }

  static List<Host> parse(Path file, List<String> lines, Defaults d) {
    Path base = file.toAbsolutePath().getParent();
    List<Host> hosts = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String where = file + ":" + (i + 1);
      String line = lines.get(i);
      int hash = line.indexOf('#');
      if (hash >= 0) line = line.substring(0, hash);
      line = line.strip();
      if (line.isEmpty()) continue;
      String[] f = line.split("\\s+");
      if (f.length > 4) {
        throw new IllegalArgumentException(where + ": expected 'ADDRESS [PORT [USER [KEYFILE]]]', got " + f.length
            + " fields: '" + line + "'");
      }
      String address = f[0];
      if (!ADDRESS.matcher(address).matches()) {
        throw new IllegalArgumentException(where + ": '" + address + "' is not a host name or IP address");
      }
      int port = f.length > 1 && !f[1].equals("-") ? port(where, f[1]) : d.port();
      String user = f.length > 2 && !f[2].equals("-") ? f[2] : d.user();
      if (!USER.matcher(user).matches()) {
        throw new IllegalArgumentException(where + ": '" + user + "' is not a user name");
      }
      Path key = d.keyFile();
      if (f.length > 3 && !f[3].equals("-")) {
        key = f[3].startsWith("~/") ? Path.of(System.getProperty("user.home"), f[3].substring(2)) : base.resolve(f[3]).normalize();
        if (!Files.isRegularFile(key)) {
          throw new IllegalArgumentException(where + ": key file " + key + " does not exist");
        }
        if (!Files.isReadable(key)) {
          throw new IllegalArgumentException(where + ": key file " + key + " is not readable");
        }
      }
      if (!seen.add(address + ":" + port)) {
        throw new IllegalArgumentException(where + ": host " + address + " port " + port + " is listed twice");
      }
      hosts.add(new Host("n" + (hosts.size() + 1), address, port, user, key));
    }
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException(file + ": no hosts (one per line: ADDRESS [PORT [USER [KEYFILE]]]; see docs/chaos.md)");
    }
    return List.copyOf(hosts);
  }

  private static int port(String where, String s) {
    int p;
    try {
      p = Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(where + ": SSH port must be a number, got '" + s + "'");
    }
    if (p < 1 || p > 65535) throw new IllegalArgumentException(where + ": SSH port must be in 1..65535, got " + p);
    return p;
  }

  /** Renders hosts as a nodes file (the lab writes its hosts this way). */
  public static String render(List<Host> hosts, String header) {
    StringBuilder b = new StringBuilder();
    for (String h : header.split("\n")) b.append("# ").append(h).append('\n');
    b.append("# ADDRESS PORT USER KEYFILE  (hosts are named n1, n2, ... in this order)\n");
    for (Host h : hosts) {
      b.append(h.address()).append(' ').append(h.sshPort()).append(' ').append(h.user()).append(' ')
          .append(h.keyFile() == null ? "-" : h.keyFile().toString()).append('\n');
    }
    return b.toString();
  }
}

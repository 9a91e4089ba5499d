package io.shardkv.chaos.nemesis;

import io.shardkv.chaos.db.Db;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * What the cluster says about itself: every server's admin {@code GET /status} (JSON, see
 * server/.../process/AdminServer: one object per hosted replica), fetched in parallel from
 * {@link Db#adminAddresses()}. Servers that do not answer in time (killed, paused) are left out. Used to find the leaders and by the
 * state-triggered nemesis to watch for elections, shard migrations and snapshot transfers.
 */
public final class ClusterStatus {
  /** One replica's status (a server hosting several groups has one per group). */
  public record Replica(String host, String admin, Map<String, Object> json) {
    public int node() {
      return num("node");
    }

    public int group() {
      return num("group");
    }

    public String role() {
      return String.valueOf(json.get("role"));
    }

    public boolean leader() {
      return "leader".equals(role());
    }

    /** Asking for votes (or pre-votes): an election is in progress in its group. */
    public boolean campaigning() {
      return "candidate".equals(role()) || "pre_candidate".equals(role());
    }

    /** The state-machine summary, e.g. {@code gid=1 applied=80 config=3 shards=SSPB--}. */
    public String state() {
      return String.valueOf(json.getOrDefault("state", ""));
    }

    /**
     * True when one of its shards is moving: being pulled in (P), waiting for the new owner to take
     * it (B), or installed here while the old owner has not yet confirmed it deleted its copy (G).
     */
    public boolean migrating() {
      String s = state();
      int i = s.indexOf("shards=");
      if (i < 0) {
        return false;
      }
      String map = s.substring(i + "shards=".length()).split("\\s", 2)[0];
      return map.indexOf('P') >= 0 || map.indexOf('B') >= 0 || map.indexOf('G') >= 0;
    }

    /** Leader only: node ids of the followers it is sending its snapshot to. */
    public List<Integer> snapshotPeers() {
      List<Integer> l = new ArrayList<>();
      if (json.get("snapshot_peers") instanceof List<?> xs) {
        xs.forEach(x -> l.add(((Number) x).intValue()));
      }
      return l;
    }

    private int num(String k) {
      return json.get(k) instanceof Number n ? n.intValue() : -1;
    }

    @Override
    public String toString() {
      return host + " node " + node() + " group " + group() + " " + role() + " term " + json.get("term") + " " + state();
    }
  }

  private final Db db;
  private final HttpClient http;
  private final Duration timeout;

  public ClusterStatus(Db db, Duration timeout) {
    this.db = db;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  /**
   * The status of every replica whose server answered within the timeout: a server hosting several
   * groups answers one object per hosted replica (docs/config.md), each becomes a {@link Replica};
   * replicas still starting (no {@code role} yet) are left out.
   */
  public List<Replica> poll() {
    List<CompletableFuture<List<Replica>>> fs = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : db.adminAddresses().entrySet()) {
      for (String admin : e.getValue()) {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + admin + "/status")).timeout(timeout).GET().build();
        fs.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString())
            .thenApply(r -> r.statusCode() == 200 ? replicas(e.getKey(), admin, r.body()) : List.<Replica>of())
            .exceptionally(t -> List.of()));
      }
    }
    List<Replica> out = new ArrayList<>();
    for (CompletableFuture<List<Replica>> f : fs) {
      out.addAll(f.join());
    }
    return out;
  }

  /** The replicas one server's {@code /status} body names (those that have a role). */
  static List<Replica> replicas(String host, String admin, String body) {
    List<Replica> out = new ArrayList<>();
    for (Map<String, Object> json : replicaObjects(parseJson(body))) {
      if (json.containsKey("role")) {
        out.add(new Replica(host, admin, json));
      }
    }
    return out;
  }

  /**
   * One object per hosted replica: the {@code replicas} array of a server hosting several groups
   * ({@code {"node":N,"groups":[...],"replicas":[{...},...],"pid":P}}), or the status itself where
   * the server hosts one replica (its object is the replica's, as before issue 13).
   */
  public static List<Map<String, Object>> replicaObjects(Map<String, Object> status) {
    if (!(status.get("replicas") instanceof List<?> rs)) {
      return List.of(status);
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object r : rs) {
      if (r instanceof Map<?, ?> m) {
        @SuppressWarnings("unchecked")
        Map<String, Object> one = (Map<String, Object>) m;
        out.add(one);
      }
    }
    return out;
  }

  /** Hosts on which some server leads its group. */
  public static Set<String> leaderHosts(List<Replica> replicas) {
    Set<String> s = new TreeSet<>();
    replicas.stream().filter(Replica::leader).forEach(r -> s.add(r.host()));
    return s;
  }

  /** The host running node {@code id} (a Raft id: the server hosting that replica), or null if it did not answer. */
  public static String hostOf(List<Replica> replicas, int id) {
    return replicas.stream().filter(r -> r.node() == id).map(Replica::host).findFirst().orElse(null);
  }

  /**
   * Parses a JSON value: objects (as ordered maps), arrays, strings, numbers (Long when integral,
   * else Double), booleans, null. Enough for the admin endpoint; throws IllegalArgumentException on
   * malformed input.
   */
  public static Map<String, Object> parseJson(String text) {
    Object v = new JsonParser(text).parse();
    if (!(v instanceof Map<?, ?>)) {
      throw new IllegalArgumentException("expected a JSON object, got: " + text);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) v;
    return m;
  }

  private static final class JsonParser {
    private final String s;
    private int i;

    JsonParser(String s) {
      this.s = s;
    }

    Object parse() {
      Object v = value();
      ws();
      if (i != s.length()) {
        throw error("text after the value");
      }
      return v;
    }

    private Object value() {
      ws();
      if (i >= s.length()) {
        throw error("unexpected end");
      }
      char c = s.charAt(i);
      switch (c) {
        case '{': {
          i++;
          Map<String, Object> m = new LinkedHashMap<>();
          ws();
          if (peek('}')) {
            return m;
          }
          do {
            ws();
            if (s.charAt(i) != '"') {
              throw error("expected a key");
            }
            String k = string();
            ws();
            expect(':');
            m.put(k, value());
            ws();
          } while (peek(','));
          expect('}');
          return m;
        }
        case '[': {
          i++;
          List<Object> l = new ArrayList<>();
          ws();
          if (peek(']')) {
            return l;
          }
          do {
            l.add(value());
            ws();
          } while (peek(','));
          expect(']');
          return l;
        }
        case '"':
          return string();
        default:
          if (s.startsWith("true", i)) {
            i += 4;
            return Boolean.TRUE;
          }
          if (s.startsWith("false", i)) {
            i += 5;
            return Boolean.FALSE;
          }
          if (s.startsWith("null", i)) {
            i += 4;
            return null;
          }
          int start = i;
          while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
            i++;
          }
          String num = s.substring(start, i);
          if (num.isEmpty()) {
            throw error("unexpected character '" + c + "'");
          }
          try {
            return num.matches("-?\\d+") ? (Object) Long.parseLong(num) : (Object) Double.parseDouble(num);
          } catch (NumberFormatException e) {
            throw error("bad number " + num);
          }
      }
    }

    private String string() {
      expect('"');
      StringBuilder b = new StringBuilder();
      while (i < s.length() && s.charAt(i) != '"') {
        char c = s.charAt(i++);
        if (c == '\\') {
          char e = s.charAt(i++);
          switch (e) {
            case 'n' -> b.append('\n');
            case 't' -> b.append('\t');
            case 'r' -> b.append('\r');
            case 'b' -> b.append('\b');
            case 'f' -> b.append('\f');
            case 'u' -> {
              b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
              i += 4;
            }
            default -> b.append(e);
          }
        } else {
          b.append(c);
        }
      }
      expect('"');
      return b.toString();
    }

    private void ws() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }

    private boolean peek(char c) {
      if (i < s.length() && s.charAt(i) == c) {
        i++;
        return true;
      }
      return false;
    }

    private void expect(char c) {
      if (!peek(c)) {
        throw error("expected '" + c + "'");
      }
    }

    private IllegalArgumentException error(String what) {
      return new IllegalArgumentException("bad JSON at offset " + i + ": " + what);
    }
  }
}

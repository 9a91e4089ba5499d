package io.shardkv.server.process;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.shardkv.driver.routing.Status;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The server's admin port (JDK {@code com.sun.net.httpserver}), one per process whatever number of
 * replicas it hosts: {@code GET /status} answers one JSON object per hosted replica (see
 * {@link #statusJson}; node, group, role, term, leader, commit/applied indexes, pending requests, snapshots
 * taken and installed, the followers a leader is sending its snapshot to ({@code snapshot_peers}, what
 * the chaos suite's state-triggered nemesis watches for), state machine summary, pid); {@code GET /metrics} answers Prometheus text format;
 * {@code GET /health} and {@code GET /ready} answer 200 or 503 for scripts and orchestrators (see
 * {@link #health} and {@link #ready}). One write: {@code POST /transfer-leader?to=ID} asks the node
 * to hand its group's leadership to member ID (Raft thesis §3.10; see {@link #transferLeader}).
 * Membership changes (docs/membership.md, {@link ReplicaMembership}): {@code POST /add-replica},
 * {@code /promote}, {@code /remove-replica} on the leader, {@code GET /members} on any member,
 * {@code POST /host-replica} on the server added and {@code /retire-replica} on the server removed. One
 * small thread.
 */
final class AdminServer implements AutoCloseable {
  private final HttpServer http;

  private AdminServer(HttpServer http) {
    this.http = http;
  }

  static AdminServer start(String host, int port, NodeServer node) throws IOException {
    HttpServer http;
    try {
      http = HttpServer.create(new InetSocketAddress(host, port), 16);
    } catch (IOException e) {
      throw new IOException("cannot bind the admin port " + host + ":" + port + ": " + e.getMessage(), e);
    }
    http.createContext("/status", ex -> respond(ex, "application/json", statusJson(node)));
    http.createContext("/metrics", ex -> respond(ex, "text/plain; version=0.0.4", metrics(node)));
    http.createContext("/health", ex -> respond(ex, health(node)));
    http.createContext("/ready", ex -> respond(ex, ready(node)));
    http.createContext("/transfer-leader", ex -> respond(ex, transferLeader(node, ex.getRequestMethod(),
        ex.getRequestURI().getRawQuery())));
    // Membership changes (docs/membership.md; ReplicaMembership): on the leader, on any member, on the
    // server added and on the server removed.
    http.createContext("/add-replica", ex -> respond(ex, post(ex, q -> ReplicaMembership.change(node, "add", q.get("group"),
        q.get("server"), false, q.get("address"), q.get("admin")))));
    http.createContext("/promote", ex -> respond(ex, post(ex, q -> ReplicaMembership.change(node, "promote", q.get("group"),
        q.get("server"), false))));
    http.createContext("/remove-replica", ex -> respond(ex, post(ex, q -> ReplicaMembership.change(node, "remove",
        q.get("group"), q.get("server"), "true".equals(q.get("force"))))));
    http.createContext("/members", ex -> respond(ex, ReplicaMembership.members(node, query(ex).get("group"))));
    http.createContext("/host-replica", ex -> respond(ex, post(ex, q -> ReplicaMembership.host(node, q.get("group"),
        q.get("seed"), q.get("address"), q.get("admin")))));
    http.createContext("/retire-replica", ex -> respond(ex, post(ex, q -> ReplicaMembership.retire(node, q.get("group")))));
    http.setExecutor(null);
    http.start();
    return new AdminServer(http);
  }

  /** An HTTP status and its JSON body. */
  record Probe(int code, String body) {}

  private static final java.util.regex.Pattern REASON = java.util.regex.Pattern.compile("\"reason\":\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** The {@code reason} of a JSON answer of this port (the whole body when it has none). */
  static String reason(String body) {
    java.util.regex.Matcher m = REASON.matcher(body);
    return m.find() ? m.group(1) : body.trim();
  }

  /** The query parameters (no decoding: ids, numbers, HOST:PORT and true/false only). */
  private static Map<String, String> query(HttpExchange ex) {
    Map<String, String> m = new java.util.TreeMap<>();
    String q = ex.getRequestURI().getRawQuery();
    for (String kv : q == null ? new String[0] : q.split("&")) {
      int eq = kv.indexOf('=');
      if (eq > 0) m.put(kv.substring(0, eq), java.net.URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return m;
  }

  /** A write endpoint: 405 for another method than POST. */
  private static Probe post(HttpExchange ex, java.util.function.Function<Map<String, String>, Probe> handler) {
    if (!"POST".equals(ex.getRequestMethod())) {
      return new Probe(405, "{\"status\":\"refused\",\"reason\":\"use POST " + ex.getRequestURI().getPath() + "\"}\n");
    }
    return handler.apply(query(ex));
  }

  /**
   * {@code GET /health} (liveness): 200 once the node recovered the storage of every replica it hosts
   * and serves; 503 while it starts or after one of its replicas stopped (a storage failure). Body
   * {@code {"status":"ok"|...,"node":N}}.
   */
  static Probe health(NodeServer node) {
    for (HostedReplica r : node.replicas().values()) {
      HostedReplica.ReplicaStatus s = r.status();
      if (s == null) return new Probe(503, "{\"status\":\"starting\"}\n");
      if ("stopped".equals(s.extra())) {
        return new Probe(503, "{\"status\":\"stopped\",\"node\":" + s.node() + ",\"group\":" + s.group()
            + ",\"reason\":\"the replica of group " + s.group() + " stopped; see the node's log\"}\n");
      }
    }
    return new Probe(200, "{\"status\":\"ok\",\"node\":" + node.id() + "}\n");
  }

  /**
   * {@code GET /ready} (readiness): 200 when the node is healthy and every group it hosts has a leader
   * it knows (itself or another), i.e. requests sent here are answered or redirected; 503 naming the
   * first group without one otherwise.
   */
  static Probe ready(NodeServer node) {
    Probe h = health(node);
    if (h.code() != 200) return h;
    for (HostedReplica r : node.replicas().values()) {
      HostedReplica.ReplicaStatus s = r.status();
      if (s.leader() < 0) {
        return new Probe(503, "{\"status\":\"no_leader\",\"node\":" + s.node() + ",\"group\":" + s.group()
            + ",\"reason\":\"group " + s.group() + " has no leader this node knows of (term " + s.term() + ")\"}\n");
      }
    }
    if (node.replicas().size() == 1) {
      HostedReplica.ReplicaStatus s = node.replicas().values().iterator().next().status();
      return new Probe(200, "{\"status\":\"ready\",\"node\":" + s.node() + ",\"group\":" + s.group()
          + ",\"leader\":" + s.leader() + "}\n");
    }
    StringBuilder leaders = new StringBuilder();
    for (HostedReplica r : node.replicas().values()) {
      if (leaders.length() > 0) leaders.append(',');
      leaders.append('"').append(r.group()).append("\":").append(r.status().leader());
    }
    return new Probe(200, "{\"status\":\"ready\",\"node\":" + node.id() + ",\"leaders\":{" + leaders + "}}\n");
  }

  /**
   * {@code POST /transfer-leader?to=ID[&group=G]}: the answer of {@link NodeServer#transferLeadership}
   * (202 started, 409 not_leader naming the leader, 400 refused, 503 unavailable); 405 for another
   * method, 400 when {@code to} is missing or not a node id, or {@code group} is not a group id.
   * {@code group} may be left out on a server hosting one replica.
   */
  static Probe transferLeader(NodeServer node, String method, String query) {
    if (!"POST".equals(method)) {
      return new Probe(405, "{\"status\":\"refused\",\"reason\":\"use POST /transfer-leader?to=ID\"}\n");
    }
    String to = null;
    String group = null;
    for (String kv : query == null ? new String[0] : query.split("&")) {
      if (kv.startsWith("to=")) to = kv.substring(3);
      if (kv.startsWith("group=")) group = kv.substring(6);
    }
    int target;
    try {
      target = Integer.parseInt(to == null ? "" : to);
    } catch (NumberFormatException e) {
      return new Probe(400, "{\"status\":\"refused\",\"reason\":\"expected POST /transfer-leader?to=ID with a node id,"
          + " got " + (to == null ? "no 'to' parameter" : "to=" + esc(to)) + "\"}\n");
    }
    Integer g = null;
    if (group != null) {
      try {
        g = Integer.parseInt(group);
      } catch (NumberFormatException e) {
        return new Probe(400, "{\"status\":\"refused\",\"reason\":\"group must be a group id, got group="
            + esc(group) + "\"}\n");
      }
    }
    return node.transferLeadership(g, target);
  }

  private static void respond(HttpExchange ex, Probe p) throws IOException {
    send(ex, p.code(), "application/json", p.body());
  }

  private static void respond(HttpExchange ex, String type, String body) throws IOException {
    send(ex, 200, type, body);
  }

  private static void send(HttpExchange ex, int code, String type, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(code, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  /**
   * {@code GET /status}: a server hosting one replica answers that replica's object, as it always
   * did; a server hosting several answers {@code {"node":N,"groups":[...],"replicas":[one object per
   * hosted replica, ascending group],"pid":P}}.
   */
  static String statusJson(NodeServer node) {
    if (node.replicas().size() == 1) {
      HostedReplica r = node.replicas().values().iterator().next();
      String one = replicaJson(r);
      return one == null ? "{\"starting\":true}\n" : one + ",\"pid\":" + ProcessHandle.current().pid() + "}\n";
    }
    StringBuilder b = new StringBuilder("{\"node\":").append(node.id()).append(",\"address\":\"")
        .append(esc(node.self().address())).append("\",\"groups\":")
        .append(node.replicas().keySet().toString().replace(" ", "")).append(",\"replicas\":[");
    boolean first = true;
    for (HostedReplica r : node.replicas().values()) {
      String one = replicaJson(r);
      if (!first) b.append(',');
      first = false;
      b.append(one == null ? "{\"group\":" + r.group() + ",\"starting\":true}" : one + "}");
    }
    return b.append("],\"pid\":").append(ProcessHandle.current().pid()).append("}\n").toString();
  }

  /** One replica's status object without its closing brace (null while it starts). */
  private static String replicaJson(HostedReplica r) {
    HostedReplica.ReplicaStatus s = r.status();
    if (s == null) return null;
    return "{\"node\":" + s.node() + ",\"group\":" + s.group() + ",\"role\":\"" + s.role() + "\",\"term\":" + s.term()
        + ",\"leader\":" + s.leader() + ",\"leader_address\":\"" + esc(s.leaderAddress()) + "\",\"commit\":" + s.commit()
        + ",\"applied\":" + s.applied() + ",\"last_index\":" + s.lastIndex() + ",\"pending\":" + s.pending()
        + ",\"snapshots\":" + s.snapshots() + ",\"snapshots_installed\":" + s.snapshotsInstalled()
        + ",\"snapshot_peers\":" + s.snapshotPeers().toString().replace(" ", "") + ",\"state\":\"" + esc(s.extra()) + "\","
        + "\"migrations_stalled\":" + stallsJson(r.stalledMigrations());
  }

  /** {@code [{"shard":S,"state":"PULLING","other_group":G,"config":N,"waiting_ms":W},...]}: migrations waiting too long. */
  private static String stallsJson(java.util.List<NodeEvents.Stall> stalls) {
    StringBuilder b = new StringBuilder("[");
    for (NodeEvents.Stall x : stalls) {
      if (b.length() > 1) b.append(',');
      b.append("{\"shard\":").append(x.shard()).append(",\"state\":\"").append(x.state())
          .append("\",\"other_group\":").append(x.otherGroup())
          .append(",\"config\":").append(x.configNum()).append(",\"waiting_ms\":").append(x.waitedMillis()).append('}');
    }
    return b.append(']').toString();
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.toString();
  }

  /**
   * {@code GET /metrics}: per hosted replica, series labelled {@code node} and {@code group}; the
   * process's own series (fsyncs, JVM, peer links) are labelled {@code node} only on a server hosting
   * several replicas, and {@code node} and {@code group} on one hosting a single replica (as before).
   */
  static String metrics(NodeServer node) {
    StringBuilder b = new StringBuilder();
    Map<String, StringBuilder> series = new java.util.LinkedHashMap<>();
    long requestsRouted = 0;
    for (HostedReplica r : node.replicas().values()) {
      HostedReplica.ReplicaStatus s = r.status();
      String l = "{node=\"" + node.id() + "\",group=\"" + r.group() + "\"}";
      if (s != null) {
        gauge(series, "shardkv_raft_term", "current Raft term", l, s.term());
        gauge(series, "shardkv_raft_is_leader", "1 if this node leads its group", l, "leader".equals(s.role()) ? 1 : 0);
        gauge(series, "shardkv_raft_commit_index", "commit index", l, s.commit());
        gauge(series, "shardkv_raft_applied_index", "applied index", l, s.applied());
        gauge(series, "shardkv_raft_last_index", "last log index", l, s.lastIndex());
        gauge(series, "shardkv_pending_requests", "client requests awaiting an answer", l, s.pending());
        gauge(series, "shardkv_snapshots_taken", "snapshots taken by this incarnation", l, s.snapshots());
        gauge(series, "shardkv_migrations_stalled", "shards in a migration state for longer than 10 s", l,
            r.stalledMigrations().size());
        NodeEvents ev = r.events();
        if (ev != null) {
          gauge(series, "shardkv_config_num", "configuration number this node is at (config center: the latest)", l, ev.configNum());
          gauge(series, "shardkv_migrations_in_flight", "shards of this group in a migration state", l, ev.migrationsInFlight());
          counter(series, "shardkv_leader_changes_total", "leader changes this node has seen since it started", l, ev.leaderChanges());
          String inner = l.substring(0, l.length() - 1);
          ev.shardStates().forEach((state, n) -> gauge(series, "shardkv_shard_states",
              "shards of this group held here in each state (shard groups only)", inner + ",state=\"" + state + "\"}", n));
        }
      }
      gauge(series, "shardkv_dedup_sessions", "client sessions in the exactly-once table (live)", l, r.sessions.live());
      gauge(series, "shardkv_dedup_expired_sessions", "expired client sessions kept as tombstones (docs/sessions.md)", l,
          r.sessions.expired());
      counter(series, "shardkv_readies_total", "Raft Readies this replica handled (as of the last tick)", l, r.metrics.readies);
      counter(series, "shardkv_readies_writing_total", "Readies that wrote to storage (as of the last tick)", l,
          r.metrics.readiesWriting);
      requestsRouted += r.metrics.requests.get();
    }
    series.values().forEach(b::append);
    boolean one = node.replicas().size() == 1;
    String l = one ? "{node=\"" + node.id() + "\",group=\"" + node.replicas().firstKey() + "\"}" : "{node=\"" + node.id() + "\"}";
    GroupFlusher f = node.flusher();
    counter(b, "shardkv_fsyncs_total", "storage fsyncs", l, f.fsyncs.get());
    counter(b, "shardkv_fsync_nanoseconds_total", "time spent in storage fsyncs", l, f.fsyncNanos.get());
    gauge(b, "shardkv_fsync_max_nanoseconds", "longest storage fsync since the node started", l, f.fsyncMaxNanos.get());
    f.fsyncLatency.render(b, "shardkv_fsync_seconds", "storage fsync latency (one sample per replica synced in a flush pass)", l);
    counter(b, "shardkv_flush_passes_total", "flusher passes (one pass fsyncs every replica written in a loop turn)", l,
        f.passes.get());
    counter(b, "shardkv_flush_batches_total", "replicas' storage batches the flusher passes covered (per pass: groups in one"
        + " fsync when the commit journal is on)", l, f.batches.get());
    counter(b, "shardkv_loop_turns_total", "event-loop turns (one selector call each)", l, node.loop().turns());
    counter(b, "shardkv_loop_wakeups_total", "selector wakeups requested by other threads", l, node.loop().wakeups());
    counter(b, "shardkv_loop_tasks_total", "tasks run on the event loop", l, node.loop().tasksRun());
    Runtime rt = Runtime.getRuntime();
    gauge(b, "shardkv_jvm_heap_used_bytes", "JVM heap in use", l, rt.totalMemory() - rt.freeMemory());
    gauge(b, "shardkv_jvm_heap_max_bytes", "JVM maximum heap", l, rt.maxMemory());
    counter(b, "shardkv_client_requests_total", "client requests received", l, node.metrics.requests.get());
    b.append("# HELP shardkv_client_replies_total client replies by status\n# TYPE shardkv_client_replies_total counter\n");
    for (HostedReplica r : node.replicas().values()) {
      for (Map.Entry<Status, java.util.concurrent.atomic.AtomicLong> e : r.metrics.replies.entrySet()) {
        b.append("shardkv_client_replies_total{node=\"").append(node.id()).append("\",group=\"").append(r.group())
            .append("\",status=\"").append(e.getKey()).append("\"} ").append(e.getValue().get()).append('\n');
      }
    }
    counter(b, "shardkv_peer_messages_sent_total", "peer messages handed to a link", l, node.transport().messagesSent());
    counter(b, "shardkv_peer_messages_dropped_total", "peer messages dropped (link down or slow)", l, node.transport().messagesDropped());
    counter(b, "shardkv_peer_messages_received_total", "peer messages received", l, node.transport().messagesReceived());
    b.append("# HELP shardkv_raft_messages_sent_total Raft messages sent, by kind (append_empty: an AppendEntries without"
        + " entries)\n# TYPE shardkv_raft_messages_sent_total counter\n");
    for (RaftTraffic.Kind k : RaftTraffic.Kind.values()) {
      b.append("shardkv_raft_messages_sent_total{node=\"").append(node.id()).append("\",kind=\"").append(k.label())
          .append("\"} ").append(node.metrics.raftTraffic.sent(k)).append('\n');
    }
    counter(b, "shardkv_raft_entries_sent_total", "log entries carried by the AppendEntries sent", l,
        node.metrics.raftTraffic.entries());
    counter(b, "shardkv_peer_decode_errors_total", "peer messages that did not decode", l, node.metrics.peerDecodeErrors.get());
    counter(b, "shardkv_peer_unknown_group_total", "peer messages for a group this node does not host (dropped)", l,
        node.metrics.peerUnknownGroup.get());
    counter(b, "shardkv_leader_balance_transfers_total", "leadership transfers started to spread leaders over the servers", l,
        node.metrics.leaderBalanceTransfers.get());
    return b.toString();
  }

  /** Appends a sample to its metric's block, the HELP and TYPE lines once per metric. */
  private static void gauge(Map<String, StringBuilder> series, String name, String help, String labels, long v) {
    series.computeIfAbsent(name, n -> new StringBuilder("# HELP " + n + " " + help + "\n# TYPE " + n + " gauge\n"))
        .append(name).append(labels).append(' ').append(v).append('\n');
  }

  private static void counter(Map<String, StringBuilder> series, String name, String help, String labels, long v) {
    series.computeIfAbsent(name, n -> new StringBuilder("# HELP " + n + " " + help + "\n# TYPE " + n + " counter\n"))
        .append(name).append(labels).append(' ').append(v).append('\n');
  }

  private static void gauge(StringBuilder b, String name, String help, String labels, long v) {
    b.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" gauge\n")
        .append(name).append(labels).append(' ').append(v).append('\n');
  }

  private static void counter(StringBuilder b, String name, String help, String labels, long v) {
    b.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" counter\n")
        .append(name).append(labels).append(' ').append(v).append('\n');
  }

  @Override
  public void close() {
    http.stop(0);
  }
}

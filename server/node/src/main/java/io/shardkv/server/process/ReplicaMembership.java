package io.shardkv.server.process;

import io.shardkv.server.raft.Membership;
import io.shardkv.server.raft.MembershipChange;
import io.shardkv.server.raft.NotLeader;
import io.shardkv.server.raft.ProposeResult;
import io.shardkv.server.raft.Role;
import io.shardkv.server.replica.MembershipRules;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin side of single-server membership changes (Raft thesis §4.1-4.3; the core's rules are in
 * raft.Reconfiguration, the operator's view in docs/membership.md). Every method runs on the admin
 * thread and reaches the replicas through {@link NodeServer#onLoop}.
 *
 * <ul>
 *   <li>On the group's <b>leader</b>: {@code POST /add-replica}, {@code /promote}, {@code /remove-replica}
 *       ({@code ?group=G&server=ID|HOST:PORT[&force=true]}) propose one change and answer 202 with the
 *       CONFIG entry's index once it is appended (it takes effect at once, commits later); refusals
 *       say why: 400 {@code refused} (unknown server, not a member, already one, node format), 409
 *       {@code not_leader} (naming the leader), {@code in_progress} (one change at a time),
 *       {@code not_caught_up} (a learner is promoted only once it holds the commit index),
 *       {@code would_lose_quorum} (unless {@code force=true}), {@code refused_now} (the core's other
 *       reasons, e.g. no entry of this term committed yet), 503 {@code unavailable}.</li>
 *   <li>On <b>any member</b>: {@code GET /members?group=G}, the configuration as that replica knows it.</li>
 *   <li>On the <b>server being added</b>: {@code POST /host-replica?group=G&seed=IDS} (called by the
 *       leader before it proposes the learner): the server records the group in its hosted-groups
 *       file and starts an empty replica that catches up by snapshot and log.</li>
 *   <li>On the <b>server removed</b>: {@code POST /retire-replica?group=G} (called by ctl once the removal
 *       committed): the replica stops, the group leaves the hosted-groups file and its data directory
 *       is renamed {@code group-G.removed-TIMESTAMP} (kept, never deleted by the server).</li>
 * </ul>
 */
final class ReplicaMembership {
  private static final Logger log = LoggerFactory.getLogger(ReplicaMembership.class);
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");

  private ReplicaMembership() {}

  /** What the leader's replica looks like at one moment (read on the loop thread). */
  private record View(boolean leader, int leaderId, long term, List<Integer> seed, boolean stopped) {}

  // ---------------------------------------------------------------- leader: propose a change

  static AdminServer.Probe change(NodeServer node, String op, String groupArg, String serverArg, boolean force) {
    return change(node, op, groupArg, serverArg, force, null, null);
  }

  /**
   * One change; {@code addressArg}/{@code adminArg} (add only, both or neither): the added server's
   * client/peer and admin addresses, which the new configuration carries so every replica learns them
   * (docs/membership.md, "Addresses"). Without them the server must be known: from the config file, or
   * learnt from a configuration (then the entry carries that address too).
   */
  static AdminServer.Probe change(NodeServer node, String op, String groupArg, String serverArg, boolean force,
                                  String addressArg, String adminArg) {
    String head = "{\"node\":" + node.id() + ",\"op\":\"" + op + "\",";
    ClusterConfig cluster = node.cluster();
    Integer group = parseInt(groupArg);
    if (group == null) return refused(head, 400, "refused", "expected ?group=G&server=ID with G a group id, got group=" + groupArg);
    head += "\"group\":" + group + ",";
    if (cluster.nodeFormat()) {
      return refused(head, 400, "refused", "membership changes need a config file in the server format ('server' and"
          + " 'group' lines, docs/config.md); " + cluster.file() + " uses the older node format");
    }
    if ((addressArg != null || adminArg != null) && !op.equals("add")) {
      return refused(head, 400, "refused", "only add-replica takes a server's address; " + op + " names a member");
    }
    Target t = target(node, serverArg, addressArg, adminArg);
    if (t.refusal() != null) return new AdminServer.Probe(t.refusal().code(), head + t.refusal().json());
    AddressBook.Entry target = t.entry();
    int to = target.id();
    HostedReplica r = node.replicas().get(group);
    if (r == null) {
      return refused(head, 400, "refused", "server " + node.id() + " hosts no replica of group " + group
          + " (it hosts " + node.hostedGroups() + "); ask the group's leader");
    }
    View v = view(node, r, to);
    if (v == null) return refused(head, 503, "unavailable", "node " + node.id() + " did not take the request within 2 s");
    if (v.stopped()) return refused(head, 503, "unavailable", "the replica of group " + group + " stopped (storage failure)");
    if (!v.leader()) return notLeader(node, head, group, v.leaderId());
    MembershipRules.Op o = MembershipRules.Op.ofWireName(op);
    if (o == null) return refused(head, 400, "refused", "unknown membership operation " + op);
    // The rules (one change at a time, caught-up learners, the quorum guard) are the replica package's
    // MembershipRules, which the simulator's membership nemesis runs too (sim shardkv --membership).
    ClusterConfig.Settings s = node.cluster().settings();
    long window = Math.max(2000, 2L * s.electionMaxTicks() * s.tickMillis());
    long now = node.nowMillis();
    Membership[] decidedOn = new Membership[1];
    MembershipRules.Decision d = node.onLoop(() -> {
      decidedOn[0] = r.host().raft().membership();
      return MembershipRules.decide(group, o, to, r.host().raft(), force, id -> r.heardFromWithin(id, now, window), window);
    });
    if (d == null) return refused(head, 503, "unavailable", "node " + node.id() + " did not take the request within 2 s");
    if (d.refused()) {
      MembershipRules.Refusal no = d.refusal();
      // Its address lets ctl stop a leftover replica there (a server down when it was removed).
      String h = no.notAMember() ? head + "\"server_address\":\"" + target.address() + "\"," : head;
      return refused(h, no.httpCode(), no.status(), no.reason());
    }
    // An addition carries the new server's address (when it has one to carry): every replica of the group,
    // the ones added later too (snapshots carry it), learns where the server is.
    MembershipChange change = o == MembershipRules.Op.ADD && t.carried() != null
        ? MembershipChange.addLearner(to, t.carried()) : d.change();
    if (o == MembershipRules.Op.ADD) {
      AdminServer.Probe hosted = askToHost(node, target, group, v.seed(), t.carried());
      if (hosted != null) return hosted;
    }
    Membership m = decidedOn[0];
    ProposeResult res = node.onLoop(() -> r.host().proposeMembershipChange(change));
    if (res == null) return refused(head, 503, "unavailable", "node " + node.id() + " did not take the request within 2 s");
    if (res instanceof NotLeader nl) return notLeader(node, head, group, nl.leaderHint());
    if (res instanceof ProposeResult.Rejected rj) return refused(head, 409, "refused_now", rj.reason());
    ProposeResult.Accepted acc = (ProposeResult.Accepted) res;
    Membership next = m.apply(change);
    log.info("node {}: group {} membership change {} proposed at index {} (term {}): {} -> {}, asked on the admin port",
        node.id(), group, change, acc.index(), acc.term(), m, next);
    return new AdminServer.Probe(202, head + "\"status\":\"accepted\",\"server\":" + to + ",\"index\":" + acc.index()
        + ",\"term\":" + acc.term() + ",\"voters\":" + ids(next.voters()) + ",\"learners\":" + ids(next.learners()) + "}\n");
  }

  private static View view(NodeServer node, HostedReplica r, int target) {
    return node.onLoop(() -> {
      var raft = r.host().raft();
      return new View(r.host().isLeader(), raft.leaderId(), raft.term(), raft.config().members(), r.host().stopped());
    });
  }

  /** A refusal before the change is decided: its HTTP code and the rest of its JSON answer. */
  private record Refusal(int code, String json) {}

  /** The server a change names: its addresses, the address the configuration will carry (or null); or a refusal. */
  private record Target(AddressBook.Entry entry, Membership.Address carried, Refusal refusal) {
    static Target no(int code, String status, String reason) {
      return new Target(null, null, new Refusal(code, "\"status\":\"" + status + "\",\"reason\":\"" + AdminServer.esc(reason)
          + "\"}\n"));
    }
  }

  /**
   * Resolves the server of a change (an id or its HOST:PORT) in the address book. With an address:
   * refused if malformed, if the id is known at another address (a server id names one host for the
   * cluster's life: a replaced host must not reuse it, docs/membership.md rule 8), or if another
   * server is known at that address.
   */
  private static Target target(NodeServer node, String serverArg, String addressArg, String adminArg) {
    AddressBook book = node.addresses();
    Integer id = parseInt(serverArg);
    AddressBook.Entry known = serverArg == null ? null : id != null ? book.get(id) : book.byAddress(serverArg);
    if (addressArg == null && adminArg == null) {
      if (known == null) {
        return Target.no(400, "unknown_server", "unknown server '" + serverArg + "': " + node.cluster().file()
            + " defines servers " + node.cluster().servers().keySet() + " and the groups' configurations add "
            + book.ids().stream().filter(i -> !node.cluster().servers().containsKey(i)).toList() + "; add a brand-new host"
            + " with its address: ctl add-replica GROUP ID --address HOST:PORT (docs/membership.md)");
      }
      // Learnt from another group's configuration: this group's configuration carries it too, so its
      // replicas on servers that host no such group learn it as well.
      return new Target(known, known.fromFile() ? null : new Membership.Address(known.address(), known.adminAddress()), null);
    }
    if (id == null || id < 1) {
      return Target.no(400, "refused", "with an address, name the server by its id (a positive integer), got '" + serverArg + "'");
    }
    if (addressArg == null || adminArg == null) {
      return Target.no(400, "refused", "give both address=HOST:PORT and admin=HOST:PORT (ctl add-replica --address asks the"
          + " server at the address for its admin port)");
    }
    Membership.Address a;
    try {
      a = new Membership.Address(addressArg, adminArg);
    } catch (IllegalArgumentException e) {
      return Target.no(400, "refused", "malformed address: " + e.getMessage());
    }
    if (known != null && (!known.address().equals(a.peer()) || !known.adminAddress().equals(a.admin()))) {
      return Target.no(409, "refused", "server " + id + " is known at " + known.address() + " (admin " + known.adminAddress()
          + ", from " + known.source() + "), not at " + a.peer() + " (admin " + a.admin() + "): a server id names one host"
          + " for the cluster's life (a replaced host with fresh storage must not reuse it: it may have voted in a term it"
          + " no longer remembers); give the new host a new server id, or leave out --address (docs/membership.md)");
    }
    AddressBook.Entry other = book.byAddress(a.peer());
    if (other != null && other.id() != id) {
      return Target.no(409, "refused", "address " + a.peer() + " is server " + other.id() + "'s (from " + other.source()
          + "), not server " + id + "'s");
    }
    return new Target(known != null ? known : new AddressBook.Entry(id, a.peer(), a.admin(), "this request"), a, null);
  }

  /**
   * Asks {@code target} to host an empty replica of {@code group}; null when it does (or already did).
   * With {@code carried} the server first checks that the address is its own, and its answer must
   * name the target's id: a mistyped address never enters the configuration.
   */
  private static AdminServer.Probe askToHost(NodeServer node, AddressBook.Entry target, int group, List<Integer> seed,
                                             Membership.Address carried) {
    String head = "{\"node\":" + node.id() + ",\"op\":\"add\",\"group\":" + group + ",";
    String url = "http://" + target.adminAddress() + "/host-replica?group=" + group + "&seed="
        + String.join(",", seed.stream().map(String::valueOf).toList())
        + (carried == null ? "" : "&address=" + enc(carried.peer()) + "&admin=" + enc(carried.admin()));
    HttpResponse<String> resp;
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      resp = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException | IllegalArgumentException e) {
      return refused(head, 503, "unavailable", "server " + target.id() + " did not answer on its admin port "
          + target.adminAddress() + " (" + e + "); start it first: bin/shardkv server --config FILE --node " + target.id());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return refused(head, 503, "unavailable", "interrupted");
    }
    java.util.regex.Matcher who = java.util.regex.Pattern.compile("^\\{\"node\":(\\d+),").matcher(resp.body());
    if (who.find() && Integer.parseInt(who.group(1)) != target.id()) {
      return refused(head, 409, "refused", "the server answering on admin port " + target.adminAddress() + " is server "
          + who.group(1) + ", not server " + target.id() + "; check the address");
    }
    if (resp.statusCode() == 200 || resp.statusCode() == 201) return null;
    return refused(head, 409, "refused", "server " + target.id() + " cannot host group " + group + ": "
        + AdminServer.reason(resp.body()));
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- any member: report

  /** {@code GET /members?group=G}: the group's configuration as this server's replica knows it. */
  static AdminServer.Probe members(NodeServer node, String groupArg) {
    Integer group = parseInt(groupArg);
    String head = "{\"node\":" + node.id() + ",";
    if (group == null) return refused(head, 400, "refused", "expected GET /members?group=G, got group=" + groupArg);
    HostedReplica r = node.replicas().get(group);
    if (r == null) {
      return refused(head + "\"group\":" + group + ",", 400, "refused", "server " + node.id() + " hosts no replica of group "
          + group + " (it hosts " + node.hostedGroups() + ")");
    }
    ClusterConfig.Settings s = node.cluster().settings();
    long window = Math.max(2000, 2L * s.electionMaxTicks() * s.tickMillis());
    String body = node.onLoop(() -> {
      var raft = r.host().raft();
      Membership m = raft.membership();
      boolean leader = raft.role() == Role.LEADER;
      long now = node.nowMillis();
      // The latest configuration entry's index; once a snapshot compacted it away, the snapshot's last
      // index (the configuration is known to be in effect, committed, from there on).
      long configIndex = raft.membershipIndex() > 0 ? raft.membershipIndex() : raft.snapshotMeta().lastIndex();
      StringBuilder b = new StringBuilder("{\"node\":").append(node.id()).append(",\"group\":").append(group)
          .append(",\"status\":\"ok\",\"role\":\"").append(raft.role().name().toLowerCase()).append("\",\"leader\":")
          .append(raft.leaderId()).append(",\"term\":").append(raft.term()).append(",\"commit\":").append(raft.commitIndex())
          .append(",\"config_index\":").append(configIndex).append(",\"committed\":")
          .append(configIndex <= raft.commitIndex()).append(",\"seed\":").append(ids(raft.config().members()))
          .append(",\"voters\":").append(ids(m.voters())).append(",\"learners\":").append(ids(m.learners()))
          .append(",\"members\":[");
      boolean first = true;
      for (int id : m.all()) {
        AddressBook.Entry sv = node.addresses().get(id);
        if (!first) b.append(',');
        first = false;
        b.append("{\"id\":").append(id).append(",\"voter\":").append(m.isVoter(id)).append(",\"address\":\"")
            .append(sv == null ? "" : sv.address()).append("\",\"admin\":\"").append(sv == null ? "" : sv.adminAddress())
            .append("\"");
        if (leader) {
          b.append(",\"match\":").append(raft.matchIndex(id)).append(",\"live\":").append(r.heardFromWithin(id, now, window));
        }
        b.append('}');
      }
      return b.append("]}\n").toString();
    });
    if (body == null) return refused(head, 503, "unavailable", "node " + node.id() + " did not answer within 2 s");
    return new AdminServer.Probe(200, body);
  }

  // ---------------------------------------------------------------- the server added: host an empty replica

  /**
   * {@code POST /host-replica?group=G&seed=IDS[&address=A&admin=B]}: 201 hosted, 200 already hosted,
   * 400/409 refused. With {@code address}/{@code admin} (the addresses the group's configuration will
   * carry for this server), refused unless they are this server's own (its config file line).
   */
  static synchronized AdminServer.Probe host(NodeServer node, String groupArg, String seedArg, String addressArg,
                                             String adminArg) {
    Integer group = parseInt(groupArg);
    String head = "{\"node\":" + node.id() + ",\"group\":" + (group == null ? "null" : group) + ",";
    if (group == null) return refused(head, 400, "refused", "expected ?group=G&seed=ID,ID,... with G a group id");
    ClusterConfig.Server me = node.self();
    if ((addressArg != null && !addressArg.equals(me.address())) || (adminArg != null && !adminArg.equals(me.adminAddress()))) {
      return refused(head, 409, "refused", "server " + node.id() + " listens at " + me.address() + " (admin "
          + me.adminAddress() + ", its config file line), not at " + addressArg + " (admin " + adminArg + "); check the"
          + " address given to ctl add-replica --address");
    }
    List<Integer> seed = new ArrayList<>();
    for (String p : seedArg == null ? new String[0] : seedArg.split(",")) {
      Integer id = parseInt(p);
      if (id == null) return refused(head, 400, "refused", "seed must list server ids, got '" + seedArg + "'");
      seed.add(id);
    }
    if (seed.isEmpty()) return refused(head, 400, "refused", "seed must list the group's seed voters");
    if (!node.hosted().mutable()) {
      return refused(head, 400, "refused", "this server's config file uses the node format: it hosts one fixed group");
    }
    if (node.replicas().containsKey(group)) {
      return new AdminServer.Probe(200, head + "\"status\":\"hosted\",\"already\":true}\n");
    }
    if (seed.contains(node.id())) {
      return refused(head, 409, "refused", "server " + node.id() + " is in group " + group + "'s seed " + seed + ": a server"
          + " that was once a member cannot rejoin with fresh storage (it may have voted in a term it no longer"
          + " remembers); give the host a new server id (docs/membership.md)");
    }
    Path dir = node.cluster().replicaDir(group, node.id());
    try {
      if (hasData(dir)) {
        return refused(head, 409, "refused", dir + " holds data of an earlier replica of group " + group + "; move it away"
            + " (or delete it) first");
      }
      if (formerlyHosted(dir)) {
        return refused(head, 409, "refused", "server " + node.id() + " hosted group " + group + " before ("
            + dir.getFileName() + ".removed-* in " + dir.getParent() + "): a server that was once a member cannot rejoin with"
            + " fresh storage (it may have voted in a term it no longer remembers); give the host a new server id");
      }
      node.hosted().add(group, seed); // durable before the replica exists: a restart hosts it again
      HostedReplica r = new HostedReplica(node, group, seed);
      if (node.onLoop(() -> {
        node.attach(r);
        return true;
      }) == null) {
        return refused(head, 503, "unavailable", "the replica was built but the loop did not take it within 2 s");
      }
    } catch (IOException | RuntimeException e) {
      return refused(head, 500, "failed", "could not start a replica of group " + group + " in " + dir + ": " + e);
    }
    log.info("node {} now hosts an empty replica of group {} (seed {}), data in {}; it catches up once the leader adds it",
        node.id(), group, seed, dir);
    return new AdminServer.Probe(201, head + "\"status\":\"hosted\",\"dir\":\"" + AdminServer.esc(dir.toString()) + "\"}\n");
  }

  private static boolean hasData(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) return false;
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isPresent();
    }
  }

  private static boolean formerlyHosted(Path dir) throws IOException {
    if (!Files.isDirectory(dir.getParent())) return false;
    String prefix = dir.getFileName() + ".removed-";
    try (Stream<Path> s = Files.list(dir.getParent())) {
      return s.anyMatch(p -> p.getFileName().toString().startsWith(prefix));
    }
  }

  // ---------------------------------------------------------------- the server removed: retire its replica

  /**
   * {@code POST /retire-replica?group=G}: stops this server's replica of {@code group}, drops it from
   * the hosted-groups file and renames its directory {@code group-G.removed-TIMESTAMP}. Called by ctl
   * after the leader committed the removal; 200 with the kept directory, 400 when not hosted.
   */
  static synchronized AdminServer.Probe retire(NodeServer node, String groupArg) {
    Integer group = parseInt(groupArg);
    String head = "{\"node\":" + node.id() + ",\"group\":" + (group == null ? "null" : group) + ",";
    if (group == null) return refused(head, 400, "refused", "expected ?group=G with G a group id");
    if (!node.hosted().mutable()) {
      return refused(head, 400, "refused", "this server's config file uses the node format: it hosts one fixed group");
    }
    if (!node.replicas().containsKey(group)) {
      return refused(head, 400, "refused", "server " + node.id() + " hosts no replica of group " + group);
    }
    HostedReplica r = node.onLoop(() -> node.detach(group));
    if (r == null) return refused(head, 503, "unavailable", "the loop did not answer within 2 s");
    Path dir = r.dir();
    Path kept = dir.resolveSibling(dir.getFileName() + ".removed-" + LocalDateTime.now().format(STAMP));
    try {
      node.hosted().remove(group); // durable before the data moves: a restart no longer hosts it
      node.flusher().afterPasses(r::close).get(10, java.util.concurrent.TimeUnit.SECONDS);
      Files.move(dir, kept);
    } catch (Exception e) {
      return refused(head, 500, "failed", "the replica stopped and left the hosted groups, but " + dir
          + " could not be moved to " + kept + ": " + e + "; move or delete it by hand");
    }
    log.info("node {} no longer hosts group {} (removed from the group); its data is kept in {} (delete it when no"
        + " longer needed)", node.id(), group, kept);
    return new AdminServer.Probe(200, head + "\"status\":\"retired\",\"kept\":\"" + AdminServer.esc(kept.toString()) + "\"}\n");
  }

  // ---------------------------------------------------------------- helpers

  private static AdminServer.Probe notLeader(NodeServer node, String head, int group, int leader) {
    AddressBook.Entry ln = leader < 0 ? null : node.addresses().get(leader);
    return new AdminServer.Probe(409, head + "\"status\":\"not_leader\",\"leader\":" + leader + ",\"leader_address\":\""
        + (ln == null ? "" : ln.address()) + "\",\"leader_admin\":\"" + (ln == null ? "" : ln.adminAddress())
        + "\",\"reason\":\"node " + node.id() + " does not lead group " + group
        + (leader < 0 ? "; no leader known now" : "; node " + leader + " does") + "\"}\n");
  }

  private static AdminServer.Probe refused(String head, int code, String status, String reason) {
    return new AdminServer.Probe(code, head + "\"status\":\"" + status + "\",\"reason\":\"" + AdminServer.esc(reason) + "\"}\n");
  }

  private static String ids(List<Integer> ids) {
    return ids.toString().replace(" ", "");
  }

  private static Integer parseInt(String s) {
    if (s == null) return null;
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}

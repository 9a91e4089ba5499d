package io.shardkv.chaos.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The member nemesis's admin client against fake servers speaking the admin endpoints' JSON
 * (server/.../process/ReplicaMembership): it finds the leader among every server, retries transient
 * refusals until the deadline, and hands a refusal for good (the quorum guard) back at once.
 */
class MemberAdminTest {
  private final List<HttpServer> servers = new ArrayList<>();
  private final List<String> posts = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(0));
  }

  /** A /members body as a server of group 1 answers it (members 1, 2, 3 voters; 4 a learner). */
  static String members(int node, String role, boolean committed) {
    return "{\"node\":" + node + ",\"group\":1,\"status\":\"ok\",\"role\":\"" + role + "\",\"leader\":2,\"term\":4,\"commit\":90,"
        + "\"config_index\":80,\"committed\":" + committed + ",\"seed\":[1,2,3],\"voters\":[1,2,3],\"learners\":[4],\"members\":["
        + "{\"id\":1,\"voter\":true,\"address\":\"10.0.0.1:7000\",\"admin\":\"10.0.0.1:8000\",\"match\":90,\"live\":true},"
        + "{\"id\":2,\"voter\":true,\"address\":\"10.0.0.2:7000\",\"admin\":\"ADMIN\",\"match\":90,\"live\":true},"
        + "{\"id\":3,\"voter\":true,\"address\":\"10.0.0.3:7000\",\"admin\":\"10.0.0.3:8000\",\"match\":88,\"live\":true},"
        + "{\"id\":4,\"voter\":false,\"address\":\"10.0.0.4:7001\",\"admin\":\"10.0.0.4:8001\",\"match\":12,\"live\":true}]}\n";
  }

  private String serve(int code, String members, Map<String, List<String>> postAnswers) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
    String admin = "127.0.0.1:" + s.getAddress().getPort();
    s.createContext("/members", ex -> answer(ex, code, members.replace("ADMIN", admin)));
    AtomicInteger n = new AtomicInteger();
    postAnswers.forEach((path, answers) -> s.createContext(path, ex -> {
      posts.add(path + "?" + ex.getRequestURI().getQuery());
      String a = answers.get(Math.min(n.getAndIncrement(), answers.size() - 1));
      answer(ex, Integer.parseInt(a.substring(0, 3)), a.substring(4));
    }));
    s.start();
    servers.add(s);
    return admin;
  }

  private static void answer(HttpExchange ex, int code, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(code, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  private static long in(long ms) {
    return System.nanoTime() + ms * 1_000_000L;
  }

  @Test
  void theMembersAnswerParses() {
    MemberAdmin.Members m = MemberAdmin.Members.parse(ClusterStatus.parseJson(members(2, "leader", false)));
    assertEquals(2, m.leader());
    assertEquals(80, m.configIndex());
    assertFalse(m.committed());
    assertFalse(m.settled(), "a learner waits");
    assertEquals(List.of(1, 2, 3), m.voters());
    assertEquals(List.of(4), m.learners());
    assertEquals(List.of("10.0.0.1:7000", "10.0.0.2:7000", "10.0.0.3:7000"), m.voterAddresses());
    assertEquals("ADMIN", m.leaderAdmin());
  }

  @Test
  void theLeaderIsFoundAmongEveryServer_whateverTheOthersAnswer() throws Exception {
    String follower = serve(200, members(1, "follower", true), Map.of());
    String noGroup = serve(400, "{\"node\":5,\"status\":\"refused\",\"reason\":\"server 5 hosts no replica of group 1\"}", Map.of());
    String leader = serve(200, members(2, "leader", true), Map.of());
    MemberAdmin a = new MemberAdmin(() -> List.of(follower, noGroup, "127.0.0.1:1", leader));
    assertEquals(leader, a.leaderOnce(1).leaderAdmin());
    assertNull(new MemberAdmin(() -> List.of(follower, noGroup)).leader(1, in(300)), "no leader by the deadline");
  }

  @Test
  void aRefusalForGood_theQuorumGuard_isHandedBackAtOnce_notRetried() throws Exception {
    String leader = serve(200, members(2, "leader", true), Map.of("/remove-replica",
        List.of("409 {\"node\":2,\"status\":\"would_lose_quorum\",\"reason\":\"the group would lose its quorum\"}")));
    MemberAdmin.Answer r = new MemberAdmin(() -> List.of(leader)).change(1, "/remove-replica", 3, in(5000));
    assertEquals(409, r.code());
    assertEquals("would_lose_quorum", r.status());
    assertEquals("the group would lose its quorum", r.reason());
    assertEquals(List.of("/remove-replica?group=1&server=3"), posts, "asked once, never with force");
  }

  @Test
  void aLearnerStillCatchingUp_isPromotedOnceTheLeaderAcceptsIt() throws Exception {
    String leader = serve(200, members(2, "leader", true), Map.of("/promote", List.of(
        "409 {\"status\":\"not_caught_up\",\"reason\":\"learner 4 holds the log up to index 12\"}",
        "409 {\"status\":\"not_caught_up\",\"reason\":\"learner 4 holds the log up to index 60\"}",
        "202 {\"status\":\"accepted\",\"index\":91,\"voters\":[1,2,3,4],\"learners\":[]}")));
    MemberAdmin.Answer r = new MemberAdmin(() -> List.of(leader)).change(1, "/promote", 4, in(5000));
    assertTrue(r.accepted());
    assertEquals(91, r.index());
    assertEquals(3, posts.size());
  }

  @Test
  void aTransientRefusal_isHandedBackWhenTheDeadlinePasses() throws Exception {
    String leader = serve(200, members(2, "leader", true), Map.of("/promote",
        List.of("409 {\"status\":\"not_caught_up\",\"reason\":\"learner 4 holds the log up to index 12\"}")));
    MemberAdmin.Answer r = new MemberAdmin(() -> List.of(leader)).change(1, "/promote", 4, in(700));
    assertEquals("not_caught_up", r.status());
    assertTrue(posts.size() >= 2 && posts.size() <= 6, "retried every 200 ms until the deadline: " + posts.size());
  }
}

package io.shardkv.chaos.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.shardkv.driver.client.ShardKvClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The campaign's client sessions: home-bound ones are dealt round-robin over the hosts; none fails fast. */
class KvSessionsTest {
  private static final List<String> CENTER = List.of("198.18.0.11:7000");

  @Test
  void homeBoundSessionsAreDealtOverTheHostsInTurn() {
    try (KvSessions s = new KvSessions(CENTER, Duration.ofSeconds(5), Duration.ofSeconds(30),
        List.of("198.18.0.11", "198.18.0.12", "198.18.0.13"))) {
      List<String> homes = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        try (ShardKvClient c = s.open()) {
          homes.add(c.options().home());
        }
      }
      assertEquals(List.of("198.18.0.11", "198.18.0.12", "198.18.0.13", "198.18.0.11", "198.18.0.12", "198.18.0.13",
          "198.18.0.11"), homes);
    }
  }

  @Test
  void withoutHomesEverySessionFollowsTheLeaderAndNoSessionFailsFast() {
    try (KvSessions s = new KvSessions(CENTER, Duration.ofSeconds(5), Duration.ofSeconds(30));
         ShardKvClient c = s.open()) {
      assertNull(c.options().home());
      assertFalse(c.options().failFastUntilReached(), "the cluster was up when the campaign began: refusals are an outage");
      assertEquals(Duration.ofSeconds(5), c.options().callTimeout());
    }
  }

  @Test
  void theHomesAreTheHostsOfTheAdminAddressesOnceEachInHostOrder() {
    Map<String, List<String>> admin = new LinkedHashMap<>();
    admin.put("n1", List.of("198.18.0.11:8000", "198.18.0.11:8001"));
    admin.put("n2", List.of("198.18.0.12:8000"));
    admin.put("n3", List.of());
    assertEquals(List.of("198.18.0.11", "198.18.0.12"), KvSessions.homeHosts(admin));
  }
}

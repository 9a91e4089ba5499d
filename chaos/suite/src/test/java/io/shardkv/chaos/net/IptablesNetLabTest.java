package io.shardkv.chaos.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.chaos.control.Host;
import io.shardkv.chaos.control.Remote;
import io.shardkv.chaos.control.SshRemote;
import io.shardkv.chaos.lab.Lab;
import io.shardkv.chaos.lab.LabFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** iptables partitions between lab hosts really cut traffic, one direction or both, and heal restores it. */
class IptablesNetLabTest {
  static final Map<String, Remote> remotes = new LinkedHashMap<>();
  static IptablesNet net;
  @TempDir static Path tmp;

  @BeforeAll
  static void start() {
    Lab.Info lab = LabFixture.up(3);
    SshRemote.Settings s = SshRemote.Settings.defaults(tmp.resolve("known_hosts"));
    for (Host h : lab.hosts()) remotes.put(h.name(), SshRemote.connect(h, s));
    net = new IptablesNet(remotes);
  }

  @AfterAll
  static void cleanUp() {
    remotes.values().forEach(Remote::close);
    LabFixture.down();
  }

  @AfterEach
  void heal() {
    if (net != null) net.heal();
  }

  /** Whether {@code from} completes a TCP handshake with {@code to}'s sshd within a second. */
  private static boolean reaches(String from, String to) {
    String addr = remotes.get(to).host().address();
    return remotes.get(from).exec("timeout 1 bash -c " + "'exec 3<>/dev/tcp/" + addr + "/22'", Duration.ofSeconds(30)).ok();
  }

  @Test
  void everyHostReachesEveryOther_beforeAnyPartition() {
    for (String a : remotes.keySet()) {
      for (String b : remotes.keySet()) if (!a.equals(b)) assertTrue(reaches(a, b), a + " -> " + b);
    }
  }

  @Test
  void aCompleteGrudge_cutsBothDirections_leavesTheOthers_andHealRestores() {
    net.drop(Map.of("n1", Set.of("n2"), "n2", Set.of("n1")));
    assertEquals(List.of("198.19.0.2"), net.dropped("n1"));
    assertEquals(List.of("198.19.0.1"), net.dropped("n2"));
    assertFalse(reaches("n1", "n2"));
    assertFalse(reaches("n2", "n1"));
    assertTrue(reaches("n1", "n3"));
    assertTrue(reaches("n3", "n2"));

    net.heal();
    assertEquals(List.of(), net.dropped("n1"));
    assertEquals(List.of(), net.dropped("n2"));
    assertTrue(reaches("n1", "n2"));
    assertTrue(reaches("n2", "n1"));
  }

  @Test
  void droppingOnTheReceiver_isEnoughToBreakAConnection_eitherWay() {
    // only n3 drops what n1 sends: n1 -> n3 fails (SYN dropped), and n3 -> n1 fails too (SYN-ACK dropped)
    net.drop(Map.of("n3", Set.of("n1")));
    assertFalse(reaches("n1", "n3"));
    assertFalse(reaches("n3", "n1"));
    assertTrue(reaches("n2", "n3"));
  }

  @Test
  void oneHostIsolated_byAGrudgeWithSeveralSources_stillAnswersTheControlNode() throws Exception {
    net.drop(Map.of("n1", Set.of("n2", "n3"), "n2", Set.of("n1"), "n3", Set.of("n1")));
    assertEquals(List.of("198.19.0.2", "198.19.0.3"), net.dropped("n1"));
    assertFalse(reaches("n2", "n1"));
    assertFalse(reaches("n3", "n1"));
    assertTrue(reaches("n2", "n3"));
    // the control node is never in a grudge: it still runs commands on the isolated host
    assertEquals("n1 answers\n", remotes.get("n1").execOk("echo n1 answers", Duration.ofSeconds(30)));
  }

  @Test
  void aGrudgeNamingAStranger_orAHostDroppingItself_isRefused() {
    assertEquals("grudge names 'n9', not a host (hosts: [n1, n2, n3])",
        assertThrows(IllegalArgumentException.class, () -> net.drop(Map.of("n1", Set.of("n9")))).getMessage());
    assertEquals("grudge: host n2 cannot drop itself",
        assertThrows(IllegalArgumentException.class, () -> net.drop(Map.of("n2", Set.of("n2")))).getMessage());
  }
}

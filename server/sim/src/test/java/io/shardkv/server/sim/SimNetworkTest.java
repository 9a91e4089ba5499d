package io.shardkv.server.sim;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SimNetworkTest {

  private final SimScheduler loop = new SimScheduler();
  private final TraceDigest digest = new TraceDigest();
  private final List<String> received = new ArrayList<>();
  private final boolean[] down = new boolean[3];

  private SimNetwork<String> network(long seed) {
    SimNetwork<String> net = new SimNetwork<>(loop, new SimRandom(seed), digest, 3, s -> s, String::length);
    net.setReceiver((from, to, m) -> {
      if (down[to]) return false;
      received.add(from + "->" + to + ":" + m);
      return true;
    });
    return net;
  }

  @Test
  void reliableNetworkDeliversEveryMessageAndCountsThem() {
    SimNetwork<String> net = network(1);
    for (int i = 0; i < 50; i++) net.send(0, 1, "m" + i);
    loop.runUntil(1000);
    assertEquals(50, received.size());
    assertEquals(50, net.sent());
    assertEquals(50, net.delivered());
    assertEquals(0, net.dropped());
    assertEquals(50 * 2 + 40, net.bytesSent());
  }

  @Test
  void dropProbabilityLosesThatShareOfMessages() {
    SimNetwork<String> net = network(2);
    net.setProfile(LinkProfile.RELIABLE.withDrop(0.5));
    for (int i = 0; i < 1000; i++) net.send(0, 1, "m");
    loop.runUntil(1000);
    assertEquals(1000, net.delivered() + net.dropped());
    assertTrue(net.dropped() > 400 && net.dropped() < 600, "dropped " + net.dropped());
  }

  @Test
  void duplicationDeliversSomeMessagesTwice() {
    SimNetwork<String> net = network(3);
    net.setProfile(LinkProfile.RELIABLE.withDuplicate(1.0));
    net.send(0, 1, "x");
    loop.runUntil(1000);
    assertEquals(List.of("0->1:x", "0->1:x"), received);
    assertEquals(1, net.duplicated());
  }

  @Test
  void spreadDelaysReorderMessagesOnOneLink() {
    SimNetwork<String> net = network(4);
    net.setProfile(LinkProfile.RELIABLE.withDelay(1, 100));
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      sent.add("0->1:" + i);
      net.send(0, 1, Integer.toString(i));
    }
    loop.runUntil(1000);
    assertEquals(Set.copyOf(sent), Set.copyOf(received));
    assertNotEquals(sent, received, "20 messages with 1-100 ms delays should not all arrive in order");
  }

  @Test
  void oneWayGrudgeBlocksOnlyItsDirection() {
    SimNetwork<String> net = network(5);
    net.block(0, 1);
    net.send(0, 1, "lost");
    net.send(1, 0, "kept");
    loop.runUntil(100);
    assertEquals(List.of("1->0:kept"), received);
    assertFalse(net.connected(0, 1));
    assertEquals(1, net.dropped());
  }

  @Test
  void partitionAlsoCutsMessagesAlreadyInFlightAndHealRestoresLinks() {
    SimNetwork<String> net = network(6);
    net.setProfile(LinkProfile.RELIABLE.withDelay(50, 50));
    net.send(0, 2, "in-flight");
    net.send(0, 1, "same-side");
    loop.runUntil(10);
    net.partition(List.of(List.of(0, 1), List.of(2)));
    loop.runUntil(100);
    assertEquals(List.of("0->1:same-side"), received);
    net.heal();
    net.send(0, 2, "after-heal");
    loop.runUntil(200);
    assertEquals(List.of("0->1:same-side", "0->2:after-heal"), received);
  }

  @Test
  void messagesToACrashedNodeAreCountedAsDropped() {
    SimNetwork<String> net = network(7);
    down[2] = true;
    net.send(0, 2, "void");
    loop.runUntil(100);
    assertTrue(received.isEmpty());
    assertEquals(1, net.dropped());
    assertEquals(0, net.delivered());
  }

  @Test
  void sameSeedSameTrafficSameDigest() {
    assertEquals(trafficDigest(9), trafficDigest(9));
    assertNotEquals(trafficDigest(9), trafficDigest(10));
  }

  private static String trafficDigest(long seed) {
    SimScheduler loop = new SimScheduler();
    TraceDigest digest = new TraceDigest();
    SimNetwork<String> net = new SimNetwork<>(loop, new SimRandom(seed), digest, 3, s -> s, String::length);
    net.setReceiver((f, t, m) -> true);
    net.setProfile(new LinkProfile(0.2, 0.2, 1, 30, 0.1, 100, 200));
    for (int i = 0; i < 100; i++) net.send(i % 3, (i + 1) % 3, "m" + i);
    loop.runUntil(1000);
    return digest.hex();
  }
}

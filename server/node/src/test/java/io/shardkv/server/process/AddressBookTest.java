package io.shardkv.server.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.server.raft.Membership;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, a process's address book (docs/membership.md, "Addresses"): the config file's server lines
 * seed it; the addresses carried by the configurations of the groups it hosts are learnt as they take
 * effect and win over the file; its own entry never moves.
 */
class AddressBookTest {
  private static ClusterConfig.Server server(int id, String host) {
    return new ClusterConfig.Server(id, host, 7000, host, 8000, Path.of("/var/lib/shardkv"));
  }

  private static final TreeMap<Integer, ClusterConfig.Server> FILE = new TreeMap<>(Map.of(
      1, server(1, "10.0.0.1"), 2, server(2, "10.0.0.2"), 3, server(3, "10.0.0.3")));

  private static Membership carrying(int id, String host) {
    return new Membership(List.of(1, 2, 3), List.of(id), new TreeMap<>(Map.of(id, new Membership.Address(host + ":7000", host + ":8000"))));
  }

  @Test
  void theFileSeedsTheBook() {
    AddressBook b = new AddressBook(1, FILE);
    assertEquals("10.0.0.2:7000", b.get(2).address());
    assertEquals("10.0.0.2:8000", b.get(2).adminAddress());
    assertTrue(b.get(2).fromFile());
    assertNull(b.get(4), "a server no line names and no configuration carried is unknown");
    assertEquals(3, b.byAddress("10.0.0.3:7000").id());
    assertEquals(List.of(1, 2, 3), List.copyOf(b.ids()));
  }

  @Test
  void aNewServerIsLearntFromAConfigurationOnceAndLinkedTo() {
    AddressBook b = new AddressBook(1, FILE);
    List<AddressBook.Entry> changed = b.learn(1, carrying(4, "10.0.0.4"));
    assertEquals(1, changed.size());
    assertEquals(4, changed.get(0).id());
    assertEquals("10.0.0.4:7000", changed.get(0).socketAddress().getHostString() + ":" + changed.get(0).socketAddress().getPort());
    assertEquals("10.0.0.4:7000", b.get(4).address());
    assertEquals("group 1's configuration", b.get(4).source());
    assertEquals(4, b.byAddress("10.0.0.4:7000").id());
    assertEquals(List.of(1, 2, 3, 4), List.copyOf(b.ids()));
    assertEquals(List.of(), b.learn(1, carrying(4, "10.0.0.4")), "the same configuration again changes nothing");
    assertEquals(List.of(), b.learn(2, carrying(4, "10.0.0.4")), "nor the same address from another group");
    assertEquals(List.of(), b.learn(1, Membership.ofVoters(List.of(1, 2, 3))), "a configuration without addresses teaches nothing");
    assertEquals("10.0.0.4:7000", b.get(4).address(), "and forgets nothing");
  }

  @Test
  void theReplicatedAddressWinsOverTheFile() {
    AddressBook b = new AddressBook(1, FILE);
    Membership moved = new Membership(List.of(1, 2, 3), List.of(), new TreeMap<>(Map.of(3,
        new Membership.Address("10.0.9.3:7000", "10.0.9.3:8000"))));
    List<AddressBook.Entry> changed = b.learn(0, moved);
    assertEquals(List.of(3), changed.stream().map(AddressBook.Entry::id).toList(), "the link to 3 must move");
    assertEquals("10.0.9.3:7000", b.get(3).address());
    assertNull(b.byAddress("10.0.0.3:7000"), "the file's address is no longer server 3's");
  }

  @Test
  void theSameAddressAsTheFileMovesNoLinkButBecomesReplicated() {
    AddressBook b = new AddressBook(1, FILE);
    Membership same = new Membership(List.of(1, 2, 3), List.of(), new TreeMap<>(Map.of(2,
        new Membership.Address("10.0.0.2:7000", "10.0.0.2:8000"))));
    assertEquals(List.of(), b.learn(0, same));
    assertEquals("group 0's configuration", b.get(2).source());
  }

  @Test
  void twoConfigurationsDisagreeingOnAServerLastLearntWins() {
    AddressBook b = new AddressBook(1, FILE);
    b.learn(1, carrying(4, "10.0.0.4"));
    List<AddressBook.Entry> changed = b.learn(2, carrying(4, "10.0.0.5"));
    assertEquals(1, changed.size());
    assertEquals("10.0.0.5:7000", b.get(4).address());
    assertEquals("group 2's configuration", b.get(4).source());
  }

  @Test
  void itsOwnEntryNeverMoves() {
    AddressBook b = new AddressBook(1, FILE);
    Membership me = new Membership(List.of(1, 2, 3), List.of(), new TreeMap<>(Map.of(1,
        new Membership.Address("10.0.9.1:7000", "10.0.9.1:8000"))));
    assertEquals(List.of(), b.learn(0, me));
    assertEquals("10.0.0.1:7000", b.get(1).address(), "a server listens where its own line says");
  }
}

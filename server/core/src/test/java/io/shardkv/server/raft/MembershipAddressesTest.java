package io.shardkv.server.raft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, dynamic address book: a configuration may carry the addresses of members added with one
 * ({@code ctl add-replica G S --address}). The encoding is a contract: configurations without
 * addresses stay version 1, byte for byte what earlier releases wrote (and their files still load);
 * version 2 adds the addresses after the member lists.
 */
class MembershipAddressesTest {
  private static final Membership.Address A4 = new Membership.Address("10.0.0.4:7000", "10.0.0.4:8000");

  /** voters [1, 2, 3], learners [4], as every release before issue 16's address book wrote it. */
  private static final String OLD_V1 = "01" + "0003" + "00000001" + "00000002" + "00000003" + "0001" + "00000004";

  @Test
  void anOldVersion1ConfigurationStillDecodes() {
    Membership m = Membership.decode(HexFormat.of().parseHex(OLD_V1));
    assertEquals(List.of(1, 2, 3), m.voters());
    assertEquals(List.of(4), m.learners());
    assertTrue(m.addresses().isEmpty());
    assertNull(m.address(4));
  }

  @Test
  void aConfigurationWithoutAddressesIsStillWrittenAsVersion1ByteForByte() {
    assertEquals(OLD_V1, HexFormat.of().formatHex(new Membership(List.of(1, 2, 3), List.of(4)).encode()));
    assertEquals(OLD_V1, HexFormat.of().formatHex(new Membership(List.of(3, 2, 1), List.of(4), new TreeMap<>()).encode()));
  }

  @Test
  void aConfigurationWithAddressesIsVersion2AndRoundTrips() {
    Membership m = new Membership(List.of(1, 2, 3), List.of(4), new TreeMap<>(Map.of(4, A4)));
    byte[] b = m.encode();
    assertEquals(2, b[0]);
    assertEquals(m, Membership.decode(b));
    assertEquals(A4, Membership.decode(b).address(4));
    String expected = "02" + OLD_V1.substring(2) + "0001" + "00000004"
        + "000d" + HexFormat.of().formatHex("10.0.0.4:7000".getBytes()) + "000d" + HexFormat.of().formatHex("10.0.0.4:8000".getBytes());
    assertEquals(expected, HexFormat.of().formatHex(b), "version 2 layout: version 1's lists, then (id, peer, admin) triples");
  }

  @Test
  void anAddressTravelsWithItsServerFromAdditionToPromotionAndLeavesWithItsRemoval() {
    Membership seed = Membership.ofVoters(List.of(1, 2, 3));
    Membership added = seed.apply(MembershipChange.addLearner(4, A4));
    assertEquals(List.of(4), added.learners());
    assertEquals(Map.of(4, A4), added.addresses());
    Membership promoted = added.apply(MembershipChange.promote(4));
    assertEquals(Map.of(4, A4), promoted.addresses(), "a promotion keeps the address");
    Membership other = promoted.apply(MembershipChange.remove(3));
    assertEquals(Map.of(4, A4), other.addresses(), "removing another member keeps it");
    Membership gone = other.apply(MembershipChange.remove(4));
    assertTrue(gone.addresses().isEmpty(), "only members carry an address");
    assertEquals(1, gone.encode()[0], "and with none left the configuration is version 1 again");
    assertEquals(seed.apply(MembershipChange.addLearner(4)).addresses(), Map.of(), "an addition without an address carries none");
  }

  @Test
  void malformedBytesAndAddressesAreRefusedWithAReason() {
    byte[] v2 = new Membership(List.of(1), List.of(4), new TreeMap<>(Map.of(4, A4))).encode();
    IllegalArgumentException truncated = assertThrows(IllegalArgumentException.class,
        () -> Membership.decode(java.util.Arrays.copyOf(v2, v2.length - 3)));
    assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
    byte[] v3 = v2.clone();
    v3[0] = 3;
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Membership.decode(v3));
    assertTrue(unknown.getMessage().contains("unknown membership encoding version 3"), unknown.getMessage());
    byte[] trailing = java.util.Arrays.copyOf(v2, v2.length + 1);
    assertThrows(IllegalArgumentException.class, () -> Membership.decode(trailing));
    IllegalArgumentException notMember = assertThrows(IllegalArgumentException.class,
        () -> new Membership(List.of(1), List.of(), new TreeMap<>(Map.of(4, A4))));
    assertTrue(notMember.getMessage().contains("no member"), notMember.getMessage());
    for (String bad : List.of("", "host", "host:", ":7000", "host:0", "host:70000", "host:x", "a b:7000")) {
      assertThrows(IllegalArgumentException.class, () -> new Membership.Address(bad, "h:8000"), bad);
    }
    assertThrows(IllegalArgumentException.class, () -> new MembershipChange(MembershipChange.Kind.PROMOTE, 4, A4),
        "only an addition carries an address");
  }

  @Test
  void aChangeWithoutAnAddressPrintsAsBefore() {
    assertEquals("MembershipChange[kind=ADD_LEARNER, nodeId=4]", MembershipChange.addLearner(4).toString());
    assertEquals("voters=[1, 2, 3] learners=[4]", new Membership(List.of(1, 2, 3), List.of(4)).toString());
  }
}

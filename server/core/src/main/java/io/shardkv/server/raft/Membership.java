package io.shardkv.server.raft;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The configuration of a Raft group (Raft thesis §4): its voters and its learners (non-voting
 * members, thesis §4.2.1). Immutable; both lists are ascending and disjoint.
 *
 * <p>Only voters vote, campaign, and count toward commit, CheckQuorum and ReadIndex quorums;
 * learners receive every append and snapshot so they can catch up before a promotion.
 *
 * <p><b>Addresses</b> (issue 16, docs/membership.md "Addresses"): a configuration may also carry the
 * network addresses of some of its members — those added with an address ({@code ctl add-replica G S
 * --address HOST:PORT}), so that every replica, and every server hosting one, learns where a server
 * lives from the replicated log (as etcd's {@code member add --peer-urls}) instead of from its config
 * file. The Raft core never reads them: they are opaque strings that travel with the configuration
 * (log entries, snapshots, InstallSnapshot) and take effect with it. Invariant: only members have an
 * address here; a member without one is found through the servers' config files.
 *
 * <p>Encoded (the payload of an {@link EntryKind#CONFIG} entry, of a snapshot's recorded
 * configuration on disk and on the wire), big-endian:
 * <pre>
 * version 1 (no member carries an address; byte for byte what every earlier release wrote):
 *   u8 1, u16 nVoters, nVoters x i32, u16 nLearners, nLearners x i32
 * version 2 (some member carries an address):
 *   as version 1 with u8 2, then u16 nAddresses, nAddresses x (i32 id, u16 len, UTF-8 peer address,
 *   u16 len, UTF-8 admin address), ids ascending
 * </pre>
 * Version 1 is still written whenever no address is carried, so clusters (and simulator runs) that
 * never add a server by address keep their files, wire bytes and digests; a version-2 configuration
 * needs every server of the group upgraded (an older one refuses it as an unknown version).
 */
public record Membership(List<Integer> voters, List<Integer> learners, SortedMap<Integer, Address> addresses) {
  private static final byte VERSION_1 = 1;
  private static final byte VERSION_2 = 2;
  /** Longest address accepted (bytes of UTF-8): a host name (253) and a port. */
  static final int MAX_ADDRESS_BYTES = 300;

  /**
   * Where a member server listens: {@code peer} is its client/peer port ({@code HOST:PORT}, the
   * config file's {@code addr}), {@code admin} its HTTP admin port (the file's {@code admin}).
   */
  public record Address(String peer, String admin) {
    public Address {
      check("peer", peer);
      check("admin", admin);
    }

    private static void check(String what, String a) {
      if (a == null || a.isEmpty()) throw new IllegalArgumentException("a member's " + what + " address is empty");
      int c = a.lastIndexOf(':');
      if (c <= 0 || c == a.length() - 1) {
        throw new IllegalArgumentException("a member's " + what + " address must be HOST:PORT, got '" + a + "'");
      }
      int port;
      try {
        port = Integer.parseInt(a.substring(c + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("a member's " + what + " address must be HOST:PORT with PORT 1..65535, got '" + a + "'");
      }
      if (a.getBytes(StandardCharsets.UTF_8).length > MAX_ADDRESS_BYTES || a.chars().anyMatch(ch -> ch <= ' ')) {
        throw new IllegalArgumentException("a member's " + what + " address is too long or has blanks: '" + a + "'");
      }
    }

    @Override
    public String toString() {
      return peer + " (admin " + admin + ")";
    }
  }

  public Membership {
    voters = List.copyOf(new TreeSet<>(voters));
    learners = List.copyOf(new TreeSet<>(learners));
    addresses = Collections.unmodifiableSortedMap(new TreeMap<>(addresses));
    for (int v : voters) {
      if (v < 0) throw new IllegalArgumentException("member ids must be >= 0: " + voters);
      if (learners.contains(v)) {
        throw new IllegalArgumentException("node " + v + " is both voter and learner in " + voters + "/" + learners);
      }
    }
    for (int l : learners) if (l < 0) throw new IllegalArgumentException("member ids must be >= 0: " + learners);
    for (Map.Entry<Integer, Address> a : addresses.entrySet()) {
      if (!voters.contains(a.getKey()) && !learners.contains(a.getKey())) {
        throw new IllegalArgumentException("node " + a.getKey() + " has an address but is no member of " + voters + "/" + learners);
      }
      java.util.Objects.requireNonNull(a.getValue(), "address");
    }
  }

  /** A configuration that carries no address (every member found through the config files). */
  public Membership(List<Integer> voters, List<Integer> learners) {
    this(voters, learners, new TreeMap<>());
  }

  /** The address this configuration carries for member {@code id}, or null. */
  public Address address(int id) {
    return addresses.get(id);
  }

  /** A configuration of voters only (the seed of a group: its config file's members). */
  public static Membership ofVoters(List<Integer> voters) { return new Membership(voters, List.of()); }

  public boolean isVoter(int id) { return voters.contains(id); }

  public boolean isLearner(int id) { return learners.contains(id); }

  public boolean contains(int id) { return isVoter(id) || isLearner(id); }

  /** Votes (or acknowledgements) forming a majority of the voters (Raft paper §5.2). */
  public int quorum() { return voters.size() / 2 + 1; }

  /** Voters and learners, ascending. */
  public List<Integer> all() {
    TreeSet<Integer> s = new TreeSet<>(voters);
    s.addAll(learners);
    return List.copyOf(s);
  }

  /**
   * The configuration after {@code change}, or throws {@link IllegalArgumentException} saying why the
   * change does not apply to this configuration (what is wrong and how to fix it).
   */
  public Membership apply(MembershipChange change) {
    int id = change.nodeId();
    List<Integer> v = new ArrayList<>(voters);
    List<Integer> l = new ArrayList<>(learners);
    TreeMap<Integer, Address> a = new TreeMap<>(addresses);
    switch (change.kind()) {
      case ADD_LEARNER -> {
        if (contains(id)) {
          throw new IllegalArgumentException("node " + id + " is already a " + (isVoter(id) ? "voter" : "learner")
              + " of " + this + "; add a server that is not a member");
        }
        l.add(id);
        if (change.address() != null) a.put(id, change.address());
      }
      case PROMOTE -> {
        if (!isLearner(id)) {
          throw new IllegalArgumentException("node " + id + " is not a learner of " + this
              + (isVoter(id) ? " (it is a voter already)" : "; add it as a learner first"));
        }
        l.remove(Integer.valueOf(id));
        v.add(id);
      }
      case REMOVE -> {
        if (!contains(id)) throw new IllegalArgumentException("node " + id + " is not a member of " + this);
        if (voters.equals(List.of(id))) {
          throw new IllegalArgumentException("node " + id + " is the last voter of " + this + "; a group needs one");
        }
        v.remove(Integer.valueOf(id));
        l.remove(Integer.valueOf(id));
        a.remove(id); // only members carry an address; a removed server id never rejoins (docs/membership.md rule 8)
      }
    }
    return new Membership(v, l, a);
  }

  /** Version 1 when no member carries an address (the bytes every earlier release wrote), else version 2. */
  public byte[] encode() {
    List<byte[][]> addrs = new ArrayList<>();
    int size = 1 + 2 + 4 * voters.size() + 2 + 4 * learners.size();
    if (!addresses.isEmpty()) {
      size += 2;
      for (Address a : addresses.values()) {
        byte[][] pa = {a.peer().getBytes(StandardCharsets.UTF_8), a.admin().getBytes(StandardCharsets.UTF_8)};
        addrs.add(pa);
        size += 4 + 2 + pa[0].length + 2 + pa[1].length;
      }
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    b.put(addresses.isEmpty() ? VERSION_1 : VERSION_2).putShort((short) voters.size());
    for (int v : voters) b.putInt(v);
    b.putShort((short) learners.size());
    for (int l : learners) b.putInt(l);
    if (!addresses.isEmpty()) {
      b.putShort((short) addresses.size());
      int i = 0;
      for (int id : addresses.keySet()) {
        byte[][] pa = addrs.get(i++);
        b.putInt(id).putShort((short) pa[0].length).put(pa[0]).putShort((short) pa[1].length).put(pa[1]);
      }
    }
    return b.array();
  }

  /** Decodes {@link #encode()}'s output (either version); throws {@link IllegalArgumentException} on malformed bytes. */
  public static Membership decode(byte[] bytes) {
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      byte version = b.get();
      if (version != VERSION_1 && version != VERSION_2) {
        throw new IllegalArgumentException("unknown membership encoding version " + version + " (known: 1, 2)");
      }
      List<Integer> v = new ArrayList<>();
      for (int i = b.getShort() & 0xFFFF; i > 0; i--) v.add(b.getInt());
      List<Integer> l = new ArrayList<>();
      for (int i = b.getShort() & 0xFFFF; i > 0; i--) l.add(b.getInt());
      TreeMap<Integer, Address> a = new TreeMap<>();
      if (version == VERSION_2) {
        int n = b.getShort() & 0xFFFF;
        if (n == 0) throw new IllegalArgumentException("a version-2 membership with no address (version 1 is written then)");
        for (; n > 0; n--) {
          int id = b.getInt();
          Address prev = a.put(id, new Address(string(b), string(b)));
          if (prev != null) throw new IllegalArgumentException("node " + id + " has two addresses in one membership");
        }
      }
      if (b.hasRemaining()) throw new IllegalArgumentException(b.remaining() + " trailing bytes after a membership");
      return new Membership(v, l, a);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("membership encoding truncated (" + bytes.length + " bytes)");
    }
  }

  private static String string(ByteBuffer b) {
    int n = b.getShort() & 0xFFFF;
    if (n > MAX_ADDRESS_BYTES) throw new IllegalArgumentException("a member address of " + n + " bytes (at most " + MAX_ADDRESS_BYTES + ")");
    byte[] s = new byte[n];
    b.get(s);
    return new String(s, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "voters=" + voters + (learners.isEmpty() ? "" : " learners=" + learners)
        + (addresses.isEmpty() ? "" : " addresses=" + addresses);
  }
}

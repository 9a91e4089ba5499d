package io.shardkv.server.raft;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The configuration of a Raft group (Raft thesis §4): its voters and its learners (non-voting
 * members, thesis §4.2.1). Immutable; both lists are ascending and disjoint.
 *
 * <p>Only voters vote, campaign, and count toward commit, CheckQuorum and ReadIndex quorums;
 * learners receive every append and snapshot so they can catch up before a promotion.
 *
 * <p>Encoded (the payload of an {@link EntryKind#CONFIG} entry, of a snapshot's recorded
 * configuration on disk and on the wire), big-endian:
 * {@code u8 version=1, u16 nVoters, nVoters x i32, u16 nLearners, nLearners x i32}.
 */
public record Membership(List<Integer> voters, List<Integer> learners) {
  private static final byte VERSION = 1;

  public Membership {
    voters = List.copyOf(new TreeSet<>(voters));
    learners = List.copyOf(new TreeSet<>(learners));
    for (int v : voters) {
      if (v < 0) throw new IllegalArgumentException("member ids must be >= 0: " + voters);
      if (learners.contains(v)) {
        throw new IllegalArgumentException("node " + v + " is both voter and learner in " + voters + "/" + learners);
      }
    }
    for (int l : learners) if (l < 0) throw new IllegalArgumentException("member ids must be >= 0: " + learners);
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
    switch (change.kind()) {
      case ADD_LEARNER -> {
        if (contains(id)) {
          throw new IllegalArgumentException("node " + id + " is already a " + (isVoter(id) ? "voter" : "learner")
              + " of " + this + "; add a server that is not a member");
        }
        l.add(id);
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
      }
    }
    return new Membership(v, l);
  }

  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(1 + 2 + 4 * voters.size() + 2 + 4 * learners.size());
    b.put(VERSION).putShort((short) voters.size());
    for (int v : voters) b.putInt(v);
    b.putShort((short) learners.size());
    for (int l : learners) b.putInt(l);
    return b.array();
  }

  /** Decodes {@link #encode()}'s output; throws {@link IllegalArgumentException} on malformed bytes. */
  public static Membership decode(byte[] bytes) {
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      byte version = b.get();
      if (version != VERSION) throw new IllegalArgumentException("unknown membership encoding version " + version);
      List<Integer> v = new ArrayList<>();
      for (int i = b.getShort() & 0xFFFF; i > 0; i--) v.add(b.getInt());
      List<Integer> l = new ArrayList<>();
      for (int i = b.getShort() & 0xFFFF; i > 0; i--) l.add(b.getInt());
      if (b.hasRemaining()) throw new IllegalArgumentException(b.remaining() + " trailing bytes after a membership");
      return new Membership(v, l);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("membership encoding truncated (" + bytes.length + " bytes)");
    }
  }

  @Override
  public String toString() {
    return "voters=" + voters + (learners.isEmpty() ? "" : " learners=" + learners);
  }
}

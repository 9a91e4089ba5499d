package io.shardkv.driver.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The learning rule of {@link LeaderTracker} (issue 16): when every server on the list failed to
 * give a lead in a row, the last one that answered is asked for the members it knows, and an unknown
 * member is tried next — as etcd's clients sync their endpoints from the member list.
 */
class LeaderTrackerTest {

  @Test
  void afterAFullRoundWithoutALeadTheLastServerThatAnsweredIsAskedForItsMembers() {
    LeaderTracker t = new LeaderTracker(List.of("n0", "n1", "n2"));
    t.onWrongLeader("n0", null);
    assertNull(t.membersSource(), "not out of leads after one server");
    t.onWrongLeader("n1", "");
    t.onNoAnswer("n2");
    assertEquals("n1", t.membersSource(), "n2 did not answer; n1 did, so it is up");
    assertNull(t.membersSource(), "asked once a round");
  }

  @Test
  void aNewMemberIsTriedNextAndJoinsTheList() {
    LeaderTracker t = new LeaderTracker(List.of("n0", "n1", "n2"));
    for (String s : List.of("n0", "n1", "n2")) t.onWrongLeader(s, null);
    assertEquals("n2", t.membersSource());
    // n2 was removed; the last configuration it applied has n1, n12, n13.
    assertTrue(t.onMembers(List.of("n1", "n12", "n13")));
    assertEquals("n12", t.current());
    assertEquals(List.of("n0", "n1", "n2", "n12", "n13"), t.servers());
    assertEquals(List.of("n0", "n1", "n2"), t.seeds());
  }

  @Test
  void membersAllKnownAlreadyChangeNothing() {
    LeaderTracker t = new LeaderTracker(List.of("n0", "n1", "n2"));
    for (String s : List.of("n0", "n1", "n2")) t.onWrongLeader(s, null);
    assertEquals("n2", t.membersSource());
    assertFalse(t.onMembers(List.of("n0", "n1")));
    assertFalse(t.onMembers(List.of()));
    assertEquals("n0", t.current(), "the rotation goes on");
    assertEquals(List.of("n0", "n1", "n2"), t.servers());
  }

  @Test
  void aLeadResetsTheCount() {
    LeaderTracker t = new LeaderTracker(List.of("n0", "n1", "n2"));
    t.onWrongLeader("n0", null);
    t.onWrongLeader("n1", null);
    t.onLeaderAnswered("n2");
    t.onWrongLeader("n2", null);
    t.onWrongLeader("n0", null);
    assertNull(t.membersSource());
    t.onWrongLeader("n1", "n2"); // a hint is a lead
    t.onWrongLeader("n2", null);
    t.onWrongLeader("n0", null);
    assertNull(t.membersSource());
  }

  @Test
  void aRoundOfSilenceNamesNobodyUntilAServerAnswers() {
    LeaderTracker t = new LeaderTracker(List.of("n0", "n1"));
    t.onNoAnswer("n0");
    t.onNoAnswer("n1");
    assertNull(t.membersSource(), "no server answered: none to ask");
    t.onWrongLeader("n0", null);
    assertEquals("n0", t.membersSource(), "the first to answer after a full round is asked");
  }
}

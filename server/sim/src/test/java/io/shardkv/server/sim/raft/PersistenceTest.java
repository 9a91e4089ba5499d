package io.shardkv.server.sim.raft;

import static org.junit.jupiter.api.Assertions.*;

import io.shardkv.server.raft.ProposeResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * 6.824 lab 2C on the simulator: crashes lose everything the simulated disk had not flushed, and
 * every Raft invariant is checked on every step while these run.
 */
class PersistenceTest {

  /** 6.824: TestPersist12C. */
  @Test
  void stateSurvivesCrashesOfEveryNodeAndOfLeaders() {
    RaftHarness h = new RaftHarness(3, 2201);
    h.one("11", 3, true);
    for (int i = 0; i < 3; i++) h.crash1(i);
    for (int i = 0; i < 3; i++) {
      h.start1(i);
      h.connect(i);
    }
    h.one("12", 3, true);
    int leader1 = h.checkOneLeader();
    h.crash1(leader1);
    h.start1(leader1);
    h.connect(leader1);
    h.one("13", 3, true);
    int leader2 = h.checkOneLeader();
    h.crash1(leader2);
    long index = h.one("14", 2, true);
    h.start1(leader2);
    h.connect(leader2);
    h.wait((int) index, 3, -1);
    int i3 = (h.checkOneLeader() + 1) % 3;
    h.crash1(i3);
    h.one("15", 2, true);
    h.start1(i3);
    h.connect(i3);
    h.one("16", 3, true);
  }

  /** 6.824: TestPersist22C. */
  @Test
  void progressAcrossRepeatedCrashesOfMostNodes() {
    RaftHarness h = new RaftHarness(5, 2202);
    int index = 1;
    for (int iters = 0; iters < 5; iters++) {
      h.one(Integer.toString(10 + index++), 5, true);
      int leader1 = h.checkOneLeader();
      h.crash1((leader1 + 1) % 5);
      h.crash1((leader1 + 2) % 5);
      h.one(Integer.toString(10 + index++), 3, true);
      h.crash1(leader1);
      h.crash1((leader1 + 3) % 5);
      h.crash1((leader1 + 4) % 5);
      h.start1((leader1 + 1) % 5);
      h.connect((leader1 + 1) % 5);
      h.start1((leader1 + 2) % 5);
      h.connect((leader1 + 2) % 5);
      h.sleep(1000);
      h.start1((leader1 + 3) % 5);
      h.connect((leader1 + 3) % 5);
      h.one(Integer.toString(10 + index++), 3, true);
      h.start1((leader1 + 4) % 5);
      h.connect((leader1 + 4) % 5);
      h.start1(leader1);
      h.connect(leader1);
    }
    h.one("1000", 5, true);
  }

  /** 6.824: TestPersist32C. */
  @Test
  void partitionedLeaderAndFollowerCrashAndRejoin() {
    RaftHarness h = new RaftHarness(3, 2203);
    h.one("101", 3, true);
    int leader = h.checkOneLeader();
    h.disconnect((leader + 2) % 3);
    h.one("102", 2, true);
    h.crash1(leader);
    h.crash1((leader + 1) % 3);
    h.connect((leader + 2) % 3);
    h.start1(leader);
    h.connect(leader);
    h.one("103", 2, true);
    h.start1((leader + 1) % 3);
    h.connect((leader + 1) % 3);
    h.one("104", 3, true);
  }

  /** 6.824: TestFigure82C. */
  @Test
  void figure8LeadersNeverCommitEntriesOfEarlierTermsByCounting() {
    RaftHarness h = new RaftHarness(5, 2204);
    h.one(h.randomCommand(), 1, true);
    int nup = 5;
    for (int iters = 0; iters < 1000; iters++) {
      int leader = -1;
      for (int i = 0; i < 5; i++) {
        if (h.node(i) != null && h.connected(i)) {
          ProposeResult r = h.start(i, h.randomCommand());
          if (r instanceof ProposeResult.Accepted) leader = i;
        }
      }
      if (h.rnd.below(1000) < 100) h.sleep(h.rnd.between(0, 499));
      else h.sleep(h.rnd.between(0, 12));
      if (leader != -1) {
        h.crash1(leader);
        nup--;
      }
      if (nup < 3) {
        int s = h.rnd.below(5);
        if (h.node(s) == null) {
          h.start1(s);
          h.connect(s);
          nup++;
        }
      }
    }
    for (int i = 0; i < 5; i++) {
      if (h.node(i) == null) {
        h.start1(i);
        h.connect(i);
      }
    }
    h.one(h.randomCommand(), 5, true);
  }

  /** 6.824: TestUnreliableAgree2C. */
  @Test
  void agreementOverAnUnreliableNetworkWithConcurrentClients() {
    RaftHarness h = new RaftHarness(5, 2205);
    h.setUnreliable(true);
    for (int iters = 1; iters < 50; iters++) {
      List<String> batch = new ArrayList<>();
      for (int j = 0; j < 4; j++) batch.add(Integer.toString(100 * iters + j));
      batch.add(Integer.toString(iters));
      h.oneAll(batch, 1);
    }
    h.setUnreliable(false);
    h.one("100", 5, true);
  }

  /** 6.824: TestFigure8Unreliable2C. */
  @Test
  void figure8OverAnUnreliableReorderingNetwork() {
    RaftHarness h = new RaftHarness(5, 2206);
    h.setUnreliable(true);
    h.one(Long.toString(h.rnd.below(10000)), 1, true);
    int nup = 5;
    for (int iters = 0; iters < 1000; iters++) {
      if (iters == 200) h.setLongReordering(true);
      int leader = -1;
      for (int i = 0; i < 5; i++) {
        if (h.connected(i)) {
          ProposeResult r = h.start(i, Long.toString(h.rnd.below(10000)));
          if (r instanceof ProposeResult.Accepted) leader = i;
        }
      }
      if (h.rnd.below(1000) < 100) h.sleep(h.rnd.between(0, 499));
      else h.sleep(h.rnd.between(0, 12));
      if (leader != -1 && h.rnd.below(1000) < 500) {
        h.disconnect(leader);
        nup--;
      }
      if (nup < 3) {
        int s = h.rnd.below(5);
        if (!h.connected(s)) {
          h.connect(s);
          nup++;
        }
      }
    }
    for (int i = 0; i < 5; i++) if (!h.connected(i)) h.connect(i);
    h.one(Long.toString(h.rnd.below(10000)), 5, true);
  }

  /** 6.824: TestReliableChurn2C. */
  @Test
  void reliableChurnKeepsEveryAcknowledgedValue() {
    churn(2207, false);
  }

  /** 6.824: TestUnreliableChurn2C. */
  @Test
  void unreliableChurnKeepsEveryAcknowledgedValue() {
    churn(2208, true);
  }

  /**
   * The lab's internalChurn: three clients keep proposing to random nodes and record each value they
   * see committed at the index they were given, while nodes are disconnected, crashed, restarted and
   * reconnected at random; at the end every recorded value must be in the agreed log.
   */
  private static void churn(long seed, boolean unreliable) {
    RaftHarness h = new RaftHarness(5, seed);
    h.setUnreliable(unreliable);
    List<String> acknowledged = new ArrayList<>();
    ChurnClient[] clients = new ChurnClient[3];
    for (int c = 0; c < 3; c++) clients[c] = new ChurnClient(h, c, acknowledged);
    for (ChurnClient c : clients) c.schedule();
    for (int iters = 0; iters < 20; iters++) {
      if (h.rnd.below(1000) < 200) h.disconnect(h.rnd.below(5));
      if (h.rnd.below(1000) < 500) {
        int i = h.rnd.below(5);
        if (h.node(i) == null) h.start1(i);
        h.connect(i);
      }
      if (h.rnd.below(1000) < 200) {
        int i = h.rnd.below(5);
        if (h.node(i) != null) h.crash1(i);
      }
      h.sleep(700);
    }
    h.sleep(1000);
    h.setUnreliable(false);
    for (int i = 0; i < 5; i++) {
      if (h.node(i) == null) h.start1(i);
      h.connect(i);
    }
    for (ChurnClient c : clients) c.stop = true;
    h.sleep(1000);
    long lastIndex = h.one(h.randomCommand(), 5, true);
    List<String> agreed = new ArrayList<>();
    for (int index = 1; index <= lastIndex; index++) {
      if (h.cluster.committedAt(index).kind() == io.shardkv.server.raft.EntryKind.NOOP) continue;
      String v = h.wait(index, 5, -1);
      if (v != null) agreed.add(v);
    }
    for (String v : acknowledged) assertTrue(agreed.contains(v), "didn't find a value " + v + " in the log");
    assertTrue(acknowledged.size() > 10, "clients got too few acknowledgements: " + acknowledged.size());
  }

  /** One churn client, as simulated events: propose, then poll for the commit at the given index. */
  private static final class ChurnClient {
    final RaftHarness h;
    final int id;
    final List<String> acknowledged;
    boolean stop;
    int seq;

    ChurnClient(RaftHarness h, int id, List<String> acknowledged) {
      this.h = h;
      this.id = id;
      this.acknowledged = acknowledged;
    }

    void schedule() {
      h.cluster.loop().after(7, this::attempt);
    }

    void attempt() {
      if (stop) return;
      int i = h.rnd.below(5);
      String value = "c" + id + "-" + (seq++);
      if (h.node(i) == null || !h.cluster.idle(i)) {
        schedule();
        return;
      }
      ProposeResult[] r = new ProposeResult[1];
      h.cluster.submit(i, raft -> r[0] = raft.propose(value.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      if (r[0] instanceof ProposeResult.Accepted a) poll(a.index(), value, h.now(), 10);
      else schedule();
    }

    void poll(long index, String value, long since, long delay) {
      h.cluster.loop().after(delay, () -> {
        RaftHarness.Committed c = h.nCommitted((int) index);
        if (c.count() > 0) {
          if (value.equals(c.command())) acknowledged.add(value);
          schedule();
        } else if (h.now() - since > 3000 || stop) {
          schedule();
        } else {
          poll(index, value, since, Math.min(delay * 2, 1000));
        }
      });
    }
  }
}

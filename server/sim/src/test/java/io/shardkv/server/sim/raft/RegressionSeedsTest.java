package io.shardkv.server.sim.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.server.sim.SimCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Seeds that once failed, replayed with exactly the command line that found them. Each must pass
 * (exit 0, {@code result: PASS}); the comment says what it found.
 */
class RegressionSeedsTest {

  /**
   * Found by a long sweep (issue 10) as seed 108377 while forked random streams still read their
   * parent's stream: a follower that had just learned term 4 crashed with one of its two unsynced
   * storage calls kept. The driver wrote entries before the hard state, so the term-4 entries
   * survived, the term-4 hard state did not, and the node could never start again ("persisted log
   * ends in term 4 above the persisted current term 3"). Fixed by writing the hard state first
   * (RaftStorage contract point 4, {@code Ready.writeTo}).
   *
   * <p>Since the streams are hash(seed, label) ({@code SimRandom.fork}), seed 108377 names another
   * run, so the same options were swept again with the old order (entries, then hard state) put
   * back: seed 35606 is the first that failed, at t=6571 ms — node n2, back from a pause, learned
   * term 3 from the leader together with its entries, crashed at t=5671 ms keeping 1 unsynced call
   * (the entries), and could not restart ("persisted log ends in term 3 above the persisted current
   * term 2: storage is inconsistent"). With the hard state first it passes.
   */
  @Test
  void seed35606ACrashKeepingEntriesButNotTheirTermNoLongerHappens() {
    String out = run("raft", "--seed", "35606", "--nodes", "5", "--time", "10", "--faults", "all",
        "--proposals", "100", "--snapshot-every", "50", "--liveness-seconds", "10");
    assertTrue(out.contains("result: PASS"), out);
    assertTrue(out.contains("crash=2"), "the run still crashes nodes: " + out);
  }

  /**
   * Found by the first sweeps of asynchronous storage writes (issue 13); both were the new
   * "persist before speaking" check judging a held message by the node's state at send time
   * instead of what the message promised. Seed 4 (default options): a vote for term 5, held for
   * its batch, left after that same batch had also made term 8 durable — safe, a node durably past
   * term 5 never acts in it again. Seed 851: an AppendEntriesResponse for 60@3, held for its batch,
   * left after a later, still unflushed term-4 write had overwritten index 60 in memory — the disk
   * held 60@3 as promised. The checks now compare with the durable term and the acked entry's term
   * recorded when the ack was made.
   */
  @Test
  void seeds4And851HeldMessagesAreJudgedByWhatTheyPromisedWhenMade() {
    assertTrue(run("raft", "--seed", "4").contains("result: PASS"));
    String out = run("raft", "--seed", "851", "--nodes", "5", "--time", "10", "--faults", "all",
        "--proposals", "100", "--snapshot-every", "50", "--liveness-seconds", "10");
    assertTrue(out.contains("result: PASS"), out);
  }

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(new SimCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(out));
    int exit = cl.execute(args);
    assertEquals(0, exit, out.toString());
    return out.toString();
  }
}

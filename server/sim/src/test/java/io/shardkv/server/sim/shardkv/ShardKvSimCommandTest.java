package io.shardkv.server.sim.shardkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.linearizability.CheckOptions;
import io.shardkv.linearizability.Checker;
import io.shardkv.linearizability.History;
import io.shardkv.linearizability.Operation;
import io.shardkv.linearizability.Status;
import io.shardkv.linearizability.Verdict;
import io.shardkv.linearizability.models.KvModel;
import io.shardkv.server.sim.FaultKind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ShardKvSimCommandTest {

  private static String[] run(int[] exit, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new ShardKvSimCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    exit[0] = cl.execute(args);
    return new String[] {out.toString(), err.toString()};
  }

  @Test
  void printsASummaryAndTheDigestAsItsLastLineAndReplaysTheSameDigest() {
    int[] exit = new int[1];
    String[] a = run(exit, "--seed", "3", "--time", "1.5", "--clients", "4");
    assertEquals(0, exit[0], a[0] + a[1]);
    String[] lines = a[0].strip().split("\n");
    assertTrue(lines[lines.length - 1].matches("digest=[0-9a-f]{64}"), a[0]);
    assertTrue(a[0].contains("linearizability (kv model, per key): linearizable"), a[0]);
    String[] b = run(exit, "--seed", "3", "--time", "1.5", "--clients", "4");
    assertEquals(lines[lines.length - 1], b[0].strip().substring(b[0].strip().lastIndexOf('\n') + 1));
  }

  @Test
  void badFaultListIsAUsageErrorNamingTheBadToken() {
    int[] exit = new int[1];
    String[] r = run(exit, "--faults", "drop,earthquake");
    assertEquals(3, exit[0]);
    assertTrue(r[1].contains("earthquake"), r[1]);
  }

  @Test
  void theCheckerRejectsTheRecordedHistoryOnceAReadIsFalsified() {
    ShardKvSimulation.Result r = new ShardKvSimulation(ShardKvSimOptions.defaults(8)
        .withFaults(1_500, EnumSet.noneOf(FaultKind.class), false)).run();
    assertEquals(Verdict.LINEARIZABLE, r.verdict());
    List<Operation> ops = new ArrayList<>(r.history().ops());
    int victim = -1;
    for (int i = 0; i < ops.size(); i++) {
      Operation op = ops.get(i);
      if (op.f().equals("get") && op.status() == Status.OK && op.output() != null) victim = i;
    }
    assertTrue(victim >= 0);
    Operation v = ops.get(victim);
    ops.set(victim, v.withKeyAndValues(v.key(), v.input(), "never-written"));
    assertEquals(Verdict.NOT_LINEARIZABLE,
        Checker.check(new KvModel(), History.of(ops), CheckOptions.defaults().withThreads(1)).verdict());
  }
}

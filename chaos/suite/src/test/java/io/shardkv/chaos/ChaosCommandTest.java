package io.shardkv.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line contract of {@code chaos run} and {@code chaos check} that needs no cluster. */
class ChaosCommandTest {
  @TempDir Path dir;

  @Test
  void helpDocumentsEveryOption() {
    ChaosCli.Run r = ChaosCli.run("run", "--help");
    assertEquals(0, r.exit());
    for (String o : List.of("--nodes", "--nodes-file", "--lab", "--local", "--workload", "--nemesis", "--nemesis-interval",
        "--time-limit", "--concurrency", "--rate", "--key-count", "--ops-per-key", "--seed", "--test-count", "--store",
        "--shard-groups", "--first-port", "--tick-ms", "--setup-timeout")) {
      assertTrue(r.out().contains(o + "=") || r.out().contains(o + " "), "--help lacks " + o + ":\n" + r.out());
    }
    assertTrue(ChaosCli.run("check", "--help").out().contains("--workload"));
  }

  @Test
  void badArgumentsExit254WithTheReason() {
    assertBad("no testbed", "Missing required argument", "run");
    assertBad("two testbeds", "mutually exclusive", "run", "--local", "--lab");
    assertBad("unknown workload", "--workload must be one of", "run", "--local", "--workload", "queue");
    assertBad("unknown nemesis", "unknown nemesis 'flood'", "run", "--local", "--nemesis", "kill,flood");
    assertBad("partitions locally", "--local cannot inject partitions", "run", "--local", "--nemesis", "partition");
    assertBad("member locally", "--local cannot run the member nemesis", "run", "--local", "--nemesis", "kill,member");
    assertBad("power locally", "--local cannot run the power nemesis", "run", "--local", "--nemesis", "kill,power");
    assertBad("short session idle", "--session-idle-seconds must be 0 (never expire) or at least 60", "run", "--lab",
        "--session-idle-seconds", "30");
    assertBad("zero clients", "--concurrency must be positive", "run", "--local", "--concurrency", "0");
    assertBad("missing nodes file", "is not a readable file", "run", "--nodes-file", dir.resolve("nope").toString());
    assertBad("no shard group", "--shard-groups must be at least 1", "run", "--local", "--shard-groups", "0");
    assertBad("privileged ports", "--first-port must be in 1024..", "run", "--local", "--first-port", "80");
    assertBad("admin ports past 65535", "--first-port must be in 1024..", "run", "--local", "--first-port", "65000");
    assertBad("zero tick", "--tick-ms must be in 1..10000", "run", "--local", "--tick-ms", "0");
    assertBad("no setup time", "--setup-timeout must be positive", "run", "--local", "--setup-timeout", "0");
    assertBad("no subcommand", "Missing subcommand");
  }

  private static void assertBad(String what, String message, String... args) {
    ChaosCli.Run r = ChaosCli.run(args);
    assertEquals(254, r.exit(), what + ": " + r.err());
    assertTrue(r.err().contains(message), what + ": " + r.err());
  }

  @Test
  void checkingSomethingThatIsNotAHistoryExits254NamingTheLine() throws Exception {
    Path f = dir.resolve("h.edn");
    Files.writeString(f, "{:type :invoke, :f :read, :value nil, :process 0}\n{:type :done, :f :read, :process 0}\n");
    ChaosCli.Run r = ChaosCli.run("check", f.toString(), "--workload", "register");
    assertEquals(254, r.exit());
    assertTrue(r.err().contains("h.edn:2: unknown :type :done"), r.err());
    assertEquals(254, ChaosCli.run("check", dir.resolve("absent").toString()).exit());
  }

  @Test
  void checkReChecksAnyJepsenHistoryGuessingTheWorkload() throws Exception {
    Path f = dir.resolve("history.edn");
    Files.writeString(f, String.join("\n",
        "{:type :invoke, :f :write, :value 1, :key \"r0\", :process 0, :time 1, :index 0}",
        "{:type :info, :f :kill, :value :one, :process :nemesis, :time 2, :index 1}",
        "{:type :ok, :f :write, :value 1, :key \"r0\", :process 0, :time 3, :index 2}",
        "{:type :info, :f :kill, :value {\"n1\" :killed}, :process :nemesis, :time 4, :index 3}",
        "{:type :invoke, :f :read, :value nil, :key \"r0\", :process 1, :time 5, :index 4}",
        "{:type :ok, :f :read, :value 0, :key \"r0\", :process 1, :time 6, :index 5}", ""));
    ChaosCli.Run r = ChaosCli.run("check", f.toString(), "--out", dir.resolve("out").toString());
    assertEquals(1, r.exit(), r.out());
    assertEquals("verdict=invalid store=" + f, r.lastLine());
    assertTrue(Files.exists(dir.resolve("out/results.edn")) && Files.exists(dir.resolve("out/results.json")));
    assertTrue(Files.exists(dir.resolve("out/linear-r0.html")));
  }

  @Test
  void hostsThatCannotBeReachedCrashTheTestNamingEachHost() {
    ChaosCli.Run r = ChaosCli.run("run", "--nodes", "db1.invalid,db2.invalid,db3.invalid", "--ssh-key",
        dir.resolve("no-key").toString(), "--time-limit", "1", "--store", dir.toString());
    assertEquals(255, r.exit());
    assertTrue(r.err().contains("the test crashed") && r.err().contains("db1.invalid") && r.err().contains("db3.invalid"), r.err());
    assertTrue(Files.exists(dir.resolve("latest/chaos.log")), "the run directory and its log exist even so");
  }

  @Test
  void badHostListsAreBadArguments() {
    assertBad("empty host", "--nodes: empty host name", "run", "--nodes", "a,,b");
    assertBad("bad ssh port", "--ssh-port must be in 1..65535", "run", "--nodes", "a,b,c", "--ssh-port", "0");
  }
}

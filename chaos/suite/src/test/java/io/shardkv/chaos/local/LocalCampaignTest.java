package io.shardkv.chaos.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.chaos.ChaosCli;
import io.shardkv.chaos.history.HistoryFile;
import io.shardkv.chaos.history.Op;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chaos run --local} end to end: node JVMs on 127.0.0.1 under process faults and
 * reconfiguration. A correct server comes out valid; a server with duplicate detection switched off
 * must come out invalid — the suite has to be able to fail.
 */
class LocalCampaignTest {
  @TempDir Path store;

  private static Path storeOf(ChaosCli.Run r) {
    String last = r.lastLine();
    assertTrue(last.matches("verdict=(valid|invalid|unknown) store=.+"), "last line: " + last);
    return Path.of(last.substring(last.indexOf("store=") + "store=".length()));
  }

  @Test
  void registerUnderKillPauseReconfigurationAndStateTriggeredStrikesIsValidAndRechecksTheSame() throws Exception {
    ChaosCli.Run r = ChaosCli.run("run", "--local", "--workload", "register", "--nemesis", "kill,pause,reconfig,trigger",
        "--nemesis-interval", "3", "--time-limit", "25", "--quiet", "3", "--seed", "11", "--store", store.toString());
    Path dir = storeOf(r);
    assertEquals(0, r.exit(), "verdict not valid; see " + dir);
    assertEquals("verdict=valid store=" + dir, r.lastLine());
    for (String f : List.of("test.edn", "history.edn", "chaos.log", "results.edn", "results.json", "n1/node-1.log")) {
      assertTrue(Files.exists(dir.resolve(f)), "missing " + f + " in " + dir);
    }
    assertEquals(dir.toRealPath(), store.resolve("latest").toRealPath(), "store/latest points at the run");
    List<Op> h = HistoryFile.read(dir.resolve("history.edn"));
    Set<String> faults = new TreeSet<>();
    h.stream().filter(Op::isNemesis).forEach(o -> faults.add(o.f()));
    assertTrue(faults.containsAll(Set.of("kill", "start", "pause", "resume", "join-group", "strike", "recover")), faults.toString());
    assertTrue(faults.contains("leave-group") || faults.contains("move-shard"), faults.toString());
    assertTrue(h.stream().anyMatch(o -> o.isClient() && o.isFinal() && o.type() == Op.Type.OK), "final reads happened");
    assertTrue(h.stream().filter(o -> o.isClient() && o.type() == Op.Type.OK).count() > 100, "the cluster served too little");
    // docs/protocol.md §5.6: every answer a server gave names the log entry that served it.
    List<Op> unnamed = h.stream().filter(o -> o.isClient() && o.type() == Op.Type.OK)
        .filter(o -> io.shardkv.chaos.report.TraceLinks.servedOf(o) == null).toList();
    assertTrue(unnamed.isEmpty(), "ok completions without :group :term :log-index: " + unnamed.stream().limit(3).toList());

    ChaosCli.Run again = ChaosCli.run("check", dir.toString());
    assertEquals(0, again.exit());
    assertEquals("verdict=valid store=" + dir, again.lastLine());
  }

  @Test
  void serversWithoutDuplicateDetectionComeOutInvalid() throws Exception {
    // Short faults on one host or the leaders' (fast failover), clients that keep retrying for 10 s and
    // no rate limit: many writes are committed but unanswered when their leader dies, and retried.
    ChaosCli.Run r = ChaosCli.run("run", "--local", "--workload", "append", "--nemesis", "kill,pause", "--nemesis-targets",
        "one,leaders", "--unsafe-disable-dedup", "--rate", "0", "--concurrency", "20", "--nemesis-interval", "2",
        "--op-timeout", "10", "--time-limit", "40", "--quiet", "3", "--seed", "3", "--store", store.toString());
    Path dir = storeOf(r);
    assertEquals(1, r.exit(), "the suite did not catch retried appends applied twice; see " + dir);
    assertEquals("verdict=invalid store=" + dir, r.lastLine());
    String results = Files.readString(dir.resolve("results.edn"));
    assertTrue(results.contains(":duplicated"), results);
    assertTrue(Files.list(dir).anyMatch(p -> p.getFileName().toString().startsWith("linear-")), "an HTML report of an invalid key");
  }
}

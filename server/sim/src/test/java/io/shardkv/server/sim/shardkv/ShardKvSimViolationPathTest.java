package io.shardkv.server.sim.shardkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The violation path of {@code sim shardkv}, end to end through the CLI: with the test-only
 * {@code --unsafe-disable-dedup} (servers forget who sent a request, so a retried or duplicated
 * append applies twice) over unreliable client links, the checker finds the history not
 * linearizable, the command exits 1 and writes history.edn, history.html and events.trace in the
 * directory it prints. The same run without the flag passes, so the flag is what breaks it.
 */
class ShardKvSimViolationPathTest {
  private static final String[] RUN = {"--seed", "5", "--time", "3", "--clients", "6", "--keys", "2",
      "--groups", "2", "--faults", "none", "--no-reconfig", "--unreliable-clients"};

  private static int run(StringWriter out, Path dir, boolean unsafe) {
    CommandLine cl = new CommandLine(new ShardKvSimCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(out));
    String[] args = java.util.Arrays.copyOf(RUN, RUN.length + (unsafe ? 3 : 2));
    args[RUN.length] = "--out";
    args[RUN.length + 1] = dir.toString();
    if (unsafe) args[RUN.length + 2] = "--unsafe-disable-dedup";
    return cl.execute(args);
  }

  @Test
  void withDedupDisabledRetriedAppendsApplyTwiceAndTheCommandExits1WithHistoryHtmlAndTrace(@TempDir Path tmp)
      throws Exception {
    StringWriter out = new StringWriter();
    int exit = run(out, tmp, true);
    String text = out.toString();
    assertEquals(1, exit, text);
    // A linearizability violation found by the checker, not a liveness failure.
    assertTrue(text.contains("FAIL: ") && text.contains("linearizability violated"), text);
    assertTrue(!text.contains("result: PASS"), text);
    assertTrue(text.contains("--unsafe-disable-dedup"), "the replay line keeps the flag: " + text);
    String[] lines = text.strip().split("\n");
    assertTrue(lines[lines.length - 1].matches("digest=[0-9a-f]{64}"), text);
    Path dir = tmp.resolve("sim-shardkv-seed-5");
    assertTrue(text.contains("history and visualization: " + dir.toAbsolutePath()), text);
    for (String f : new String[] {"history.edn", "history.html", "events.trace"}) {
      Path p = dir.resolve(f);
      assertTrue(Files.isRegularFile(p) && Files.size(p) > 0, f + " written in " + dir);
    }
    String edn = Files.readString(dir.resolve("history.edn"));
    assertTrue(edn.contains(":append"), "the EDN history holds the client ops");
    assertTrue(Files.readString(dir.resolve("history.html")).contains("<html"), "an HTML report");
    assertTrue(Files.readString(dir.resolve("events.trace")).startsWith("# bin/shardkv sim shardkv --seed 5"));
  }

  @Test
  void theSameRunWithTheDedupTableWorkingPassesAndWritesNothing(@TempDir Path tmp) {
    StringWriter out = new StringWriter();
    assertEquals(0, run(out, tmp, false), out.toString());
    assertTrue(out.toString().contains("result: PASS"), out.toString());
    assertTrue(!Files.exists(tmp.resolve("sim-shardkv-seed-5")), "no artifacts for a passing run");
  }
}

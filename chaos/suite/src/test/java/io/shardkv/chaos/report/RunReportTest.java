package io.shardkv.chaos.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.chaos.ChaosCli;
import io.shardkv.linearizability.CheckOptions;
import io.shardkv.linearizability.Checker;
import io.shardkv.linearizability.Verdict;
import io.shardkv.linearizability.format.Format;
import io.shardkv.linearizability.format.HistoryReader;
import io.shardkv.linearizability.models.Models;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pages of a stored run: what they show, that they are self-contained, and the counterexample they carry. */
class RunReportTest {
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G'};

  @Test
  void anInvalidRunGetsItsPagesAMarkedFailingOpAndACounterexampleThatReChecksNotLinearizable(@TempDir Path tmp)
      throws Exception {
    Path dir = SyntheticRun.write(tmp.resolve("run"), 3000, true, 7);
    RunReport.Written w = RunReport.write(dir.resolve("history.edn"), dir);

    String index = Files.readString(dir.resolve("index.html"));
    assertTrue(index.contains("class=\"verdict invalid\">invalid<"), "verdict shown");
    assertTrue(index.contains("Minimal counterexample") && index.contains("Key r1"), "counterexample of r1");
    assertTrue(index.contains("1-minimal"), "the shrinker reached 1-minimality");
    assertTrue(index.contains("id=\"coverage-matrix\""));
    for (String png : List.of("latency-raw.png", "latency-quantiles.png", "rate.png", "clock.png")) {
      assertTrue(index.contains("src=\"" + png + "\""), png);
      byte[] head = Arrays.copyOf(Files.readAllBytes(dir.resolve(png)), 4);
      assertArrayEquals(PNG, head, png + " is a PNG");
    }
    String timeline = Files.readString(dir.resolve("timeline.html"));
    Matcher marks = Pattern.compile("\"marks\":\\[\\[(\\d+),\"key r1").matcher(timeline);
    assertTrue(marks.find(), "the checker's failing op is marked in the timeline's data");
    for (String page : List.of(index, timeline)) {
      assertFalse(Pattern.compile("(src|href)=\"(https?:)?//").matcher(page).find(), "no network fetch");
    }

    Path cx = dir.resolve(RunReport.counterexampleFile("r1"));
    assertTrue(w.files().contains(cx.getFileName().toString()));
    var h = HistoryReader.read(cx, Format.JEPSEN_EDN, false).history();
    assertEquals(Verdict.NOT_LINEARIZABLE,
        Checker.check(Models.byName("cas-register", false), h, CheckOptions.defaults()).verdict(),
        "the counterexample file alone is not linearizable");
    assertTrue(h.size() <= 6, "a handful of ops, got " + h.size() + ": " + h.ops());
  }

  @Test
  void aValidRunSaysValidHasNoCounterexampleAndMarksNothing(@TempDir Path tmp) throws Exception {
    Path dir = SyntheticRun.write(tmp.resolve("run"), 2000, false, 3);
    RunReport.write(dir.resolve("history.edn"), dir);
    String index = Files.readString(dir.resolve("index.html"));
    assertTrue(index.contains("class=\"verdict valid\">valid<"), index.substring(0, 800));
    assertFalse(index.contains("Minimal counterexample"));
    assertTrue(Files.readString(dir.resolve("timeline.html")).contains("\"marks\":[]"));
  }

  @Test
  void chaosCheckWithOutRegeneratesThePagesOfAStoredRun(@TempDir Path tmp) throws Exception {
    Path dir = SyntheticRun.write(tmp.resolve("run"), 1500, true, 11);
    ChaosCli.Run r = ChaosCli.run("check", dir.toString(), "--out", dir.toString());
    assertEquals(1, r.exit(), r.err());
    assertTrue(Files.exists(dir.resolve("index.html")) && Files.exists(dir.resolve("timeline.html")));
    assertTrue(r.out().contains("chaos: report: " + dir.resolve("index.html")), r.out());
    assertTrue(Files.readString(dir.resolve("index.html"), StandardCharsets.UTF_8).contains("verdict invalid"));
  }
}

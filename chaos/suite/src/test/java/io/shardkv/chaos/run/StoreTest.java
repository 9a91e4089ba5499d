package io.shardkv.chaos.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.chaos.history.Edn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTest {
  @TempDir Path root;

  @Test
  void eachRunGetsATimestampedDirectoryAndTheLatestLinksFollowIt() throws Exception {
    LocalDateTime t = LocalDateTime.of(2025, 1, 2, 3, 4, 5);
    Path a = Store.newRun(root, "register-kill", t);
    assertEquals(root.resolve("register-kill/20250102T030405"), a);
    Path b = Store.newRun(root, "register-kill", t);
    assertEquals(root.resolve("register-kill/20250102T030405-2"), b, "a second run in the same second");
    assertEquals(b.toRealPath(), root.resolve("latest").toRealPath());
    assertEquals(b.toRealPath(), root.resolve("register-kill/latest").toRealPath());
    assertTrue(Files.isSymbolicLink(root.resolve("latest")));
    assertEquals(Path.of("register-kill/20250102T030405-2"), Files.readSymbolicLink(root.resolve("latest")), "relative, so the store can move");
  }

  @Test
  void theTestSpecReadsBackFromTestEdn() {
    TestSpec s = new TestSpec("append", List.of("partition", "kill"), 7.5, List.of("leaders", "one"), 60, 12, 0, 4, 150, 99, 10, 5, "lab",
        List.of("n1", "n2", "n3"), true);
    assertEquals(s, TestSpec.fromEdn(Edn.pretty(s.toEdn())));
    assertEquals("append-partition-kill-nodedup", s.name());
    assertEquals("set-none", new TestSpec("set", List.of(), 1, List.of(), 1, 1, 1, 1, 1, 1, 1, 1, "local", List.of(), false).name());
  }

  @Test
  void testEdnRecordsWhetherTheServersRanWithTrace() {
    TestSpec plain = new TestSpec("register", List.of("kill"), 5, List.of("one"), 60, 10, 100, 5, 200, 7, 5, 5, "lab",
        List.of("n1", "n2", "n3"), false);
    TestSpec traced = plain.withTrace(true);
    assertTrue(Edn.pretty(traced.toEdn()).contains(":trace true"), Edn.pretty(traced.toEdn()));
    assertTrue(Edn.pretty(plain.toEdn()).contains(":trace false"), Edn.pretty(plain.toEdn()));
    assertEquals(traced, TestSpec.fromEdn(Edn.pretty(traced.toEdn())));
    assertTrue(traced.withSeed(8).withNodes(List.of("n1")).trace(), "the other withers keep it");
    assertEquals(plain.name(), traced.name(), "a traced run is stored under the same test name");
    // a test.edn written before :trace existed reads as a run without trace lines
    String old = Edn.pretty(plain.toEdn()).replace(":trace false", "");
    assertEquals(plain, TestSpec.fromEdn(old));
  }
}

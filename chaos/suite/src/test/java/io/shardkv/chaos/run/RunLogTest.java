package io.shardkv.chaos.run;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class RunLogTest {
  @TempDir Path dir;

  @Test
  void theCampaignsLinesAndTheSuitesLogLinesShareChaosLogWhileTheRunLasts() throws Exception {
    Path file = dir.resolve("chaos.log");
    try (RunLog log = new RunLog(file, null); LibraryLog libs = LibraryLog.into(file)) {
      log.accept("main phase: 60 s");
      LoggerFactory.getLogger("io.shardkv.chaos.db.ShardKvDb").info("cluster up in 1234 ms");
      LoggerFactory.getLogger("io.shardkv.chaos.db.ShardKvDb").debug("too chatty");
    }
    LoggerFactory.getLogger("io.shardkv.chaos.db.ShardKvDb").info("after the run");
    String text = Files.readString(file);
    assertTrue(text.contains("main phase: 60 s") && text.contains("INFO  i.s.c.db.ShardKvDb - cluster up in 1234 ms"), text);
    assertFalse(text.contains("too chatty") || text.contains("after the run"), text);
  }
}

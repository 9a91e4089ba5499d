package io.shardkv.server.storage;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.server.raft.EntryKind;
import io.shardkv.server.raft.HardState;
import io.shardkv.server.raft.LogEntry;
import io.shardkv.server.raft.PersistedState;
import io.shardkv.server.raft.RaftConfig;
import io.shardkv.server.raft.RaftMessage;
import io.shardkv.server.raft.RaftNode;
import io.shardkv.server.raft.Ready;
import io.shardkv.server.raft.TraceSink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage rule "term before entries" (RaftStorage contract point 4) on the production WAL: a
 * follower learns term 4 and its entries in one Ready, the Ready is written with
 * {@link Ready#persistTo} (hard state first), and the WAL is cut at every byte of that Ready's
 * records, as a crash tearing the tail would. Every cut must recover to a state a {@link RaftNode}
 * starts from: either the old state, or the term-4 hard state with a prefix of the entries.
 */
class TermBeforeEntriesTornTailTest {
  private static final long BIG_SEGMENTS = FileRaftStorage.DEFAULT_SEGMENT_SIZE;
  private static final List<Integer> MEMBERS = List.of(1, 2, 3);

  @TempDir Path tmp;

  @Test
  void aTornTailOfAReadyThatLearnsATermIsAlwaysStartable() {
    Path dir = tmp.resolve("source");
    long before;
    Path segment;
    try (FileRaftStorage s = TestDirs.open(dir, BIG_SEGMENTS)) {
      PersistedState empty = s.load();
      s.setHardState(new HardState(3, HardState.NO_VOTE));
      s.append(entries(1, 3, 3));
      s.flush();
      segment = TestDirs.segments(dir).get(0);
      before = size(segment);
      RaftNode follower = node(new PersistedState(new HardState(3, HardState.NO_VOTE),
          empty.snapshot(), new byte[0], entries(1, 3, 3)));
      follower.step(new RaftMessage.AppendEntries(2, 1, 4, 3, 3, entries(4, 6, 4), 3));
      Ready rd = follower.ready();
      assertTrue(rd.hardState() != null && !rd.entriesToAppend().isEmpty(), rd.toString());
      rd.persistTo(s);
    }
    byte[] full = TestDirs.read(segment);
    TreeSet<String> outcomes = new TreeSet<>();
    for (long cut = before; cut <= full.length; cut++) {
      Path copy = tmp.resolve("cut-" + cut);
      TestDirs.write(copy.resolve(segment.getFileName()), full, (int) cut);
      PersistedState recovered = TestDirs.load(copy, BIG_SEGMENTS);
      long lastTerm = recovered.entries().isEmpty() ? 0 : recovered.entries().get(recovered.entries().size() - 1).term();
      long c = cut;
      assertTrue(lastTerm <= recovered.hardState().term(), "cut at byte " + c + ": log ends in term " + lastTerm
          + " above the recovered hard state " + recovered.hardState());
      assertDoesNotThrow(() -> node(recovered), "cut at byte " + c);
      outcomes.add("term " + recovered.hardState().term() + ", last index " + recovered.lastIndex());
      TestDirs.deleteRecursively(copy);
    }
    // The cuts reach both sides of the Ready: nothing of it, its term alone, its term and entries.
    assertEquals(List.of("term 3, last index 3", "term 4, last index 3", "term 4, last index 6"),
        new ArrayList<>(outcomes));
  }

  private static RaftNode node(PersistedState s) {
    return new RaftNode(RaftConfig.of(0, 1, MEMBERS), s, bound -> 0, TraceSink.NONE);
  }

  private static List<LogEntry> entries(long from, long to, long term) {
    List<LogEntry> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(new LogEntry(i, term, EntryKind.COMMAND, ("v" + i).getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}

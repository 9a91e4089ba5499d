package io.shardkv.chaos.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.chaos.client.Client;
import io.shardkv.chaos.gen.Gen;
import io.shardkv.chaos.gen.Generator;
import io.shardkv.chaos.history.HistoryFile;
import io.shardkv.chaos.history.HistoryWriter;
import io.shardkv.chaos.history.Op;
import io.shardkv.chaos.nemesis.Nemesis;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InterpreterTest {
  @TempDir Path dir;
  private final List<Long> opened = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger n = new AtomicInteger();

  /** Every third op is indeterminate, every seventh crashes the client; the rest succeed. */
  private Client client(long process) {
    opened.add(process);
    return new Client() {
      @Override
      public Op invoke(Op op) {
        int i = n.incrementAndGet();
        if (i % 7 == 0) {
          throw new IllegalStateException("boom");
        }
        return i % 3 == 0 ? op.info("timed out") : op.ok(op.value());
      }

      @Override
      public void close() { }
    };
  }

  private static final Nemesis NEMESIS = new Nemesis() {
    @Override public Set<String> fs() { return Set.of("kill"); }
    @Override public Op invoke(Op op) { return op.withValue(Map.of("n1", "killed")).ok("ignored"); }
  };

  private List<Op> run(Generator g, int concurrency) throws Exception {
    Path file = dir.resolve("history.edn");
    try (HistoryWriter w = new HistoryWriter(file)) {
      new Interpreter(concurrency, this::client, NEMESIS, w, s -> { }).run(g);
    }
    return HistoryFile.read(file);
  }

  @Test
  void theHistoryIsJournaledInvocationFirstWithDenseIndexesAndNondecreasingTimes() throws Exception {
    List<Op> h = run(Gen.any(Gen.clients(Gen.limit(60, Gen.repeat(Op.invoke("write", 1L)))),
        Gen.nemesis(Gen.limit(3, Gen.repeat(Op.nemesis("kill", null))))), 4);
    assertEquals(2 * 63, h.size());
    Map<Long, Op> open = new HashMap<>();
    for (int i = 0; i < h.size(); i++) {
      Op op = h.get(i);
      assertEquals(i, op.index());
      assertTrue(i == 0 || op.time() >= h.get(i - 1).time(), "time goes backwards at " + op);
      if (op.isClient()) {
        if (op.isInvoke()) {
          assertEquals(null, open.put(op.process(), op), "a process invoked twice at once: " + op);
        } else {
          assertEquals("write", open.remove(op.process()).f());
        }
      } else {
        assertEquals(Op.Type.INFO, op.type(), "nemesis ops are :info both ways, whatever the nemesis returned");
      }
    }
    assertTrue(open.isEmpty());
  }

  @Test
  void aProcessWhoseOpIsIndeterminateIsRetiredAndANewOneTakesOverWithAFreshClient() throws Exception {
    List<Op> h = run(Gen.clients(Gen.limit(40, Gen.repeat(Op.invoke("write", 1L)))), 3);
    Map<Long, Integer> invocations = new HashMap<>();
    for (Op op : h) {
      if (op.isInvoke()) {
        invocations.merge(op.process(), 1, Integer::sum);
      }
    }
    for (Op op : h) {
      if (op.type() == Op.Type.INFO) {
        // nothing after the crash: the process never returns
        assertTrue(h.stream().noneMatch(o -> o.process() == op.process() && o.index() > op.index()), "process " + op.process() + " reused");
      }
    }
    for (long p : invocations.keySet()) {
      if (p >= 3) {
        // a new process appears only in place of one that crashed: old + concurrency
        assertTrue(h.stream().anyMatch(o -> o.process() == p - 3 && o.type() == Op.Type.INFO), "process " + p + " without a crashed predecessor");
      }
    }
    assertTrue(invocations.keySet().stream().anyMatch(p -> p >= 3), "some process was replaced");
    assertTrue(h.stream().anyMatch(o -> "client crashed: java.lang.IllegalStateException: boom".equals(o.error())));
    assertEquals(invocations.keySet(), Set.copyOf(opened), "one client per process");
  }
}

package io.shardkv.server.sim.shardkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.linearizability.History;
import io.shardkv.linearizability.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A write reported :fail must never be read; exact for the simulator's unique write values. */
class FailedWritesCheckTest {
  private int line;

  private History.Builder op(History.Builder b, long p, String key, String f, Object in, Status st, Object out) {
    b.invoke(p, key, f, in, ++line);
    b.complete(p, st, f, out, ++line);
    return b;
  }

  @Test
  void aValueIsAnOptionalPutValueThenAppendValues() {
    assertEquals(List.of("p1.2", "c3.4;", "c5.6;"), FailedWritesCheck.tokens("p1.2c3.4;c5.6;"));
    assertEquals(List.of("c3.4;"), FailedWritesCheck.tokens("c3.4;"));
    assertEquals(List.of("p0.10"), FailedWritesCheck.tokens("p0.10"));
    assertEquals(List.of(), FailedWritesCheck.tokens(""));
  }

  @Test
  void aFailedAppendThatIsReadLaterIsAViolationNamingBothOps() {
    History.Builder b = new History.Builder();
    op(b, 1, "k1", "append", "c1.7;", Status.FAIL, null);
    op(b, 2, "k1", "get", null, Status.OK, "c0.1;c1.7;");
    String v = FailedWritesCheck.firstViolation(b.build());
    assertTrue(v != null && v.contains("append of 'c1.7;' to key k1 by process 1") && v.contains("process 2"), v);
  }

  @Test
  void aFailedPutThatIsReadIsAViolationButALongerPutValueIsNot() {
    History.Builder b = new History.Builder();
    op(b, 1, "k", "put", "p1.1", Status.FAIL, null);
    op(b, 2, "k", "get", null, Status.OK, "p1.10c2.3;");
    assertNull(FailedWritesCheck.firstViolation(b.build()), "p1.10 is another put");
    op(b, 2, "k", "get", null, Status.OK, "p1.1c2.3;");
    assertTrue(FailedWritesCheck.firstViolation(b.build()) != null);
  }

  @Test
  void failedWritesThatNobodyReadsAndIndefiniteWritesThatAreReadAreFine() {
    History.Builder b = new History.Builder();
    op(b, 1, "k", "append", "c1.1;", Status.FAIL, null);
    b.invoke(3, "k", "append", "c3.1;", ++line);
    b.complete(3, Status.INFO, "append", null, ++line);
    op(b, 2, "k", "get", null, Status.OK, "c3.1;");
    op(b, 4, "other", "get", null, Status.OK, "c1.1;"); // same value, other key: a different write
    assertNull(FailedWritesCheck.firstViolation(b.build()));
  }
}

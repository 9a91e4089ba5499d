package io.shardkv.linearizability.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.linearizability.Model;
import io.shardkv.linearizability.Operation;
import io.shardkv.linearizability.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The models' sound reductions: value merging, forced moves and look-ahead. */
class ReductionsTest {
  private static Operation op(int id, String f, Object key, Object in, Object out, long call, long ret) {
    return new Operation(id, id, key, f, in, out, Status.OK, call, ret, id + 1);
  }

  @Test
  void registerMergesUnreadWrittenValuesIntoOneState() {
    RegisterModel m = RegisterModel.register();
    List<Operation> ops = m.simplify(List.of(op(0, "write", null, 1L, null, 0, 1),
        op(1, "write", null, 2L, null, 0, 1), op(2, "read", null, null, 2L, 2, 3)));
    assertEquals(RegisterModel.Unseen.UNSEEN, ops.get(0).input());
    assertEquals(2L, ops.get(1).input());
    assertTrue(m.forcedIn(RegisterModel.Unseen.UNSEEN, ops.get(0)));
    assertFalse(m.forcedIn(2L, ops.get(0)), "a dead write is forced only while the state is dead");
    assertFalse(m.forcedIn(RegisterModel.Unseen.UNSEEN, ops.get(1)));
  }

  @Test
  void registerDoesNotMergeValuesWhenFailedComparesExist() {
    RegisterModel m = RegisterModel.casRegisterFailedCasIsCompare();
    Operation fc = new Operation(1, 1, null, "cas", List.of(5L, 6L), null, Status.FAIL, 0, 1, 2);
    List<Operation> ops = m.simplify(List.of(op(0, "write", null, 1L, null, 0, 1), fc));
    assertEquals(1L, ops.get(0).input());
  }

  @Test
  void kvPoisonsAppendsNobodyReads() {
    KvModel m = new KvModel();
    List<Operation> ops = m.simplify(List.of(op(0, "append", "k", "a", null, 0, 1),
        op(1, "append", "k", "b", null, 0, 1), op(2, "get", "k", null, "a", 2, 3)));
    assertEquals("a", ops.get(0).input());
    assertEquals(KvModel.Poisoned.POISONED, ops.get(1).input());
    Object s = m.step("a", ops.get(1));
    assertEquals(KvModel.Poisoned.POISONED, s);
    assertNull(m.step(s, ops.get(2)), "no get can observe a poisoned string");
    assertEquals("x", m.step(s, op(3, "put", "k", "x", null, 0, 1)), "a put replaces it");
  }

  @Test
  void kvLookAheadRejectsAStringNoLaterGetCanExtend() {
    KvModel m = new KvModel();
    Operation get = op(0, "get", "k", null, "ab", 0, 5);
    assertEquals(Model.Lookahead.CONTINUE, m.lookahead("a", get, true));
    assertEquals(Model.Lookahead.DEAD, m.lookahead("b", get, true));
    assertEquals(Model.Lookahead.CONTINUE, m.lookahead("b", get, false), "a call entry proves nothing");
    assertEquals(Model.Lookahead.STOP, m.lookahead("b", op(1, "put", "k", "z", null, 0, 1), false),
        "after a put may replace the value, later gets prove nothing");
  }

  @Test
  void registerTracksProducedAndRequiredValues() {
    RegisterModel m = RegisterModel.casRegister();
    assertEquals(3L, m.produces(op(0, "write", null, 3, null, 0, 1)), "integers are keyed as Long");
    assertEquals(2L, m.produces(op(1, "cas", null, List.of(1L, 2L), null, 0, 1)));
    assertEquals(1L, m.requires(op(1, "cas", null, List.of(1L, 2L), null, 0, 1)));
    assertEquals(5L, m.requires(op(2, "read", null, null, 5L, 0, 1)));
    assertNull(m.requires(new Operation(3, 3, null, "write", 4L, null, Status.INFO, 0, 0, 1)));
    assertNull(RegisterModel.casRegisterFailedCasIsCompare().produces(
        new Operation(4, 4, null, "cas", List.of(1L, 2L), null, Status.FAIL, 0, 1, 1)));
  }
}

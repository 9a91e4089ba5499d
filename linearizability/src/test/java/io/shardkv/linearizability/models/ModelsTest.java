package io.shardkv.linearizability.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.linearizability.BadHistoryException;
import io.shardkv.linearizability.Operation;
import io.shardkv.linearizability.Status;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelsTest {
  private static Operation op(String f, Object key, Object in, Object out, Status st) {
    return new Operation(0, 0, key, f, in, out, st, 0, 1, 7);
  }

  @Test
  void registerReadMustSeeTheCurrentValueAndWriteReplacesIt() {
    RegisterModel m = RegisterModel.register();
    Object s = m.step(m.init(), op("write", null, 3L, 3L, Status.OK));
    assertEquals(s, m.step(s, op("read", null, null, 3L, Status.OK)));
    assertNull(m.step(s, op("read", null, null, 4L, Status.OK)));
    assertTrue(m.equal(m.init(), m.step(m.init(), op("read", null, null, null, Status.OK))));
  }

  @Test
  void registerComparesIntegersByValueWhateverTheirBoxedType() {
    RegisterModel m = RegisterModel.register();
    Object s = m.step(m.init(), op("write", null, 3, 3, Status.OK));
    assertEquals(s, m.step(s, op("read", null, null, 3L, Status.OK)));
  }

  @Test
  void registerRejectsCasAndUnknownOpsNamingTheLine() {
    BadHistoryException e = assertThrows(BadHistoryException.class,
        () -> RegisterModel.register().prepare(op("cas", null, List.of(1L, 2L), null, Status.OK)));
    assertEquals(7, e.line());
    assertTrue(e.getMessage().contains("unknown op :cas"));
    assertThrows(BadHistoryException.class,
        () -> RegisterModel.casRegister().prepare(op("frob", null, null, null, Status.OK)));
    assertThrows(BadHistoryException.class,
        () -> RegisterModel.casRegister().prepare(op("cas", null, 3L, null, Status.OK)));
  }

  @Test
  void failedOpsAndIndeterminateReadsAreDropped() {
    RegisterModel m = RegisterModel.casRegister();
    assertNull(m.prepare(op("write", null, 1L, null, Status.FAIL)));
    assertNull(m.prepare(op("read", null, null, null, Status.INFO)));
    assertNull(m.prepare(op("cas", null, List.of(1L, 2L), null, Status.FAIL)));
    assertEquals("cas", RegisterModel.casRegisterFailedCasIsCompare()
        .prepare(op("cas", null, List.of(1L, 2L), null, Status.FAIL)).f());
    assertNull(RegisterModel.casRegisterFailedCasIsCompare()
        .prepare(op("read", null, null, null, Status.FAIL)));
  }

  @Test
  void failedCompareIsLegalOnlyWhenTheValueDiffers() {
    RegisterModel m = RegisterModel.casRegisterFailedCasIsCompare();
    Operation failedCas = op("cas", null, List.of(1L, 2L), null, Status.FAIL);
    assertTrue(m.readOnly(failedCas));
    assertNull(m.step(1L, failedCas));
    assertEquals(5L, m.step(5L, failedCas));
  }

  @Test
  void simplifyDropsOnlyUnobservedIndeterminateWrites() {
    RegisterModel m = RegisterModel.register();
    Operation unobserved = new Operation(0, 0, null, "write", 9L, null, Status.INFO, 0, 0, 1);
    Operation observed = new Operation(1, 1, null, "write", 8L, null, Status.INFO, 0, 0, 2);
    Operation read = new Operation(2, 2, null, "read", null, 8L, Status.OK, 1, 2, 3);
    assertEquals(List.of(observed, read), m.simplify(List.of(unobserved, observed, read)));
  }

  @Test
  void simplifyKeepsIndeterminateWritesWhenAFailedCompareMayFollow() {
    RegisterModel m = RegisterModel.casRegisterFailedCasIsCompare();
    Operation w = new Operation(0, 0, null, "write", 9L, null, Status.INFO, 0, 0, 1);
    Operation c = new Operation(1, 1, null, "cas", List.of(1L, 2L), null, Status.FAIL, 1, 2, 2);
    assertEquals(2, m.simplify(List.of(w, c)).size());
  }

  @Test
  void kvAppendsConcatenateAndGetSeesTheWholeValue() {
    KvModel m = new KvModel();
    Object s = m.step(m.init(), op("append", "k", "a", null, Status.OK));
    s = m.step(s, op("append", "k", "b", null, Status.OK));
    assertEquals("ab", m.step(s, op("get", "k", null, "ab", Status.OK)));
    assertNull(m.step(s, op("get", "k", null, "a", Status.OK)));
  }

  @Test
  void kvAbsentKeyReadsAsNilOrEmptyString() {
    KvModel m = new KvModel();
    assertEquals(m.init(), m.step(m.init(), op("get", "k", null, "", Status.OK)));
    assertEquals(m.init(), m.step(m.init(), op("get", "k", null, null, Status.OK)));
    Object s = m.step(m.init(), op("put", "k", "x", null, Status.OK));
    assertNull(m.step(s, op("get", "k", null, null, Status.OK)));
    assertEquals(m.init(), m.step(s, op("delete", "k", null, null, Status.OK)));
  }

  @Test
  void kvCasSwapsOnlyOnMatch() {
    KvModel m = new KvModel();
    Object s = m.step(m.init(), op("put", "k", "x", null, Status.OK));
    assertEquals("y", m.step(s, op("cas", "k", List.of("x", "y"), null, Status.OK)));
    assertNull(m.step(s, op("cas", "k", List.of("z", "y"), null, Status.OK)));
    assertEquals("y", m.step(m.init(), op("cas", "k", Arrays.asList(null, "y"), null, Status.OK)));
  }

  @Test
  void kvNeedsAKeyAndStringAppends() {
    KvModel m = new KvModel();
    assertThrows(BadHistoryException.class, () -> m.prepare(op("get", null, null, "", Status.OK)));
    assertThrows(BadHistoryException.class, () -> m.prepare(op("append", "k", 3L, null, Status.OK)));
    assertThrows(BadHistoryException.class, () -> m.prepare(op("read", "k", null, null, Status.OK)));
  }

  @Test
  void kvPartitionsByKey() {
    assertEquals("k", new KvModel().partition(op("get", "k", null, "", Status.OK)));
  }

  @Test
  void modelsAreFoundByTheirCommandLineNames() {
    assertEquals("register", Models.byName("register", false).name());
    assertEquals("cas-register", Models.byName("cas-register", true).name());
    assertEquals("kv", Models.byName("kv", false).name());
    assertThrows(IllegalArgumentException.class, () -> Models.byName("queue", false));
  }
}

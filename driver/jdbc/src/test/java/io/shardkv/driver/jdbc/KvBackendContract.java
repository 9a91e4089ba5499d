package io.shardkv.driver.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link KvBackend} contract as tests, for every backend: the in-memory test backend now, the
 * client library's backend when it is merged (subclass this with a fresh cluster per test). Keys
 * are made unique per test so a shared cluster does not disturb it.
 */
abstract class KvBackendContract {

  static final Duration TIMEOUT = Duration.ofSeconds(5);

  private KvBackend backend;
  private String prefix;

  /** A backend connected to a live, empty-or-shared cluster. */
  abstract KvBackend openBackend() throws Exception;

  @BeforeEach
  void open() throws Exception {
    backend = openBackend();
    prefix = getClass().getSimpleName() + "-" + System.identityHashCode(this) + "-";
  }

  @AfterEach
  void close() {
    backend.close();
  }

  private String key(String name) {
    return prefix + name;
  }

  @Test
  void getOfAnAbsentKeyIsEmpty() throws Exception {
    assertEquals(Optional.empty(), backend.get(key("absent"), TIMEOUT));
  }

  @Test
  void putThenGetReturnsTheLastValueVerbatim() throws Exception {
    String value = "v-ü-😀-'\"-" + "x".repeat(10_000);
    backend.put(key("a"), "first", TIMEOUT);
    backend.put(key("a"), value, TIMEOUT);
    assertEquals(Optional.of(value), backend.get(key("a"), TIMEOUT));
  }

  @Test
  void appendTreatsAnAbsentKeyAsEmpty() throws Exception {
    backend.append(key("log"), "a", TIMEOUT);
    backend.append(key("log"), "b", TIMEOUT);
    assertEquals(Optional.of("ab"), backend.get(key("log"), TIMEOUT));
  }

  @Test
  void casReplacesOnlyAnExactMatch() throws Exception {
    assertFalse(backend.cas(key("c"), "", "x", TIMEOUT), "an absent key matches nothing");
    assertEquals(Optional.empty(), backend.get(key("c"), TIMEOUT));
    backend.put(key("c"), "old", TIMEOUT);
    assertFalse(backend.cas(key("c"), "OLD", "new", TIMEOUT));
    assertTrue(backend.cas(key("c"), "old", "new", TIMEOUT));
    assertEquals(Optional.of("new"), backend.get(key("c"), TIMEOUT));
  }

  @Test
  void putIfAbsentWritesOnlyAnAbsentKey() throws Exception {
    assertTrue(backend.putIfAbsent(key("p"), "first", TIMEOUT));
    assertFalse(backend.putIfAbsent(key("p"), "second", TIMEOUT), "the key exists: nothing written");
    assertEquals(Optional.of("first"), backend.get(key("p"), TIMEOUT));
    backend.put(key("q"), "", TIMEOUT);
    assertFalse(backend.putIfAbsent(key("q"), "x", TIMEOUT), "the empty string is a value, not an absence");
  }

  @Test
  void scanReturnsEachKeyWithThePrefixOnceAndStopsAtTheLimit() throws Exception {
    java.util.Set<String> want = new java.util.TreeSet<>();
    for (int i = 0; i < 30; i++) {
      backend.put(key("s/" + i), "v" + i, TIMEOUT);
      want.add(key("s/" + i));
    }
    backend.put(key("t/0"), "other prefix", TIMEOUT);
    java.util.List<java.util.Map.Entry<String, String>> all = backend.scan(key("s/"), 0, TIMEOUT);
    java.util.List<String> keys = all.stream().map(java.util.Map.Entry::getKey).toList();
    assertEquals(30, keys.size(), "each key once: " + keys);
    assertEquals(want, new java.util.TreeSet<>(keys));
    for (java.util.Map.Entry<String, String> e : all) {
      assertEquals("v" + e.getKey().substring(key("s/").length()), e.getValue());
    }
    assertEquals(7, backend.scan(key("s/"), 7, TIMEOUT).size());
    assertEquals(java.util.List.of(), backend.scan(key("none/"), 0, TIMEOUT));
  }

  @Test
  void deleteReportsWhetherTheKeyHeldAValue() throws Exception {
    backend.put(key("d"), "1", TIMEOUT);
    assertTrue(backend.delete(key("d"), TIMEOUT));
    assertFalse(backend.delete(key("d"), TIMEOUT));
    assertEquals(Optional.empty(), backend.get(key("d"), TIMEOUT));
  }

  @Test
  void emptyStringIsAValueNotAnAbsence() throws Exception {
    backend.put(key("e"), "", TIMEOUT);
    assertEquals(Optional.of(""), backend.get(key("e"), TIMEOUT));
    assertTrue(backend.delete(key("e"), TIMEOUT));
  }

  @Test
  void closedBackendIsInvalidAndFailsDefinitelyWithReasonClosed() throws Exception {
    assertTrue(backend.isValid(TIMEOUT));
    backend.close();
    backend.close();
    assertFalse(backend.isValid(TIMEOUT));
    KvDefiniteFailureException e =
        assertThrows(KvDefiniteFailureException.class, () -> backend.get(key("x"), TIMEOUT));
    assertEquals(KvDefiniteFailureException.Reason.CLOSED, e.reason());
    KvBackendException w =
        assertThrows(KvBackendException.class, () -> backend.put(key("x"), "v", TIMEOUT));
    assertFalse(w.isIndefinite(), "a write on a closed backend was never sent");
  }
}

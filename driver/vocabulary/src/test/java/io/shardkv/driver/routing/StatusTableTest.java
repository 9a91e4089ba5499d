package io.shardkv.driver.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every status code's contract, pinned as a table: its number, the byte it travels as on the wire
 * (docs/protocol.md §6), whether that outcome is definite, how the client's retry logic reads it,
 * and whether a replicated state machine may write it into its log and snapshots (old logs must
 * keep decoding to the same statuses). A change to any cell is a protocol, log-format or
 * retry-behaviour change, never a refactoring. (Written against the two enums this one replaced,
 * {@code routing.Status} and {@code protocol.Status} bridged by {@code client.Wiring}, and kept green
 * across the merge.)
 */
class StatusTableTest {
  /** One code's contract. {@code retryAs} is what the routing/retry logic acts on. */
  record Row(String name, int code, int wireByte, boolean definite, String retryAs, boolean routingRetry,
      boolean onWire, boolean inLog) {}

  static final List<Row> TABLE = List.of(
      //      name                   code wire definite retryAs          routing onWire inLog
      new Row("OK",                   0,   0,  true,  "OK",              false,  true,  true),
      new Row("NOT_FOUND",            1,   1,  true,  "NOT_FOUND",       false,  true,  true),
      new Row("WRONG_LEADER",         2,   2,  true,  "WRONG_LEADER",    true,   true,  true),
      new Row("WRONG_GROUP",          3,   3,  true,  "WRONG_GROUP",     true,   true,  true),
      new Row("TIMEOUT",              4,   4,  false, "TIMEOUT",         true,   true,  true),
      new Row("BAD_REQUEST",          5,   5,  true,  "BAD_REQUEST",     false,  true,  true),
      new Row("CAS_MISMATCH",         6,   6,  true,  "CAS_MISMATCH",    false,  true,  true),
      new Row("UNSUPPORTED_VERSION",  7,   7,  true,  "BAD_REQUEST",     false,  true,  false),
      new Row("FRAME_TOO_LARGE",      8,   8,  true,  "BAD_REQUEST",     false,  true,  false),
      new Row("SERVER_ERROR",         9,   9,  false, "TIMEOUT",         true,   true,  false),
      new Row("UNKNOWN_FRAME_TYPE",  10,  10,  true,  "BAD_REQUEST",     false,  true,  false),
      new Row("MALFORMED_FRAME",     11,  11,  true,  "BAD_REQUEST",     false,  true,  false),
      new Row("OVERLOADED",          12,  12,  true,  "WRONG_LEADER",    true,   true,  false),
      new Row("SHUTTING_DOWN",       13,  13,  true,  "WRONG_LEADER",    true,   true,  false),
      new Row("SESSION_EXPIRED",     14,  14,  true,  "SESSION_EXPIRED", false,  true,  true),
      // Internal to the replicated log: STALE_REQUEST travels as SERVER_ERROR, REJECTED as BAD_REQUEST.
      new Row("STALE_REQUEST",      100,   9,  false, "STALE_REQUEST",   false,  false, true),
      new Row("REJECTED",           101,   5,  true,  "REJECTED",        false,  false, true));

  @Test
  void everyCodeHasTheContractOfTheTable() {
    assertEquals(TABLE, actualTable());
  }

  @Test
  void aWireAnswerIsRetriedAsMaybeExecutedExactlyWhenItIsIndefinite() {
    for (Status s : Status.wireStatuses()) {
      assertEquals(!s.definite(), s.retryAs() == Status.TIMEOUT, s.name());
    }
  }

  @Test
  void aStateMachineAnswerTravelsAsAWireStatusOfTheSameDefiniteness() {
    for (Status s : Status.values()) {
      if (!s.inLog()) continue;
      assertTrue(s.wireStatus().onWire(), s.name());
      assertEquals(s.definite(), s.wireStatus().definite(), s.name());
      if (s.onWire()) assertEquals(s, s.wireStatus(), s.name() + " is a wire status: it travels as itself");
    }
  }

  @Test
  void theRetryLogicOnlyEverSeesAStateMachineAnswer() {
    for (Status s : Status.values()) {
      assertTrue(s.retryAs().inLog(), s.name());
      assertEquals(s.retryAs(), s.retryAs().retryAs(), s.name());
    }
  }

  @Test
  void theWireStatusesAreTheOnWireCodesInCodeOrder() {
    assertEquals(TABLE.stream().filter(Row::onWire).map(Row::name).toList(),
        Status.wireStatuses().stream().map(Status::name).toList());
  }

  @Test
  void onlyTheWireCodesDecodeFromTheWire() {
    for (int b = -1; b <= 256; b++) {
      Row row = rowWithCode(b);
      String decoded = wireDecode(b);
      if (row != null && row.onWire()) {
        assertEquals(row.name(), decoded, "wire byte " + b);
      } else {
        assertNull(decoded, "wire byte " + b + " must not decode");
      }
    }
  }

  @Test
  void onlyTheLogCodesDecodeFromALogOrSnapshot() {
    for (int b = -1; b <= 256; b++) {
      Row row = rowWithCode(b);
      final int code = b;
      if (row != null && row.inLog()) {
        assertEquals(row.name(), Status.fromLogCode(code).name(), "log code " + b);
      } else {
        DecodeException e = assertThrows(DecodeException.class, () -> Status.fromLogCode(code), "log code " + b);
        assertEquals("unknown status code " + b, e.getMessage());
      }
    }
  }

  @Test
  void onlyAStateMachineAnswerIsWrittenToALog() {
    for (Status s : Status.values()) {
      if (s.inLog()) {
        assertEquals(s, Status.fromLogCode(s.logCode()), s.name());
      } else {
        assertThrows(IllegalStateException.class, s::logCode, s.name());
      }
    }
  }

  private static Row rowWithCode(int code) {
    return TABLE.stream().filter(r -> r.code() == code).findFirst().orElse(null);
  }

  // ---- Reading the table off the code: one enum, its rules as methods. ----

  private static List<Row> actualTable() {
    List<Row> rows = new ArrayList<>();
    for (Status s : Status.values()) {
      rows.add(new Row(s.name(), s.code(), s.wireStatus().code(), s.definite(), s.retryAs().name(), s.isRoutingRetry(),
          s.onWire(), s.inLog()));
    }
    return rows;
  }

  private static String wireDecode(int b) {
    Status s = Status.fromWireCode(b);
    return s == null ? null : s.name();
  }
}

package io.shardkv.chaos.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The one line libfaketime reads from a lab host's clock file. */
class FakeClockSpecTest {
  @Test
  void offset_isWrittenAsSignedSecondsWithMilliseconds() {
    assertEquals("+0.000", FakeClocks.spec(0));
    assertEquals("+1.500", FakeClocks.spec(1500));
    assertEquals("+30.005", FakeClocks.spec(30_005));
    assertEquals("-0.250", FakeClocks.spec(-250));
    assertEquals("-288.001", FakeClocks.spec(-288_001));
  }
}

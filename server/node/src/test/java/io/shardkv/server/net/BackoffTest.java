package io.shardkv.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void delaysDoubleFromTheBaseUpToTheCapWithoutJitter() {
    Backoff b = new Backoff(Duration.ofMillis(50), Duration.ofMillis(1000), 0, 1);
    long[] expected = {50, 100, 200, 400, 800, 1000, 1000};
    for (long e : expected) assertEquals(Duration.ofMillis(e), b.nextDelay());
    assertEquals(7, b.failures());
  }

  @Test
  void jitterOnlyShortensDelaysWithinItsFraction() {
    Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), 0.2, 99);
    for (int i = 0; i < 6; i++) {
      long nominal = 100L << i;
      long got = b.nextDelay().toMillis();
      assertTrue(got <= nominal && got >= nominal * 0.8 - 1, "attempt " + i + ": " + got + " vs " + nominal);
    }
  }

  @Test
  void resetStartsOverFromTheBase() {
    Backoff b = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(1), 0, 1);
    b.nextDelay();
    b.nextDelay();
    b.reset();
    assertEquals(Duration.ofMillis(50), b.nextDelay());
  }

  @Test
  void manyFailuresNeverOverflowPastTheCap() {
    Backoff b = new Backoff(Duration.ofMillis(1), Duration.ofSeconds(5), 0, 1);
    for (int i = 0; i < 200; i++) assertTrue(b.nextDelay().compareTo(Duration.ofSeconds(5)) <= 0);
    assertEquals(Duration.ofSeconds(5), b.nextDelay());
  }

  @Test
  void sameSeedGivesTheSameDelays() {
    Backoff a = new Backoff(Duration.ofMillis(10), Duration.ofSeconds(1), 0.5, 7);
    Backoff b = new Backoff(Duration.ofMillis(10), Duration.ofSeconds(1), 0.5, 7);
    for (int i = 0; i < 10; i++) assertEquals(a.nextDelay(), b.nextDelay());
  }
}

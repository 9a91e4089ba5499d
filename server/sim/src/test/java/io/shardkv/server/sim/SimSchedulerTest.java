package io.shardkv.server.sim;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimSchedulerTest {

  @Test
  void eventsRunInTimeOrderAndTiesInSchedulingOrder() {
    SimScheduler loop = new SimScheduler();
    List<String> ran = new ArrayList<>();
    loop.after(10, () -> ran.add("b@10"));
    loop.after(5, () -> ran.add("a@5"));
    loop.after(10, () -> ran.add("c@10"));
    loop.after(10, () -> loop.after(0, () -> ran.add("e@10-nested")));
    loop.after(10, () -> ran.add("d@10"));
    loop.runUntil(100);
    assertEquals(List.of("a@5", "b@10", "c@10", "d@10", "e@10-nested"), ran);
    assertEquals(100, loop.now());
  }

  @Test
  void clockMovesOnlyToEventTimes() {
    SimScheduler loop = new SimScheduler();
    long[] seen = new long[1];
    loop.after(37, () -> seen[0] = loop.now());
    assertTrue(loop.step());
    assertEquals(37, seen[0]);
    assertEquals(37, loop.now());
    assertFalse(loop.step());
  }

  @Test
  void cancelledTimerNeverRuns() {
    SimScheduler loop = new SimScheduler();
    List<String> ran = new ArrayList<>();
    SimScheduler.Timer t = loop.after(5, () -> ran.add("cancelled"));
    loop.after(6, () -> ran.add("kept"));
    t.cancel();
    loop.runUntil(10);
    assertEquals(List.of("kept"), ran);
    assertEquals(1, loop.executedEvents());
  }

  @Test
  void runUntilConditionStopsWhenItHoldsOrAtTheDeadline() {
    SimScheduler loop = new SimScheduler();
    int[] count = new int[1];
    for (int i = 1; i <= 10; i++) loop.at(i * 10L, () -> count[0]++);
    assertTrue(loop.runUntil(() -> count[0] == 3, 1000));
    assertEquals(30, loop.now());
    assertFalse(loop.runUntil(() -> count[0] == 99, 75));
    assertEquals(75, loop.now());
    assertEquals(7, count[0]);
  }

  @Test
  void schedulingInThePastIsRejectedWithBothTimesInTheMessage() {
    SimScheduler loop = new SimScheduler();
    loop.runUntil(50);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loop.at(10, () -> { }));
    assertTrue(e.getMessage().contains("10") && e.getMessage().contains("50"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> loop.after(-1, () -> { }));
  }
}

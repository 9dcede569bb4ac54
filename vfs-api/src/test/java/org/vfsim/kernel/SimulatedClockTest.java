package org.vfsim.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatedClockTest {
  @Test
  void timersRunInTimeOrderThenSchedulingOrderAtTheirOwnTime() {
    SimulatedClock clock = new SimulatedClock();
    List<String> ran = new ArrayList<>();
    clock.schedule(Duration.ofSeconds(3), () -> ran.add("c@" + clock.seconds()));
    clock.schedule(Duration.ofSeconds(1), () -> ran.add("a@" + clock.seconds()));
    clock.schedule(Duration.ofSeconds(1), () -> ran.add("b@" + clock.seconds()));
    clock.advance(Duration.ofSeconds(2));
    assertEquals(List.of("a@1", "b@1"), ran);
    assertEquals(2, clock.seconds());
    clock.advance(Duration.ofSeconds(5));
    assertEquals(List.of("a@1", "b@1", "c@3"), ran);
    assertEquals(7_000_000_000L, clock.nanoTime());
    assertThrows(IllegalArgumentException.class, () -> clock.advanceNanos(-1));
  }

  @Test
  void periodicTimersRepeatUntilCancelledAndATimerMayScheduleAnother() {
    SimulatedClock clock = new SimulatedClock();
    List<Long> ticks = new ArrayList<>();
    SimulatedClock.Timer t = clock.scheduleAtFixedRate(Duration.ofSeconds(5),
        () -> ticks.add(clock.seconds()));
    clock.schedule(Duration.ofSeconds(6), () -> clock.schedule(Duration.ofSeconds(1),
        () -> ticks.add(-clock.seconds())));
    clock.advance(Duration.ofSeconds(16));
    assertEquals(List.of(5L, -7L, 10L, 15L), ticks);
    t.cancel();
    clock.advance(Duration.ofSeconds(20));
    assertEquals(4, ticks.size());
  }

  @Test
  void resumingAtASavedTimeSkipsTheTicksInBetweenAndShiftsPendingTimers() {
    SimulatedClock clock = new SimulatedClock();
    List<Long> ticks = new ArrayList<>();
    clock.scheduleAtFixedRate(Duration.ofSeconds(5), () -> ticks.add(clock.seconds()));
    // A year of 5 s ticks replayed one by one would be 6 million runs; resuming runs none.
    long year = Duration.ofDays(365).toNanos();
    clock.resumeAt(year);
    assertEquals(List.of(), ticks);
    assertEquals(year, clock.nanoTime());
    clock.advance(Duration.ofSeconds(11));
    long base = year / 1_000_000_000L;
    assertEquals(List.of(base + 5, base + 10), ticks);
    assertThrows(IllegalArgumentException.class, () -> clock.resumeAt(0));
  }
}

package org.vfsim.kernel;

import static com.google.common.base.Preconditions.checkArgument;

import java.time.Duration;
import java.util.PriorityQueue;

/**
 * The machine's only source of time. Nothing in the simulation reads the wall clock: time moves
 * when a workload (or a device cost model) advances it, and timers due by then fire in order,
 * which is how periodic writeback, transaction commits and background scans run reproducibly.
 */
public final class SimulatedClock {
  private long nowNanos;
  private long sequence;
  private final PriorityQueue<Timer> timers = new PriorityQueue<>();

  /** Nanoseconds since the machine booted. */
  public synchronized long nanoTime() {
    return nowNanos;
  }

  /** Seconds since boot, as {@code stat} prints timestamps of a freshly booted machine. */
  public long seconds() {
    return nanoTime() / 1_000_000_000L;
  }

  /** Moves time forward, running every timer that falls due in order. */
  public void advance(Duration d) {
    advanceNanos(d.toNanos());
  }

  public void advanceNanos(long delta) {
    checkArgument(delta >= 0, "time does not go backwards: %s", delta);
    long target;
    synchronized (this) {
      target = nowNanos + delta;
    }
    while (true) {
      Timer due;
      synchronized (this) {
        Timer head = timers.peek();
        if (head == null || head.when > target) {
          nowNanos = target;
          return;
        }
        due = timers.poll();
        nowNanos = Math.max(nowNanos, due.when);
      }
      if (!due.cancelled) {
        due.action.run();
      }
    }
  }

  /**
   * Moves the clock forward to {@code nanos} without running the timers in between, shifting
   * each pending timer by the same amount: a machine resumed from a saved image, where nothing
   * happened while it was stored (replaying a saved year of 5 s writeback ticks would be pure
   * cost). Time never goes backwards.
   */
  public synchronized void resumeAt(long nanos) {
    checkArgument(nanos >= nowNanos, "time does not go backwards: %s < %s", nanos, nowNanos);
    long delta = nanos - nowNanos;
    java.util.List<Timer> pending = new java.util.ArrayList<>(timers);
    timers.clear();
    for (Timer t : pending) {
      t.when = Math.addExact(t.when, delta);
      timers.add(t);
    }
    nowNanos = nanos;
  }

  /** Runs {@code action} once when the clock reaches now + {@code delay}. */
  public synchronized Timer schedule(Duration delay, Runnable action) {
    checkArgument(!delay.isNegative(), "negative delay %s", delay);
    Timer t = new Timer(nowNanos + delay.toNanos(), sequence++, action);
    timers.add(t);
    return t;
  }

  /** Runs {@code action} every {@code period}, first after one period. */
  public Timer scheduleAtFixedRate(Duration period, Runnable action) {
    checkArgument(!period.isZero() && !period.isNegative(), "period must be positive");
    Timer[] self = new Timer[1];
    Runnable repeating = new Runnable() {
      @Override
      public void run() {
        if (self[0].cancelled) {
          return;
        }
        action.run();
        Timer next = schedule(period, this);
        next.parent = self[0];
        self[0].child = next;
      }
    };
    self[0] = schedule(period, repeating);
    return self[0];
  }

  /** A pending action; cancel it to stop it (and, if periodic, every later run). */
  public static final class Timer implements Comparable<Timer> {
    long when;
    final long seq;
    final Runnable action;
    volatile boolean cancelled;
    Timer parent;
    Timer child;

    Timer(long when, long seq, Runnable action) {
      this.when = when;
      this.seq = seq;
      this.action = action;
    }

    public void cancel() {
      for (Timer t = this; t != null; t = t.child) {
        t.cancelled = true;
      }
      for (Timer t = parent; t != null; t = t.parent) {
        t.cancelled = true;
      }
    }

    @Override
    public int compareTo(Timer o) {
      int c = Long.compare(when, o.when);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}

package org.vfsim.testkit.crash;

import static com.google.common.base.Preconditions.checkArgument;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import org.vfsim.testkit.FilesystemUnderTest;

/**
 * Whether crash checking lets go of each crash state once it is checked. A filesystem type is
 * one instance shared by every machine, so anything the type (or a static) keeps per mount
 * grows with the states checked until a long {@code vfsim crash} runs out of heap. This checks
 * {@code seq1} then {@code seq2} states, holds only weak references to each state's machine,
 * device and superblock, and counts those still reachable after garbage collection: no timing,
 * and a count that grows with the states is a leak.
 */
public final class CrashRetention {
  /** Full collections tried before counting (each clears every weak reference it can). */
  private static final int GC_ROUNDS = 10;

  /** How many states were checked and how many of them are still reachable. */
  public record Result(long states, int retainedMachines, int retainedDevices,
      int retainedSuperBlocks) {
    /** The most of the three counts. */
    public int retained() {
      return Math.max(retainedMachines, Math.max(retainedDevices, retainedSuperBlocks));
    }
  }

  private CrashRetention() {}

  /** Checks {@code states} crash states of {@code fut} (seeded) and counts what survives them. */
  public static Result measure(FilesystemUnderTest fut, long states, long seed) {
    checkArgument(states >= 1, "at least one state");
    List<WeakReference<Object>> machines = new ArrayList<>();
    List<WeakReference<Object>> devices = new ArrayList<>();
    List<WeakReference<Object>> superBlocks = new ArrayList<>();
    long checked = check(fut, states, seed, machines, devices, superBlocks);
    for (int i = 0; i < GC_ROUNDS && live(machines) + live(devices) + live(superBlocks) > 0;
        i++) {
      System.gc();
    }
    return new Result(checked, live(machines), live(devices), live(superBlocks));
  }

  /**
   * The assertion every plugin's crash sweep makes: after 20 and after 150 states nothing is
   * retained, so the count cannot grow with a long run. Prints both counts and the seed.
   */
  public static void assertNoneRetained(FilesystemUnderTest fut, long seed) {
    Result few = measure(fut, 20, seed);
    Result many = measure(fut, 150, seed);
    System.out.printf("%s crash retention: %s after 20 states, %s after 150 (seed %d)%n",
        fut.type().name(), few, many, seed);
    assertEquals(150, many.states());
    assertTrue(many.retained() <= few.retained(), "retention grows with the states: " + many);
    assertEquals(0, many.retained(), many.toString());
  }

  /** Runs the check in its own frame, so that nothing of it stays on the caller's stack. */
  private static long check(FilesystemUnderTest fut, long states, long seed,
      List<WeakReference<Object>> machines, List<WeakReference<Object>> devices,
      List<WeakReference<Object>> superBlocks) {
    CrashCheck check = new CrashCheck(fut, 16, seed);
    check.observer = (m, dev, sb) -> {
      machines.add(new WeakReference<>(m));
      devices.add(new WeakReference<>(dev));
      if (sb != null) {
        superBlocks.add(new WeakReference<>(sb));
      }
    };
    var caps = fut.type().capabilities();
    List<Workload> workloads = new ArrayList<>(Workloads.seq1(caps));
    workloads.addAll(Workloads.seq2(caps, seed));
    for (Workload w : workloads) {
      long left = states - check.statesChecked();
      if (left <= 0) {
        break;
      }
      check.check(w, left, v -> { });
    }
    return check.statesChecked();
  }

  private static int live(List<WeakReference<Object>> refs) {
    int n = 0;
    for (WeakReference<Object> r : refs) {
      if (r.get() != null) {
        n++;
      }
    }
    return n;
  }
}

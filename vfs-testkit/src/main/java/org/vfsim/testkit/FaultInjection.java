package org.vfsim.testkit;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.kernel.HookPoint;
import org.vfsim.kernel.Task;
import org.vfsim.mm.Mm;
import org.vfsim.pagecache.Folio;
import org.vfsim.syscall.Errno;

/**
 * Faults a test can inject at chosen points: I/O errors on chosen blocks, {@code ENOSPC} at a
 * chosen allocation, a source page unmapped between fault-in and copy, reclaim in the middle of
 * a write. Each hook-based injection returns an {@link Injection} that counts how often it fired
 * and is removed by {@code close()}.
 */
public final class FaultInjection {
  private FaultInjection() {}

  /** An installed hook: how often it fired, and {@code close()} to remove it. */
  public static final class Injection implements AutoCloseable {
    private final AtomicInteger fired = new AtomicInteger();
    private final AtomicInteger reached = new AtomicInteger();
    private Runnable remove = () -> {};

    /** Times the fault was injected. */
    public int fired() {
      return fired.get();
    }

    /** Times the hook point was reached (injected or not). */
    public int reached() {
      return reached.get();
    }

    @Override
    public void close() {
      remove.run();
    }
  }

  /** Reads of {@code block} fail with EIO until {@link BlockDevice#clearInjectedErrors}. */
  public static void readErrorAt(BlockDevice device, long block) {
    device.injectReadError(block);
  }

  /** Writes of {@code block} fail with EIO until {@link BlockDevice#clearInjectedErrors}. */
  public static void writeErrorAt(BlockDevice device, long block) {
    device.injectWriteError(block);
  }

  /**
   * The {@code nth} (1-based) allocation call of any filesystem on {@code machine} fails with
   * ENOSPC, and so does every later one if {@code sticky}; allocators fire
   * {@link HookPoint#BLOCK_ALLOCATION} once per call and must treat the error as "no space".
   */
  public static Injection enospcAtAllocation(Machine machine, long nth, boolean sticky) {
    checkArgument(nth >= 1, "allocation calls count from 1");
    Injection inj = new Injection();
    inj.remove = machine.hooks().install(HookPoint.BLOCK_ALLOCATION, t -> {
      int call = inj.reached.incrementAndGet();
      if (call == nth || (sticky && call > nth)) {
        inj.fired.incrementAndGet();
        throw Errno.ENOSPC.exception("injected at allocation call " + call);
      }
    });
    return inj;
  }

  /** Counts allocation calls without failing any (to learn whether a plugin fires the hook). */
  public static Injection countAllocations(Machine machine) {
    Injection inj = new Injection();
    inj.remove = machine.hooks().install(HookPoint.BLOCK_ALLOCATION,
        t -> inj.reached.incrementAndGet());
    return inj;
  }

  /**
   * The first {@code times} times {@code task} has faulted in its source, the pages of
   * {@code [addr, addr+len)} of its process are taken out of the page table while the mapping
   * stays valid (reclaim or swap-out), so the atomic copy that follows comes up short.
   */
  public static Injection unmapAfterFaultIn(Machine machine, Task task, long addr, long len,
      int times) {
    Mm mm = task.process().mm();
    return at(machine, HookPoint.AFTER_FAULT_IN, task, times, t -> zap(mm, addr, len));
  }

  /** Takes the user pages of {@code [addr, addr+len)} out of {@code mm}'s page table now. */
  public static void zap(Mm mm, long addr, long len) {
    long first = addr & ~((long) Folio.SIZE - 1);
    for (long a = first; a < addr + len; a += Folio.SIZE) {
      mm.reclaimUserPage(a);
    }
  }

  /** Runs page-cache reclaim of up to {@code pages} pages the first {@code times} times {@code task} reaches {@code point}. */
  public static Injection reclaimAt(Machine machine, HookPoint point, Task task, long pages,
      int times) {
    return at(machine, point, task, times, t -> machine.pageCache().reclaim(pages));
  }

  /** Runs {@code action} the first {@code times} times {@code task} reaches {@code point}. */
  public static Injection at(Machine machine, HookPoint point, Task task, int times,
      Consumer<Task> action) {
    Injection inj = new Injection();
    inj.remove = machine.hooks().install(point, t -> {
      if (t != task) {
        return;
      }
      inj.reached.incrementAndGet();
      if (inj.fired.get() < times) {
        inj.fired.incrementAndGet();
        action.accept(t);
      }
    });
    return inj;
  }
}

package org.vfsim.testkit.crash;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.vfsim.Configuration;
import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.fs.FsckReport;
import org.vfsim.fs.SuperBlock;
import org.vfsim.syscall.Syscalls;
import org.vfsim.testkit.FilesystemUnderTest;
import org.vfsim.testkit.MountedFilesystem;

/**
 * Runs workloads with the request log on and checks every crash state they can leave: each is
 * mounted (the filesystem's recovery runs), checked by the filesystem's fsck, then by the
 * {@link PersistenceOracle}. Everything a mount reads is in the device's blocks, so a crash
 * state is a set of blocks and nothing else.
 */
public final class CrashCheck {
  /** Crash-state devices are small: the workloads are. */
  public static final long DEFAULT_DEVICE_BYTES = 32L << 20;

  private final FilesystemUnderTest fut;
  private final int statesPerPoint;
  private final long seed;
  private final long deviceBytes;
  private long states;
  private long points;
  private long workloads;
  private final List<CrashViolation> violations = new ArrayList<>();
  /** Sees each state's machine, device and superblock (null if mount failed); for leak tests. */
  @Nullable StateObserver observer;

  /** What {@link CrashRetention} watches of each crash state. */
  interface StateObserver {
    void mounted(Machine machine, BlockDevice device, @Nullable SuperBlock sb);
  }

  /**
   * @param statesPerPoint the budget of states per crash point
   * @param seed chooses the states when a crash point has more than the budget
   */
  public CrashCheck(FilesystemUnderTest fut, int statesPerPoint, long seed) {
    this(fut, statesPerPoint, seed, DEFAULT_DEVICE_BYTES);
  }

  public CrashCheck(FilesystemUnderTest fut, int statesPerPoint, long seed, long deviceBytes) {
    checkArgument(statesPerPoint >= 1, "at least one state per crash point");
    this.fut = fut;
    this.statesPerPoint = statesPerPoint;
    this.seed = seed;
    this.deviceBytes = deviceBytes;
  }

  public long statesChecked() {
    return states;
  }

  public long crashPoints() {
    return points;
  }

  public long workloadsRun() {
    return workloads;
  }

  public List<CrashViolation> violations() {
    return List.copyOf(violations);
  }

  /**
   * Checks the crash states of {@code w} (at most {@code maxStates} of them); each violation
   * goes to {@code onViolation} as it is found. Returns the states checked.
   */
  public long check(Workload w, long maxStates, Consumer<CrashViolation> onViolation) {
    WorkloadRun run = WorkloadRun.run(fut, deviceBytes, w);
    workloads++;
    Random rnd = new Random(seed ^ w.name().hashCode());
    int bs = run.device.blockSize();
    long checked = 0;
    for (CrashStates.CrashPoint p : CrashStates.points(run.log)) {
      if (checked >= maxStates) {
        break;
      }
      points++;
      TreeMap<Long, byte[]> prefix = CrashStates.durablePrefix(run.base, run.log, p, bs);
      DurabilityModel model = run.modelAt(p.at());
      for (BitSet kept : CrashStates.subsets(p.optional().size(), statesPerPoint, rnd)) {
        if (checked >= maxStates) {
          break;
        }
        CrashStates.State s = new CrashStates.State(p, kept);
        List<String> problems = checkState(run, s, prefix, model);
        checked++;
        states++;
        if (!problems.isEmpty()) {
          CrashViolation v = new CrashViolation(fut.type().name(), fut.mkfsOptions(),
              fut.mountOptions(), w, p.at(), ImmutableList.copyOf(s.keptIndexes()),
              p.optional(), ImmutableList.copyOf(problems));
          violations.add(v);
          onViolation.accept(v);
        }
      }
    }
    return checked;
  }

  /** Re-runs {@code w} and checks the one state given by a crash point and its kept writes. */
  public List<String> replay(Workload w, int crashAt, List<Integer> kept) {
    WorkloadRun run = WorkloadRun.run(fut, deviceBytes, w);
    for (CrashStates.CrashPoint p : CrashStates.points(run.log)) {
      if (p.at() != crashAt) {
        continue;
      }
      BitSet bits = new BitSet();
      for (int k : kept) {
        int i = p.optional().indexOf(k);
        checkArgument(i >= 0, "log position %s is not an unflushed write at crash point %s", k,
            crashAt);
        bits.set(i);
      }
      TreeMap<Long, byte[]> prefix =
          CrashStates.durablePrefix(run.base, run.log, p, run.device.blockSize());
      states++;
      return checkState(run, new CrashStates.State(p, bits), prefix, run.modelAt(crashAt));
    }
    throw new IllegalArgumentException("log position " + crashAt + " is not a crash point of "
        + w.name() + " on " + fut.type().name());
  }

  private List<String> checkState(WorkloadRun run, CrashStates.State s,
      TreeMap<Long, byte[]> prefix, DurabilityModel model) {
    BlockDevice dev = BlockDevice.withContent(run.device,
        CrashStates.content(prefix, run.log, s, run.device.blockSize()));
    List<String> problems = new ArrayList<>();
    Machine m = Machine.boot(Configuration.defaults());
    SuperBlock sb;
    try {
      sb = m.mount(fut.type(), dev, fut.mountOptions(), MountedFilesystem.MOUNT_POINT);
    } catch (RuntimeException e) {
      problems.add("mount (with recovery) failed: " + e);
      if (observer != null) {
        observer.mounted(m, dev, null);
      }
      return problems;
    }
    if (observer != null) {
      observer.mounted(m, dev, sb);
    }
    try {
      FsckReport report = sb.fsck();
      report.problems().forEach(p -> problems.add("fsck: " + p));
      Syscalls sys = m.syscalls(m.spawn("oracle").mainTask());
      problems.addAll(PersistenceOracle.check(sys, model));
    } catch (RuntimeException e) {
      problems.add("checking the mounted state failed: " + e);
    }
    return problems;
  }
}

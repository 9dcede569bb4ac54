package org.vfsim.nio;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.block.PendingWrite;
import org.vfsim.block.PowerCutPolicy;
import org.vfsim.fs.Capability;
import org.vfsim.fs.FileSystemType;
import org.vfsim.fs.OptionSpec;
import org.vfsim.kernel.UserProcess;
import org.vfsim.plugin.PluginRegistry;
import org.vfsim.ramfs.RamfsType;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Syscalls;

/**
 * One simulated machine running the Java program: the plugin's filesystem mounted at
 * {@value #MOUNT_POINT}, and a process whose main task makes every system call. Calls from
 * several Java threads are serialized (one CPU), which keeps a run a function of its seed.
 * The {@code java.nio} root is the directory {@value #VOLUME}, so that a fault can use space
 * on the same filesystem ({@value #FILLER}) without the program seeing a stray file.
 */
final class SimulatedHost {
  static final String MOUNT_POINT = "/mnt";
  static final String VOLUME = MOUNT_POINT + "/vol";
  static final String FILLER = MOUNT_POINT + "/.vfsim-fill";

  /** Simulated time one system call takes. */
  static final long SYSCALL_NANOS = 1_000;

  /** A system call body; an {@link ErrnoException} is translated by the caller's rule. */
  @FunctionalInterface
  interface Call<T> {
    T run(Syscalls sys) throws IOException;
  }

  private final Config config;
  private final FileSystemType type;
  private final @Nullable BlockDevice device;
  private final Machine machine;
  private final Syscalls sys;
  private final ReentrantLock cpu = new ReentrantLock();
  private final FaultState faults = new FaultState();
  private volatile boolean powerLost;
  private volatile boolean shutDown;
  private int powerCuts;

  private SimulatedHost(Config config, FileSystemType type, @Nullable BlockDevice device,
      Machine machine) {
    this.config = config;
    this.type = type;
    this.device = device;
    this.machine = machine;
    UserProcess java = machine.spawn("java");
    this.sys = machine.syscalls(java.mainTask());
  }

  /** Boots a machine, makes the filesystem on a new device and mounts it. */
  static SimulatedHost format(Config config) throws IOException {
    FileSystemType type = lookup(config.plugin());
    Machine m = Machine.boot(config.machine());
    BlockDevice dev = null;
    try {
      if (type.has(Capability.BLOCK_DEVICE)) {
        dev = m.newDevice("vdb", config.deviceBytes(), config.blockSize(), false);
        m.mkfs(type, dev, config.mkfsOptions());
      }
      m.mount(type, dev, mountOptions(config, type), MOUNT_POINT);
      SimulatedHost host = new SimulatedHost(config, type, dev, m);
      host.sys.mkdir(VOLUME, 0755);
      host.sys.sync();
      return host;
    } catch (ErrnoException e) {
      throw new FileSystemException(null, null, config + ": " + e.getMessage());
    }
  }

  /** Boots a new machine and mounts the device of {@code old} as it is now (after a cut). */
  static SimulatedHost reboot(SimulatedHost old) throws IOException {
    Machine m = Machine.boot(old.config.machine());
    try {
      m.mount(old.type, old.device, mountOptions(old.config, old.type), MOUNT_POINT);
      SimulatedHost host = new SimulatedHost(old.config, old.type, old.device, m);
      host.powerCuts = old.powerCuts;
      try {
        host.sys.stat(VOLUME);
      } catch (ErrnoException gone) {
        // A device-less filesystem comes back empty, as tmpfs does after a reboot.
        host.sys.mkdir(VOLUME, 0755);
        host.sys.sync();
      }
      return host;
    } catch (ErrnoException e) {
      throw new FileSystemException(null, null, "mount after reboot: " + e.getMessage());
    }
  }

  private static String mountOptions(Config config, FileSystemType type) {
    String opts = config.mountOptions();
    if (!type.has(Capability.BLOCK_DEVICE) && !opts.contains("size=")) {
      for (OptionSpec o : type.mountOptions()) {
        if (o.name().equals("size") && o.kind() == OptionSpec.Kind.SIZE) {
          String limit = "size=" + config.deviceBytes();
          return opts.isEmpty() ? limit : opts + "," + limit;
        }
      }
    }
    return opts;
  }

  private static FileSystemType lookup(String name) throws IOException {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    PluginRegistry registry = new PluginRegistry(Map.of("ramfs", new RamfsType()),
        loader != null ? loader : SimulatedHost.class.getClassLoader());
    try {
      return registry.get(name);
    } catch (ErrnoException e) {
      throw new FileSystemException(null, null, e.getMessage());
    }
  }

  Config config() {
    return config;
  }

  FileSystemType type() {
    return type;
  }

  @Nullable BlockDevice device() {
    return device;
  }

  Machine machine() {
    return machine;
  }

  FaultState faults() {
    return faults;
  }

  boolean powerLost() {
    return powerLost;
  }

  /** Whether the machine no longer runs: power cut or clean shutdown. */
  boolean stopped() {
    return powerLost || shutDown;
  }

  /** The machine's path of a normalized absolute {@code java.nio} path. */
  static String kernelPath(String absolute) {
    return absolute.equals("/") ? VOLUME : VOLUME + absolute;
  }

  /** Runs {@code body} as the program's task; errno errors become {@code java.nio}'s for a path. */
  <T> T onPath(String file, @Nullable String other, Call<T> body) throws IOException {
    return run(file, body, e -> Errnos.forPath(e, file, other));
  }

  /** Runs {@code body} for an open channel: errno errors become a plain {@link IOException}. */
  <T> T onChannel(String file, Call<T> body) throws IOException {
    return run(file, body, Errnos::forChannel);
  }

  /** Runs {@code body} with a caller-chosen translation of errno errors. */
  <T> T run(String file, Call<T> body,
      java.util.function.Function<ErrnoException, IOException> translate) throws IOException {
    cpu.lock();
    try {
      if (powerLost) {
        throw new PowerCutException(file);
      }
      if (shutDown) {
        throw new java.nio.file.ClosedFileSystemException();
      }
      // Each call takes a system call's worth of simulated time, so that timestamps of
      // successive operations differ on a filesystem with fine-grained times.
      machine.clock().advanceNanos(SYSCALL_NANOS);
      return body.run(sys);
    } catch (ErrnoException e) {
      throw translate.apply(e);
    } finally {
      cpu.unlock();
    }
  }

  /** The program sleeps: simulated time passes and the kernel's timers (writeback) run. */
  void sleep(java.time.Duration d) throws IOException {
    run("/", sys -> {
      machine.clock().advance(d);
      return null;
    }, e -> Errnos.forPath(e, "/", null));
  }

  /**
   * Cuts the power: the machine stops, and the device's volatile write cache loses what the
   * policy says. With {@code keepRandom}, a seeded coin decides for each unflushed write.
   */
  void cutPower(boolean keepRandom) {
    cpu.lock();
    try {
      if (stopped()) {
        return;
      }
      powerLost = true;
      powerCuts++;
      if (device != null) {
        if (keepRandom) {
          device.setPowerCutPolicy(randomSurvivors(config.seed() * 31 + powerCuts));
        }
        device.powerCut();
        device.setPowerCutPolicy(PowerCutPolicy.LOSE_ALL);
      }
    } finally {
      cpu.unlock();
    }
  }

  /** Each pending write survives on a coin flip, drawn in submission order from {@code seed}. */
  private static PowerCutPolicy randomSurvivors(long seed) {
    return pending -> {
      SplittableRandom random = new SplittableRandom(seed);
      Set<Long> kept = new HashSet<>();
      for (PendingWrite w : pending) {
        if (random.nextBoolean()) {
          kept.add(w.seq());
        }
      }
      return w -> kept.contains(w.seq());
    };
  }

  /** Syncs and unmounts (a clean shutdown), closing the given descriptors first. */
  void shutdown(List<Integer> fds) {
    cpu.lock();
    try {
      if (stopped()) {
        return;
      }
      for (int fd : fds) {
        try {
          sys.close(fd);
        } catch (ErrnoException ignored) {
          // already closed
        }
      }
      sys.sync();
      sys.umount(MOUNT_POINT);
      shutDown = true; // nothing may run on an unmounted filesystem
    } finally {
      cpu.unlock();
    }
  }
}

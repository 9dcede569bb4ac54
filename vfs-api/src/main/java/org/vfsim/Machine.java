package org.vfsim;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.vfsim.block.BlockDevice;
import org.vfsim.fs.FileSystemType;
import org.vfsim.fs.MountContext;
import org.vfsim.fs.MountOptions;
import org.vfsim.fs.SuperBlock;
import org.vfsim.fs.Vfs;
import org.vfsim.kernel.Credentials;
import org.vfsim.kernel.Hooks;
import org.vfsim.kernel.SimulatedClock;
import org.vfsim.kernel.Task;
import org.vfsim.kernel.UserProcess;
import org.vfsim.lockdep.LockValidator;
import org.vfsim.mm.Mm;
import org.vfsim.pagecache.Folio;
import org.vfsim.pagecache.PageCache;
import org.vfsim.ramfs.RamfsType;
import org.vfsim.syscall.Syscalls;

/**
 * One simulated machine: clock, lock validator, page cache, VFS with a ramfs root, block
 * devices and processes. Everything a test or a workload does starts here:
 * {@code Machine m = Machine.boot(); Syscalls sys = m.syscalls(m.spawn("fio").mainTask());}.
 */
public final class Machine {
  private final Configuration config;
  private final SimulatedClock clock = new SimulatedClock();
  private final Hooks hooks = new Hooks();
  private final LockValidator validator = new LockValidator();
  private final PageCache pageCache;
  private final Vfs vfs;
  private final UserProcess.TaskIds ids = new UserProcess.TaskIds();
  private final UserProcess kthreadd;
  private final List<UserProcess> processes = new ArrayList<>();
  private final AtomicLong deviceNumbers = new AtomicLong(1);

  private Machine(Configuration config) {
    this.config = config;
    validator.setThrowOnReport(config.lockdepThrows());
    long pages = config.memoryBytes() / Folio.SIZE;
    this.pageCache = new PageCache(clock, validator, hooks, pages,
        Math.max(1, pages * config.dirtyBackgroundRatio() / 100),
        Math.max(1, pages * config.dirtyRatio() / 100), config.dirtyExpire().toNanos(),
        config.newPageFill());
    this.kthreadd = new UserProcess(ids, "kthreadd", Credentials.ROOT,
        p -> new Mm(p, validator, hooks));
    pageCache.setKernelTasks(kthreadd.newThread("kworker/flush"), kthreadd.newThread("kswapd0"));
    this.vfs = new Vfs(this);
    RamfsType ramfs = new RamfsType();
    SuperBlock root = ramfs.mount(new MountContext(this, ramfs, null,
        MountOptions.defaults(ramfs.mountOptions())));
    vfs.attach("/", root);
    clock.scheduleAtFixedRate(config.writebackInterval(), pageCache::periodicWriteback);
  }

  public static Machine boot() {
    return new Machine(Configuration.defaults());
  }

  public static Machine boot(Configuration config) {
    return new Machine(config);
  }

  public Configuration configuration() {
    return config;
  }

  public SimulatedClock clock() {
    return clock;
  }

  public Hooks hooks() {
    return hooks;
  }

  public LockValidator lockValidator() {
    return validator;
  }

  public PageCache pageCache() {
    return pageCache;
  }

  public Vfs vfs() {
    return vfs;
  }

  /** A root-owned kernel thread for work done on no process's behalf (mkfs, mount, umount). */
  public Task kernelTask() {
    return kthreadd.mainTask();
  }

  /** Starts a process running as root. */
  public UserProcess spawn(String name) {
    return spawn(name, Credentials.ROOT);
  }

  public synchronized UserProcess spawn(String name, Credentials credentials) {
    UserProcess p = new UserProcess(ids, name, credentials, proc -> new Mm(proc, validator, hooks));
    processes.add(p);
    return p;
  }

  /** The system-call facade for {@code task}. */
  public Syscalls syscalls(Task task) {
    return new Syscalls(this, task);
  }

  /** A new block device with the machine's write-cache setting. */
  public BlockDevice newDevice(String name, long sizeBytes, int blockSize, boolean dataless) {
    return new BlockDevice(name, sizeBytes, blockSize, dataless, config.deviceWriteCacheBlocks());
  }

  /**
   * Makes a filesystem of {@code type} on {@code device} with the given mkfs options; EBUSY if
   * a filesystem on that device is mounted (mkfs opens the device exclusively, and the kernel
   * refuses an exclusive open of a mounted block device).
   */
  public void mkfs(FileSystemType type, BlockDevice device, String options) {
    for (Vfs.Mount m : vfs.mounts()) {
      if (device != null && m.sb().device() == device) {
        throw org.vfsim.syscall.Errno.EBUSY.exception(device.name()
            + " is mounted on " + m.path() + "; will not make a filesystem here");
      }
    }
    type.mkfs(this, device, MountOptions.parse(options, type.mkfsOptions()));
  }

  /** Mounts {@code type} from {@code device} at {@code path} (created in the root if missing). */
  public SuperBlock mount(FileSystemType type, BlockDevice device, String options, String path) {
    Task k = kernelTask();
    try {
      vfs.resolve(path);
    } catch (org.vfsim.syscall.ErrnoException e) {
      vfs.mkdir(k, path, 0755);
    }
    return vfs.mount(k, type, device, options, path);
  }

  /** The boot scripts' {@code mkdir -p} of mount points a re-created filesystem no longer has. */
  private void recreateMountPoints() {
    List<Vfs.Mount> byDepth = new ArrayList<>(vfs.mounts());
    byDepth.sort(java.util.Comparator.comparingInt(x -> x.path().length()));
    for (Vfs.Mount m : byDepth) {
      if (m.path().equals("/")) {
        continue;
      }
      Vfs.Parent p = vfs.resolveParent(m.path());
      if (p.dir().lookup(p.name()) == null) {
        p.dir().mkdir(kernelTask(), p.name(), 0755);
      }
    }
  }

  public long nextDeviceNumber() {
    return deviceNumbers.getAndIncrement();
  }

  /**
   * A simulated power cut and reboot: every process dies, the page cache and every device's
   * volatile write cache are lost, and each filesystem is mounted again from what its device
   * holds (recovering from its log, if it has one). A process spawned before the cut is dead:
   * each of its system calls, and each access to its memory, fails with {@code ESRCH} instead
   * of reaching the inodes and pages of the mount that died; spawn a new one.
   */
  public void powerCut() {
    List<UserProcess> dead;
    synchronized (this) {
      dead = new ArrayList<>(processes);
      processes.clear();
    }
    pageCache.discardAll();
    vfs.forgetOpenFiles();
    for (Vfs.Mount m : vfs.mounts()) {
      SuperBlock sb = m.sb();
      if (sb.device() != null) {
        sb.device().powerCut();
      }
      // A filesystem without a device lived in RAM: it comes back empty, as after a reboot.
      SuperBlock fresh = sb.type().mount(new MountContext(this, sb.type(), sb.device(),
          sb.options()));
      vfs.replace(m, fresh);
    }
    recreateMountPoints();
    dead.forEach(UserProcess::diedAtPowerCut);
  }
}

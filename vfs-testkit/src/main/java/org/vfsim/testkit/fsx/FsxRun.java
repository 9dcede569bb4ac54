package org.vfsim.testkit.fsx;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.function.Consumer;
import java.util.Map;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.vfsim.Configuration;
import org.vfsim.fs.Capability;
import org.vfsim.fs.FallocMode;
import org.vfsim.fs.FileSystemType;
import org.vfsim.lockdep.LockdepViolation;
import org.vfsim.pagecache.Folio;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;
import org.vfsim.testkit.FaultInjection;
import org.vfsim.testkit.FilesystemUnderTest;
import org.vfsim.testkit.Invariants;
import org.vfsim.testkit.MountedFilesystem;
import org.vfsim.testkit.fsx.WriteSources.Seg;

/** One run of the model checker: the random stream, the two files and their models. */
final class FsxRun {
  /** fsx's operation names, as logs and replay files print them. */
  enum Op {
    READ(10), WRITE(10), WRITEV(4), MAPREAD(4), MAPWRITE(4), TRUNCATE(3), FALLOC(2),
    PUNCH_HOLE(2), ZERO_RANGE(2), FSYNC(2), CLOSEOPEN(2), CLONE_RANGE(2), POWERCUT(1);

    final int weight;

    Op(int weight) {
      this.weight = weight;
    }
  }

  private static final int MAX_OP_LEN = 64 * 1024;
  private static final int WHOLE_FILE_EVERY = 64;
  private static final int HISTORY = 12;
  private static final Duration TICK = Duration.ofMillis(50);

  /** A check failed; {@code check} names it. */
  private static final class Failure extends RuntimeException {
    final String check;

    Failure(String check, String message) {
      super(message, null, false, false);
      this.check = check;
    }
  }

  /** One test file: its name, descriptor and model. */
  private static final class TestFile {
    final String name;
    int fd;
    final FileModel model = new FileModel();

    TestFile(String name) {
      this.name = name;
    }
  }

  private final FileSystemType type;
  private final Fsx.Options opts;
  private final PrintStream log;
  private final SplittableRandom rng;
  private final Map<Op, Integer> weights = new EnumMap<>(Op.class);
  private final Map<Op, Long> counts = new EnumMap<>(Op.class);
  private final int totalWeight;
  private final Deque<String> history = new ArrayDeque<>();
  private final List<Runnable> cleanup = new ArrayList<>();
  private MountedFilesystem fs;
  private WriteSources sources;
  private final TestFile[] files = {new TestFile("fsx_file"), new TestFile("fsx_clone")};
  private long maxSize;
  private long buf;
  private long bufLen;
  private long opNo;
  private String current = "setup";
  private @Nullable String diff;

  private final @Nullable Consumer<MountedFilesystem> finalJudge;

  FsxRun(FileSystemType type, Fsx.Options opts, PrintStream log) {
    this(type, opts, log, null);
  }

  FsxRun(FileSystemType type, Fsx.Options opts, PrintStream log,
      @Nullable Consumer<MountedFilesystem> finalJudge) {
    this.finalJudge = finalJudge;
    this.type = type;
    this.opts = opts;
    this.log = log;
    this.rng = new SplittableRandom(opts.seed());
    int total = 0;
    for (Op op : Op.values()) {
      if (enabled(op)) {
        weights.put(op, op.weight);
        total += op.weight;
      }
    }
    this.totalWeight = total;
  }

  private boolean enabled(Op op) {
    return switch (op) {
      case FALLOC -> type.has(Capability.FALLOCATE);
      case PUNCH_HOLE -> type.has(Capability.PUNCH_HOLE);
      case ZERO_RANGE -> type.has(Capability.ZERO_RANGE);
      case CLONE_RANGE -> type.has(Capability.REFLINK);
      case POWERCUT -> type.has(Capability.POWER_CUT_DURABILITY)
          && type.has(Capability.BLOCK_DEVICE);
      default -> true;
    };
  }

  Fsx.Result run() {
    // The first line is a command line that repeats this run, options included.
    log.printf("fsx: --fs %s%s%s -S %d -N %d (file size <= %d; ops: %s)%n", type.name(),
        opts.mkfsOptions().isEmpty() ? "" : " --mkfs " + opts.mkfsOptions(),
        opts.mountOptions().isEmpty() ? "" : " --mount " + opts.mountOptions(), opts.seed(),
        opts.operations(), opts.maxFileSize(), weights.keySet());
    long start = System.nanoTime();
    String failure = null;
    Path replay = null;
    try {
      setUp();
      for (opNo = 1; opNo <= opts.operations(); opNo++) {
        step();
        check();
        if (opNo % WHOLE_FILE_EVERY == 0) {
          current = current + " (then whole-file check)";
          checkWholeFiles();
        }
        fs.machine().clock().advance(TICK);
      }
      opNo = opts.operations();
      current = "final checks";
      checkWholeFiles();
      finalAccounting();
      if (finalJudge != null) {
        current = "final judge (after sync)";
        fs.sys().sync();
        finalJudge.accept(fs);
      }
    } catch (Failure f) {
      failure = report(f.check, f.getMessage());
    } catch (LockdepViolation e) {
      // The first report is the cause; a later one (a lock left held) may have replaced it.
      StringBuilder all = new StringBuilder();
      for (var r : fs == null ? List.<org.vfsim.lockdep.LockdepReport>of()
          : fs.machine().lockValidator().reports()) {
        all.append(r.render().strip()).append('\n');
      }
      failure = report("lockdep", all.isEmpty() ? e.getMessage() : all.toString());
    } catch (ErrnoException e) {
      failure = report("errno", "unexpected " + e.getMessage());
    } catch (RuntimeException | AssertionError | StackOverflowError e) {
      failure = report("exception", e.toString() + at(e));
    } finally {
      cleanup.forEach(Runnable::run);
      if (fs != null) {
        fs.machine().lockValidator().takeReports();
      }
    }
    double secs = (System.nanoTime() - start) / 1e9;
    long ran = failure == null ? opts.operations() : Math.min(opNo, opts.operations());
    double rate = ran / Math.max(secs, 1e-9);
    if (failure != null) {
      replay = writeReplay(failure);
      if (replay != null) {
        failure = failure + "\n  replay file: " + replay;
      }
      log.println(failure);
      return new Fsx.Result(false, ran, opts.seed(), failure, replay, rate);
    }
    log.printf("fsx: passed %d operations, seed %d, %.1f s, %.0f ops/s%n", ran, opts.seed(),
        secs, rate);
    log.printf("fsx: operations run: %s%n", counts);
    return new Fsx.Result(true, ran, opts.seed(), null, null, rate);
  }

  private static String at(Throwable e) {
    StackTraceElement[] st = e.getStackTrace();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(6, st.length); i++) {
      sb.append("\n      at ").append(st[i]);
    }
    return sb.toString();
  }

  private String report(String check, String message) {
    StringBuilder sb = new StringBuilder();
    sb.append("fsx: FAILED --fs ").append(type.name()).append(" seed ").append(opts.seed())
        .append(" operation #").append(opNo).append(' ').append(current).append('\n');
    sb.append("  check ").append(check).append(": ")
        .append(message.strip().replace("\n", "\n    "));
    if (diff != null) {
      sb.append('\n').append(diff);
    }
    sb.append("\n  last operations:");
    for (String h : history) {
      sb.append("\n    ").append(h);
    }
    return sb.toString();
  }

  private @Nullable Path writeReplay(String failure) {
    Path out = opts.replayOut();
    if (out == null) {
      return null;
    }
    try {
      new ReplayFile(type.name(), opts.withOperations(Math.max(1, opNo)))
          .write(out, failure, List.copyOf(history));
      return out;
    } catch (IOException e) {
      log.println("fsx: cannot write replay file " + out + ": " + e);
      return null;
    }
  }

  // ---- setup -------------------------------------------------------------------------------

  private void setUp() {
    FilesystemUnderTest fut = FilesystemUnderTest.of(type).withDeviceBytes(opts.deviceBytes())
        .withBlockSize(opts.blockSize()).withMkfsOptions(opts.mkfsOptions())
        .withMountOptions(opts.mountOptions());
    fs = MountedFilesystem.mount(fut, false, Configuration.defaults());
    sources = new WriteSources(rng, fs);
    maxSize = Math.min(opts.maxFileSize(), fs.sb().maxBytes());
    openAll(true);
    fs.sys().sync();
    for (TestFile f : files) {
      f.model.synced();
    }
    baseline = fs.sb().allocatedDataBytes();
    check();
  }

  private void openAll(boolean create) {
    Syscalls sys = fs.sys();
    for (TestFile f : files) {
      f.fd = sys.open(fs.path(f.name), Fcntl.O_RDWR | (create ? Fcntl.O_CREAT : 0), 0644);
    }
    bufLen = maxSize + 2L * MAX_OP_LEN + 16L * Folio.SIZE;
    buf = sys.mmapAnonymous(bufLen);
  }

  // ---- the loop ----------------------------------------------------------------------------

  private Op pick() {
    int r = rng.nextInt(totalWeight);
    for (Map.Entry<Op, Integer> e : weights.entrySet()) {
      r -= e.getValue();
      if (r < 0) {
        counts.merge(e.getKey(), 1L, Long::sum);
        return e.getKey();
      }
    }
    throw new IllegalStateException();
  }

  private void step() {
    diff = null;
    Op op = pick();
    switch (op) {
      case READ -> doRead();
      case WRITE -> doWrite(false);
      case WRITEV -> doWrite(true);
      case MAPREAD -> doMapRead();
      case MAPWRITE -> doMapWrite();
      case TRUNCATE -> doTruncate();
      case FALLOC -> doFalloc();
      case PUNCH_HOLE -> doPunch();
      case ZERO_RANGE -> doZeroRange();
      case FSYNC -> doFsync();
      case CLOSEOPEN -> doCloseOpen();
      case CLONE_RANGE -> doClone();
      case POWERCUT -> doPowerCut();
    }
  }

  private void record(String desc) {
    current = desc;
    history.addLast(opNo + " " + desc);
    while (history.size() > HISTORY) {
      history.removeFirst();
    }
  }

  private void check() {
    List<String> problems = Invariants.check(fs);
    if (!problems.isEmpty()) {
      String first = problems.get(0);
      int colon = first.indexOf(':');
      throw new Failure(colon > 0 ? first.substring(0, colon) : "invariants",
          String.join("\n", problems));
    }
  }

  private TestFile file(int i) {
    return files[i];
  }

  private long randOffset(long bound) {
    long off = rng.nextLong(Math.max(1, bound));
    if (rng.nextInt(3) == 0) {
      off &= ~((long) Folio.SIZE - 1);
    }
    return off;
  }

  private int randLen(long bound) {
    int len = 1 + rng.nextInt((int) Math.max(1, Math.min(MAX_OP_LEN, bound)));
    if (rng.nextInt(3) == 0 && len >= Folio.SIZE) {
      len &= ~(Folio.SIZE - 1);
    }
    return len;
  }

  private static String range(long off, long len) {
    return String.format("0x%x thru 0x%x (0x%x bytes)", off, off + len - 1, len);
  }

  // ---- operations --------------------------------------------------------------------------

  private void doRead() {
    TestFile f = file(rng.nextInt(4) == 0 ? 1 : 0);
    long size = f.model.size();
    boolean user = rng.nextBoolean();
    if (size == 0) {
      rng.nextLong();
      record("READ " + f.name + " skipped (zero size)");
      return;
    }
    long off = randOffset(size);
    int len = randLen(size - off);
    record("READ " + f.name + " " + range(off, len) + (user ? " to user memory" : ""));
    Syscalls sys = fs.sys();
    byte[] got;
    if (user) {
      long n = sys.pread(f.fd, buf, len, off);
      expectEq("return value", "pread returned", len, n);
      got = sys.load(buf, len);
    } else {
      got = sys.preadBytes(f.fd, len, off);
    }
    compare(f, off, f.model.read(off, len), got);
  }

  private void doWrite(boolean vectored) {
    TestFile f = file(rng.nextInt(5) == 0 ? 1 : 0);
    Syscalls sys = fs.sys();
    long off = randOffset(maxSize - 1);
    int len = randLen(maxSize - off);
    WriteSources.Choice source = sources.choose(buf, f.model, f.fd, off, len, vectored);
    List<Seg> segs = source.segs();
    record((vectored ? "WRITEV " : "WRITE ") + f.name + " " + range(off, source.total())
        + " src=" + source.variant());
    List<FaultInjection.Injection> injections = new ArrayList<>();
    if (source.race()) {
      int times = 1 + rng.nextInt(2);
      for (Seg s : segs) {
        if (s.expect() != null) {
          injections.add(FaultInjection.unmapAfterFaultIn(fs.machine(), sys.task(), s.addr(),
              s.len(), times));
        }
      }
    }
    long n;
    try {
      if (vectored || segs.size() > 1) {
        long[] addrs = new long[segs.size()];
        long[] lens = new long[segs.size()];
        for (int i = 0; i < addrs.length; i++) {
          addrs[i] = segs.get(i).addr();
          lens[i] = segs.get(i).len();
        }
        n = sys.pwritev(f.fd, addrs, lens, off);
      } else {
        n = sys.pwrite(f.fd, segs.get(0).addr(), segs.get(0).len(), off);
      }
    } finally {
      injections.forEach(FaultInjection.Injection::close);
      source.undo().forEach(Runnable::run);
    }
    expectEq("return value", "write returned (bytes before the first unmapped source byte)",
        source.expected(), n);
    source.writeTo(f.model, off);
    checkSize(f);
    verifyRange(f, off, n);
  }

  private void doMapRead() {
    TestFile f = file(0);
    long size = f.model.size();
    if (size == 0) {
      rng.nextLong();
      record("MAPREAD skipped (zero size)");
      return;
    }
    long off = randOffset(size);
    int len = randLen(size - off);
    record("MAPREAD " + f.name + " " + range(off, len));
    Syscalls sys = fs.sys();
    long mapStart = off & ~((long) Folio.SIZE - 1);
    long mapLen = off + len - mapStart;
    long map = sys.mmap(0, mapLen, Fcntl.PROT_READ, Fcntl.MAP_SHARED, f.fd, mapStart);
    byte[] got;
    try {
      got = sys.load(map + (off - mapStart), len);
    } finally {
      sys.munmap(map, mapLen);
    }
    compare(f, off, f.model.read(off, len), got);
  }

  private void doMapWrite() {
    TestFile f = file(0);
    long off = randOffset(maxSize - 1);
    int len = randLen(maxSize - off);
    boolean msync = rng.nextInt(4) == 0;
    byte[] data = WriteSources.randomBytes(rng, len);
    boolean extend = off + len > f.model.size();
    record("MAPWRITE " + f.name + " " + range(off, len) + (extend ? " (ftruncate up first)" : "")
        + (msync ? " +msync" : ""));
    Syscalls sys = fs.sys();
    if (extend) {
      sys.ftruncate(f.fd, off + len); // fsx: a store past EOF would be SIGBUS
      f.model.truncate(off + len);
    }
    long mapStart = off & ~((long) Folio.SIZE - 1);
    long mapLen = off + len - mapStart;
    long map = sys.mmap(0, mapLen, Fcntl.PROT_READ | Fcntl.PROT_WRITE, Fcntl.MAP_SHARED, f.fd,
        mapStart);
    try {
      sys.store(map + (off - mapStart), data);
      if (msync) {
        sys.msync(map, mapLen, Fcntl.MS_SYNC);
      }
    } finally {
      sys.munmap(map, mapLen);
    }
    f.model.write(off, data, 0, len);
    checkSize(f);
    verifyRange(f, off, len);
  }

  private void doTruncate() {
    TestFile f = file(rng.nextInt(4) == 0 ? 1 : 0);
    long newSize = rng.nextLong(maxSize + 1);
    if (rng.nextInt(3) == 0) {
      newSize &= ~((long) Folio.SIZE - 1);
    }
    long old = f.model.size();
    record("TRUNCATE " + f.name + (newSize < old ? " DOWN" : " UP") + String.format(
        " from 0x%x to 0x%x", old, newSize));
    fs.sys().ftruncate(f.fd, newSize);
    f.model.truncate(newSize);
    checkSize(f);
    long from = Math.max(0, (Math.min(old, newSize) & ~((long) Folio.SIZE - 1)) - Folio.SIZE);
    verifyRange(f, from, Math.min(f.model.size(), Math.max(old, newSize) + Folio.SIZE) - from);
  }

  private void doFalloc() {
    TestFile f = file(0);
    long off = randOffset(maxSize - 1);
    int len = randLen(maxSize - off);
    boolean keep = rng.nextBoolean();
    record("FALLOC " + f.name + " " + range(off, len) + (keep ? " KEEP_SIZE" : ""));
    fs.sys().fallocate(f.fd, keep ? FallocMode.KEEP_SIZE : 0, off, len);
    if (!keep && off + len > f.model.size()) {
      f.model.truncate(off + len);
    }
    checkSize(f);
    verifyRange(f, off, Math.min(len, Math.max(0, f.model.size() - off)));
  }

  private void doPunch() {
    TestFile f = file(0);
    long off = randOffset(maxSize - 1);
    int len = randLen(maxSize - off);
    record("PUNCH_HOLE " + f.name + " " + range(off, len));
    fs.sys().fallocate(f.fd, FallocMode.PUNCH_HOLE | FallocMode.KEEP_SIZE, off, len);
    f.model.zeroWithinSize(off, len);
    checkSize(f);
    verifyRange(f, Math.max(0, off - 1), len + 2);
  }

  private void doZeroRange() {
    TestFile f = file(0);
    long off = randOffset(maxSize - 1);
    int len = randLen(maxSize - off);
    boolean keep = rng.nextBoolean();
    record("ZERO_RANGE " + f.name + " " + range(off, len) + (keep ? " KEEP_SIZE" : ""));
    fs.sys().fallocate(f.fd, FallocMode.ZERO_RANGE | (keep ? FallocMode.KEEP_SIZE : 0), off, len);
    f.model.zeroWithinSize(off, len);
    if (!keep && off + len > f.model.size()) {
      f.model.truncate(off + len);
    }
    checkSize(f);
    verifyRange(f, Math.max(0, off - 1), len + 2);
  }

  private void doFsync() {
    TestFile f = file(rng.nextInt(3) == 0 ? 1 : 0);
    boolean data = rng.nextInt(4) == 0;
    record((data ? "FSYNC (fdatasync) " : "FSYNC ") + f.name);
    if (data) {
      fs.sys().fdatasync(f.fd);
    } else {
      fs.sys().fsync(f.fd);
    }
    f.model.synced();
  }

  private void doCloseOpen() {
    TestFile f = file(rng.nextInt(4) == 0 ? 1 : 0);
    record("CLOSEOPEN " + f.name);
    fs.sys().close(f.fd);
    f.fd = fs.sys().open(fs.path(f.name), Fcntl.O_RDWR);
    checkSize(f);
  }

  private void doClone() {
    boolean back = rng.nextInt(4) == 0;
    TestFile src = file(back ? 1 : 0);
    TestFile dst = file(back ? 0 : 1);
    long bs = fs.sb().blockSize();
    long blocks = src.model.size() / bs;
    if (blocks == 0) {
      rng.nextLong();
      record("CLONE_RANGE skipped (source smaller than a block)");
      return;
    }
    long srcBlock = rng.nextLong(blocks);
    long n = 1 + rng.nextLong(Math.min(blocks - srcBlock, MAX_OP_LEN / bs));
    long len = n * bs;
    long dstOff = rng.nextLong((maxSize - len) / bs + 1) * bs;
    long srcOff = srcBlock * bs;
    record(String.format("CLONE_RANGE %s 0x%x thru 0x%x -> %s 0x%x", src.name, srcOff,
        srcOff + len - 1, dst.name, dstOff));
    fs.sys().cloneRange(src.fd, srcOff, dst.fd, dstOff, len);
    byte[] bytes = src.model.read(srcOff, (int) len);
    dst.model.write(dstOff, bytes, 0, bytes.length);
    checkSize(dst);
    verifyRange(dst, dstOff, len);
    verifyRange(src, srcOff, len);
  }

  private void doPowerCut() {
    StringBuilder state = new StringBuilder();
    for (TestFile f : files) {
      state.append(' ').append(f.name).append(f.model.dirtySinceSync() ? "=dirty" : "=synced")
          .append(String.format(" (size 0x%x, fsynced 0x%x)", f.model.size(),
              f.model.durableSize()));
    }
    record("POWERCUT" + state);
    fs.powerCut();
    Syscalls sys = fs.sys();
    StringBuilder after = new StringBuilder();
    for (TestFile f : files) {
      try {
        f.fd = sys.open(fs.path(f.name), Fcntl.O_RDWR);
      } catch (ErrnoException e) {
        throw new Failure("durability", f.name + " lost after a sync and a power cut: "
            + e.getMessage());
      }
      long size = sys.fstat(f.fd).size();
      byte[] actual = sys.preadBytes(f.fd, (int) size, 0);
      if (actual.length != size) {
        throw new Failure("durability", f.name + ": read " + actual.length + " of " + size
            + " bytes after the power cut");
      }
      FileModel m = f.model;
      if (!m.dirtySinceSync()) {
        // Nothing changed since fsync returned: exactly the fsynced content and size survive.
        if (size != m.durableSize()) {
          throw new Failure("durability", String.format(
              "%s: size 0x%x after power cut, fsync had made 0x%x durable", f.name, size,
              m.durableSize()));
        }
        firstDifference(f.name, 0, m.durable(), actual, "durability");
      } else {
        // Unsynced changes may or may not have reached the disk; bytes nobody touched since
        // the fsync, below every size the file had since, must be the fsynced ones.
        long limit = m.stableLimit();
        byte[] d = m.durable();
        for (long i = 0; i < limit; i++) {
          if (m.touchedSinceSync(i)) {
            continue;
          }
          if (i >= size || actual[(int) i] != d[(int) i]) {
            diff = String.format("  offset 0x%x: fsynced 0x%02x, after power cut %s", i,
                d[(int) i], i >= size ? "past EOF (size 0x" + Long.toHexString(size) + ")"
                    : String.format("0x%02x", actual[(int) i]));
            throw new Failure("durability", f.name
                + ": a byte not written since fsync changed across a power cut");
          }
        }
      }
      m.adopt(actual);
      after.append(String.format(" %s=0x%x", f.name, size));
    }
    history.addLast(opNo + "   (after the power cut:" + after + ")");
    buf = sys.mmapAnonymous(bufLen);
  }

  // ---- verification ------------------------------------------------------------------------

  private void expectEq(String check, String what, long expected, long actual) {
    if (expected != actual) {
      throw new Failure(check, String.format("%s %d (0x%x), expected %d (0x%x)", what, actual,
          actual, expected, expected));
    }
  }

  private void checkSize(TestFile f) {
    long size = fs.sys().fstat(f.fd).size();
    if (size != f.model.size()) {
      throw new Failure("size", String.format("%s: size 0x%x, model says 0x%x", f.name, size,
          f.model.size()));
    }
  }

  private void verifyRange(TestFile f, long off, long len) {
    long end = Math.min(f.model.size(), off + len);
    if (end <= off) {
      return;
    }
    byte[] got = fs.sys().preadBytes(f.fd, (int) (end - off), off);
    compare(f, off, f.model.read(off, (int) (end - off)), got);
  }

  private void compare(TestFile f, long off, byte[] expected, byte[] actual) {
    firstDifference(f.name, off, expected, actual, "content");
  }

  private void firstDifference(String name, long off, byte[] expected, byte[] actual,
      String check) {
    ModelDiff d = ModelDiff.first(off, expected, actual);
    if (d == null) {
      return;
    }
    if (d.shortRead()) {
      throw new Failure(check, String.format("%s: read %d bytes at 0x%x, expected %d", name,
          actual.length, off, expected.length));
    }
    diff = d.detail();
    throw new Failure(check, String.format("%s: bytes at 0x%x differ from the model", name,
        d.offset()));
  }

  private void checkWholeFiles() {
    for (TestFile f : files) {
      checkSize(f);
      verifyRange(f, 0, f.model.size());
    }
  }

  /**
   * A short or failed write leaks no reservation or block: with every file truncated to 0 and
   * synced, the data space in use is back to what it was before the run.
   */
  private void finalAccounting() {
    Syscalls sys = fs.sys();
    long before = fs.sb().allocatedDataBytes();
    for (TestFile f : files) {
      sys.ftruncate(f.fd, 0);
      f.model.truncate(0);
    }
    sys.sync();
    check();
    long after = fs.sb().allocatedDataBytes();
    if (after > baseline) {
      throw new Failure("accounting", String.format(
          "%d data bytes still allocated after truncating every file to 0 and sync, %d before"
              + " the run (%d before the final truncate): leaked reservation or block",
          after, baseline, before));
    }
  }

  private long baseline;
}

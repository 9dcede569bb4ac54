package org.vfsim.mm;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.vfsim.fs.FileType;
import org.vfsim.fs.Inode;
import org.vfsim.fs.InodeUse;
import org.vfsim.fs.OpenFile;
import org.vfsim.kernel.HookPoint;
import org.vfsim.kernel.Hooks;
import org.vfsim.kernel.Task;
import org.vfsim.kernel.UserProcess;
import org.vfsim.lockdep.LockValidator;
import org.vfsim.pagecache.Folio;
import org.vfsim.pagecache.Mapping;
import org.vfsim.pagecache.PageCache;
import org.vfsim.pagecache.XArray;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.Fcntl;

/**
 * A process's user address space ({@code mm_struct}): its VMAs, its page table, its
 * {@code mmap_lock}, page-fault handling, and the user copies the kernel makes. A copy with
 * faults enabled takes {@code mmap_lock} and, for a file page, that page's folio lock; an
 * atomic copy (faults disabled) only reads present pages and stops at the first absent one.
 */
public final class Mm {
  /** Highest user address plus one (x86-64 with 4-level page tables). */
  public static final long TASK_SIZE = 1L << 47;
  private static final long MMAP_BASE = 0x7f00_0000_0000L;
  private static final long MMAP_MIN_ADDR = 0x10000L;
  private static final long PAGE_MASK = ~((long) Folio.SIZE - 1);

  private final UserProcess process;
  private final MmapLock mmapLock;
  private final Hooks hooks;
  private final TreeMap<Long, Vma> vmas = new TreeMap<>();
  private final XArray<Pte> pageTable = new XArray<>();
  private final Map<Long, byte[]> swap = new HashMap<>();
  private long faults;

  public Mm(UserProcess process, LockValidator validator, Hooks hooks) {
    this.process = process;
    this.mmapLock = new MmapLock(validator, hooks);
    this.hooks = hooks;
  }

  public UserProcess process() {
    return process;
  }

  public MmapLock mmapLock() {
    return mmapLock;
  }

  /** Page faults handled so far. */
  public synchronized long faults() {
    return faults;
  }

  // ---- VMAs ----------------------------------------------------------------------------------

  public synchronized @Nullable Vma findVma(long addr) {
    Map.Entry<Long, Vma> e = vmas.floorEntry(addr);
    return e != null && addr < e.getValue().end() ? e.getValue() : null;
  }

  public synchronized List<Vma> vmas() {
    return List.copyOf(vmas.values());
  }

  /**
   * {@code mmap}: maps {@code len} bytes (rounded up to pages) anonymous or of {@code file} from
   * {@code offset}; returns the address. Takes {@code mmap_lock} for write.
   */
  public long mmap(Task task, long addr, long len, int prot, int flags, @Nullable OpenFile file,
      long offset) {
    if (file == null || (flags & Fcntl.MAP_ANONYMOUS) != 0) {
      return doMmap(task, addr, len, prot, flags, file, offset);
    }
    try (InodeUse use = file.inode().use(task, "do_mmap")) {
      return doMmap(task, addr, len, prot, flags, file, offset);
    }
  }

  private long doMmap(Task task, long addr, long len, int prot, int flags,
      @Nullable OpenFile file, long offset) {
    boolean shared = (flags & Fcntl.MAP_SHARED) != 0;
    boolean priv = (flags & Fcntl.MAP_PRIVATE) != 0;
    if (len <= 0 || shared == priv || (offset & ~PAGE_MASK) != 0 || offset < 0) {
      throw Errno.EINVAL.exception("mmap arguments");
    }
    long length = (len + Folio.SIZE - 1) & PAGE_MASK;
    if (length <= 0 || length > TASK_SIZE) {
      throw Errno.ENOMEM.exception("mmap length");
    }
    boolean anon = (flags & Fcntl.MAP_ANONYMOUS) != 0;
    if (!anon) {
      if (file == null) {
        throw Errno.EBADF.exception("mmap without a file");
      }
      Inode inode = file.inode();
      if (inode.type() != FileType.REGULAR) {
        throw Errno.ENODEV.exception("mmap of a non-regular file");
      }
      if (!file.readable()) {
        throw Errno.EACCES.exception("file not open for reading");
      }
      if (shared && (prot & Fcntl.PROT_WRITE) != 0 && !file.writable()) {
        throw Errno.EACCES.exception("shared writable mapping of a file not open for writing");
      }
      if (offset + length < 0) {
        throw Errno.EOVERFLOW.exception("mmap offset");
      }
    }
    List<OpenFile> toPut = new ArrayList<>();
    mmapLock.writeLock(task);
    try {
      long start;
      if ((flags & Fcntl.MAP_FIXED) != 0) {
        if ((addr & ~PAGE_MASK) != 0 || addr < MMAP_MIN_ADDR || addr + length > TASK_SIZE) {
          throw Errno.EINVAL.exception("MAP_FIXED address");
        }
        start = addr;
        unmapLocked(start, start + length, toPut);
      } else {
        start = findFreeRange(length);
      }
      Vma vma = new Vma(this, start, start + length, prot, shared, anon ? null : file,
          anon ? 0 : offset >>> Folio.SHIFT);
      synchronized (this) {
        vmas.put(start, vma);
      }
      if (!anon) {
        file.get();
        file.inode().mapping().addMapping(vma);
      }
      return start;
    } finally {
      mmapLock.writeUnlock(task);
      putFiles(task, toPut);
    }
  }

  private synchronized long findFreeRange(long length) {
    long candidate = MMAP_BASE - length;
    for (Vma v : vmas.descendingMap().values()) {
      if (v.start() >= candidate + length) {
        continue;
      }
      if (v.end() <= candidate) {
        break;
      }
      candidate = v.start() - length;
    }
    if (candidate < MMAP_MIN_ADDR) {
      throw Errno.ENOMEM.exception("address space exhausted");
    }
    return candidate;
  }

  /**
   * {@code munmap}: removes mappings in the range; takes {@code mmap_lock} for write. The file
   * references of the removed VMAs are dropped by the calling task after {@code mmap_lock} is
   * released, as Linux does ({@code remove_vma}'s {@code fput} is deferred), so that a last put
   * never runs {@code ->release} or eviction under it.
   */
  public void munmap(Task task, long addr, long len) {
    checkRange(addr, len);
    long end = addr + ((len + Folio.SIZE - 1) & PAGE_MASK);
    List<OpenFile> toPut = new ArrayList<>();
    mmapLock.writeLock(task);
    try {
      unmapLocked(addr, end, toPut);
    } finally {
      mmapLock.writeUnlock(task);
      putFiles(task, toPut);
    }
  }

  private static void putFiles(Task task, List<OpenFile> files) {
    for (OpenFile f : files) {
      f.put(task);
    }
  }

  /**
   * Removes the mappings of {@code [start, end)}. Each file VMA holds one reference to its
   * file: a split that leaves a head and a tail takes one more, a VMA removed whole gives its
   * reference to {@code toPut} for the caller to drop once {@code mmap_lock} is released.
   */
  private void unmapLocked(long start, long end, List<OpenFile> toPut) {
    for (Vma v : overlapping(start, end)) {
      synchronized (this) {
        vmas.remove(v.start());
        if (v.start() < start) {
          vmas.put(v.start(), v.slice(v.start(), start));
        }
        if (v.end() > end) {
          Vma tail = v.slice(end, v.end());
          vmas.put(end, tail);
        }
      }
      OpenFile f = v.file();
      if (f != null) {
        Mapping m = f.inode().mapping();
        m.removeMapping(v);
        int pieces = 0;
        if (v.start() < start) {
          m.addMapping(findVma(v.start()));
          pieces++;
        }
        if (v.end() > end) {
          m.addMapping(findVma(end));
          pieces++;
        }
        if (pieces == 0) {
          toPut.add(f);
        } else if (pieces == 2) {
          f.get();
        }
      }
      zapRange(Math.max(start, v.start()), Math.min(end, v.end()));
    }
  }

  private synchronized List<Vma> overlapping(long start, long end) {
    List<Vma> out = new ArrayList<>();
    Map.Entry<Long, Vma> first = vmas.floorEntry(start);
    long from = first != null && first.getValue().end() > start ? first.getKey() : start;
    for (Vma v : vmas.subMap(from, true, end, false).values()) {
      if (v.end() > start) {
        out.add(v);
      }
    }
    return out;
  }

  /**
   * {@code mprotect}: changes protection only; takes {@code mmap_lock} for write. Pages stay:
   * an anonymous page or a private copy made inaccessible by {@code PROT_NONE} has its bytes
   * when access comes back ({@code change_protection} rewrites entries, it never zaps them).
   */
  public void mprotect(Task task, long addr, long len, int prot) {
    checkRange(addr, len);
    long end = addr + ((len + Folio.SIZE - 1) & PAGE_MASK);
    mmapLock.writeLock(task);
    try {
      List<Vma> hit = overlapping(addr, end);
      long covered = 0;
      for (Vma v : hit) {
        covered += Math.min(end, v.end()) - Math.max(addr, v.start());
        if (v.shared() && v.file() != null && (prot & Fcntl.PROT_WRITE) != 0
            && !v.file().writable()) {
          throw Errno.EACCES.exception("mprotect PROT_WRITE on a read-only shared file mapping");
        }
      }
      if (covered != end - addr) {
        throw Errno.ENOMEM.exception("mprotect of unmapped range");
      }
      for (Vma v : hit) {
        Mapping m = v.file() == null ? null : v.file().inode().mapping();
        synchronized (this) {
          vmas.remove(v.start());
          if (v.start() < addr) {
            vmas.put(v.start(), v.slice(v.start(), addr));
          }
          long s = Math.max(addr, v.start());
          long e = Math.min(end, v.end());
          vmas.put(s, v.slice(s, e).withProt(prot));
          if (v.end() > end) {
            vmas.put(end, v.slice(end, v.end()));
          }
        }
        if (m != null) {
          m.removeMapping(v);
          List<Vma> pieces = overlapping(v.start(), v.end());
          for (Vma piece : pieces) {
            m.addMapping(piece);
          }
          // Each VMA holds a reference to its file: a split takes one per extra piece.
          for (int i = 1; i < pieces.size(); i++) {
            v.file().get();
          }
        }
        long s = Math.max(addr, v.start());
        long e = Math.min(end, v.end());
        changeProtection(s, e, prot);
      }
    } finally {
      mmapLock.writeUnlock(task);
    }
  }

  /**
   * {@code madvise}; only {@code MADV_DONTNEED} does anything: drops the pages of the range,
   * including a private mapping's pages in swap.
   */
  public void madvise(Task task, long addr, long len, int advice) {
    checkRange(addr, len);
    if (advice != Fcntl.MADV_DONTNEED) {
      return;
    }
    mmapLock.readLock(task);
    try {
      long end = addr + ((len + Folio.SIZE - 1) & PAGE_MASK);
      for (Vma v : overlapping(addr, end)) {
        zapRange(Math.max(addr, v.start()), Math.min(end, v.end()));
        if (!v.shared()) {
          // The process's own pages, anonymous or private copies of file pages, go wherever
          // they are, swap included (zap_pte_range frees swap entries): a private file
          // mapping then shows the file again, an anonymous one zeros.
          synchronized (pageTable) {
            for (long a = Math.max(addr, v.start()); a < Math.min(end, v.end()); a += Folio.SIZE) {
              swap.remove(a >>> Folio.SHIFT);
            }
          }
        }
      }
    } finally {
      mmapLock.readUnlock(task);
    }
  }

  /**
   * {@code msync}: with {@code MS_SYNC}, makes the file pages of shared mappings in the range
   * durable as {@code fdatasync} over that range would; with {@code MS_ASYNC} it does nothing, as Linux does.
   */
  public void msync(Task task, long addr, long len, int flags) {
    checkRange(addr, len);
    if ((flags & Fcntl.MS_SYNC) != 0 && (flags & Fcntl.MS_ASYNC) != 0) {
      throw Errno.EINVAL.exception("MS_SYNC and MS_ASYNC");
    }
    long end = addr + ((len + Folio.SIZE - 1) & PAGE_MASK);
    boolean sync = (flags & Fcntl.MS_SYNC) != 0;
    List<Vma> hit;
    List<OpenFile> held = new ArrayList<>();
    mmapLock.readLock(task);
    try {
      hit = overlapping(addr, end);
      // As msync(2) does, hold each file (get_file) before mmap_lock is dropped: a concurrent
      // munmap must not make its put the last one while the writeback uses the file.
      for (Vma v : hit) {
        if (sync && v.shared() && v.file() != null) {
          held.add(v.file().get());
        }
      }
    } finally {
      mmapLock.readUnlock(task);
    }
    try {
      if (hit.isEmpty()) {
        throw Errno.ENOMEM.exception("msync of unmapped range");
      }
      for (Vma v : hit) {
        if (sync && v.shared() && v.file() != null) {
          // Linux's msync(MS_SYNC) calls vfs_fsync_range(file, start, end, datasync=1): the
          // filesystem's fsync, which flushes the device cache, not just a write and wait.
          // Here the range is the whole file (more than asked, never less): the plugins' fsync
          // logs the whole inode, which must not find pages outside the range still dirty.
          try (InodeUse use = v.file().inode().use(task, "vfs_fsync_range")) {
            v.file().inode().fsyncRange(task, 0, Long.MAX_VALUE, true);
          }
        }
      }
    } finally {
      putFiles(task, held);
    }
  }

  private static void checkRange(long addr, long len) {
    if ((addr & ~PAGE_MASK) != 0 || len < 0 || addr + len > TASK_SIZE || addr < 0) {
      throw Errno.EINVAL.exception("range " + Long.toHexString(addr) + "+" + len);
    }
  }

  // ---- page table ----------------------------------------------------------------------------

  private Pte pte(long addr) {
    synchronized (pageTable) {
      return pageTable.load(addr >>> Folio.SHIFT);
    }
  }

  /** Whether the page holding {@code addr} is present in the page table. */
  public boolean isPresent(long addr) {
    return pte(addr) != null;
  }

  private void zapRange(long start, long end) {
    synchronized (pageTable) {
      for (long a = start & PAGE_MASK; a < end; a += Folio.SIZE) {
        pageTable.erase(a >>> Folio.SHIFT);
      }
    }
  }

  /**
   * {@code change_pte_range}: present entries of {@code [start, end)} become inaccessible for
   * {@code PROT_NONE}, accessible otherwise, and read-only without {@code PROT_WRITE}. Write
   * access is never granted here: the next store takes a write fault, which reuses an exclusive
   * page, copies a file page for a private mapping, or calls {@code page_mkwrite}.
   */
  private void changeProtection(long start, long end, int prot) {
    boolean none = (prot & (Fcntl.PROT_READ | Fcntl.PROT_WRITE | Fcntl.PROT_EXEC)) == 0;
    synchronized (pageTable) {
      for (long a = start & PAGE_MASK; a < end; a += Folio.SIZE) {
        Pte p = pageTable.load(a >>> Folio.SHIFT);
        if (p == null) {
          continue;
        }
        p.accessible = !none;
        if (none || (prot & Fcntl.PROT_WRITE) == 0) {
          p.writable = false;
        }
      }
    }
  }

  /** Write-protects the page at {@code addr} if present (writeback's {@code folio_mkclean}). */
  public void writeProtectPage(long addr) {
    Pte p = pte(addr);
    if (p != null) {
      p.writable = false;
    }
  }

  /** Removes the entries of file pages {@code [first, last]} that {@code vma} maps. */
  public void zapFilePages(Vma vma, long first, long last) {
    zapFilePages(vma, first, last, false);
  }

  /**
   * As {@link #zapFilePages(Vma, long, long)}; with {@code evenCows}, private copies of those
   * pages go too (and their swap), as {@code unmap_mapping_range(..., even_cows=1)} does for
   * truncation: a page past EOF must fault (SIGBUS) whoever modified it privately.
   */
  public void zapFilePages(Vma vma, long first, long last, boolean evenCows) {
    long lo = Math.max(first, vma.pgoff());
    long hi = Math.min(last, vma.filePageOf(vma.end() - 1));
    if (lo > hi) {
      return;
    }
    synchronized (pageTable) {
      for (long idx = lo; idx <= hi; idx++) {
        long a = vma.addressOfFilePage(idx);
        Pte p = pageTable.load(a >>> Folio.SHIFT);
        if (p != null && (p.folio != null || evenCows)) {
          pageTable.erase(a >>> Folio.SHIFT);
        }
        if (evenCows) {
          swap.remove(a >>> Folio.SHIFT);
        }
      }
    }
  }

  /**
   * Reclaim of one user page while its VMA stays valid: an anonymous page goes to swap, a file
   * page is simply unmapped. The next access faults it back in. Takes no {@code mmap_lock}, as
   * reclaim reaches page tables through the reverse map.
   */
  public void reclaimUserPage(long addr) {
    long vpn = addr >>> Folio.SHIFT;
    synchronized (pageTable) {
      Pte p = pageTable.erase(vpn);
      if (p != null && p.folio == null) {
        swap.put(vpn, p.data);
      }
    }
  }

  // ---- faults --------------------------------------------------------------------------------

  /**
   * Handles a page fault at {@code addr}; the caller holds {@code mmap_lock} for read. Returns
   * false where the kernel would send SIGSEGV or SIGBUS.
   */
  boolean handleFault(Task task, long addr, boolean write) {
    synchronized (this) {
      faults++;
    }
    Vma vma = findVma(addr);
    if (vma == null || (write && !vma.writable()) || (!write && !vma.readable())) {
      return false;
    }
    hooks.fire(HookPoint.IN_PAGE_FAULT, task);
    long vpn = addr >>> Folio.SHIFT;
    OpenFile file = vma.file();
    if (file == null) {
      synchronized (pageTable) {
        Pte p = pageTable.load(vpn);
        if (p == null) {
          byte[] data = swap.remove(vpn);
          pageTable.store(vpn,
              new Pte(data != null ? data : new byte[Folio.SIZE], null, vma.writable()));
        } else {
          // A present page that the entry did not allow (after mprotect): this process's own
          // page, so do_wp_page reuses it.
          p.accessible = true;
          p.writable |= write;
        }
      }
      return true;
    }
    if (!vma.shared()) {
      synchronized (pageTable) {
        Pte p = pageTable.load(vpn);
        if (p != null && p.folio == null) {
          // The process's private copy of a file page: reused, never copied again.
          p.accessible = true;
          p.writable |= write;
          return true;
        }
        // A private copy of a file page that reclaim sent to swap comes back from swap.
        byte[] data = swap.remove(vpn);
        if (data != null) {
          pageTable.store(vpn, new Pte(data, null, vma.writable()));
          return true;
        }
      }
    }
    Inode inode = file.inode();
    Mapping mapping = inode.mapping();
    long index = vma.filePageOf(addr);
    if (index >= (inode.size() + Folio.SIZE - 1) >>> Folio.SHIFT) {
      return false; // SIGBUS: beyond end of file
    }
    PageCache cache = mapping.cache();
    Folio folio = cache.grabFolio(task, mapping, index);
    try {
      if (!folio.isUptodate()) {
        mapping.aops().readFolio(task, folio);
        if (!folio.isUptodate()) {
          return false;
        }
      }
      if (write && !vma.shared()) {
        byte[] copy = folio.data().clone();
        synchronized (pageTable) {
          pageTable.store(vpn, new Pte(copy, null, true));
        }
        return true;
      }
      if (write) {
        mapping.aops().pageMkwrite(task, folio);
        folio.markDirty();
        inode.touchTimes(true);
      }
      synchronized (pageTable) {
        pageTable.store(vpn, new Pte(folio.data(), folio, write));
      }
      return true;
    } catch (org.vfsim.syscall.ErrnoException e) {
      return false; // page_mkwrite failed (ENOSPC...): SIGBUS
    } finally {
      folio.unlock(task);
    }
  }

  private boolean faultLocked(Task task, long addr, boolean write) {
    mmapLock.readLock(task);
    try {
      return handleFault(task, addr, write);
    } finally {
      mmapLock.readUnlock(task);
    }
  }

  // ---- user copies ---------------------------------------------------------------------------

  /**
   * {@code fault_in_readable}: faults in every page of the range; returns the number of bytes
   * that could not be faulted in (0 when all are present), counted from the first failing page.
   */
  public long faultInReadable(Task task, long addr, long len) {
    return faultIn(task, addr, len, false);
  }

  /** {@code fault_in_writeable}: as {@link #faultInReadable}, for stores. */
  public long faultInWriteable(Task task, long addr, long len) {
    return faultIn(task, addr, len, true);
  }

  private long faultIn(Task task, long addr, long len, boolean write) {
    if (len <= 0) {
      return 0;
    }
    long end = addr + len;
    for (long page = addr & PAGE_MASK; page < end; page += Folio.SIZE) {
      Pte p = pte(page);
      if (p != null && p.accessible && (!write || p.writable)) {
        continue;
      }
      if (!faultLocked(task, page, write)) {
        return end - Math.max(addr, page);
      }
    }
    return 0;
  }

  /**
   * Copies {@code len} bytes from user memory at {@code addr}. With page faults enabled a missing
   * page is faulted in (taking {@code mmap_lock}, and the folio lock for a file page); with them
   * disabled ({@link Task#pagefaultDisable()}) the copy is atomic and stops at the first absent
   * page. Returns the bytes copied; a short count is not an error.
   */
  public int copyFromUser(Task task, long addr, byte[] dst, int off, int len) {
    int done = 0;
    while (done < len) {
      long a = addr + done;
      int inPage = (int) (a & (Folio.SIZE - 1));
      int n = Math.min(len - done, Folio.SIZE - inPage);
      Pte p = pte(a);
      if (p == null || !p.accessible) {
        if (task.pagefaultDisabled() || !faultLocked(task, a, false)) {
          return done;
        }
        continue;
      }
      System.arraycopy(p.data, inPage, dst, off + done, n);
      done += n;
    }
    return done;
  }

  /** Copies to user memory, faulting for write as needed (or stopping, if faults are disabled). */
  public int copyToUser(Task task, long addr, byte[] src, int off, int len) {
    int done = 0;
    while (done < len) {
      long a = addr + done;
      int inPage = (int) (a & (Folio.SIZE - 1));
      int n = Math.min(len - done, Folio.SIZE - inPage);
      Pte p = pte(a);
      if (p == null || !p.writable) {
        if (task.pagefaultDisabled() || !faultLocked(task, a, true)) {
          return done;
        }
        continue;
      }
      System.arraycopy(src, off + done, p.data, inPage, n);
      done += n;
    }
    return done;
  }
}

package org.vfsim.btrfsish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.block.IoKind;
import org.vfsim.block.IoRequest;
import org.vfsim.block.LoggedRequest;
import org.vfsim.block.RequestLog;
import org.vfsim.fs.FsckReport;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

/** The trees on the device: crash states, damaged blocks, torn superblocks, commit cost. */
class OnDiskFormatTest {
  private static final int BS = 4096;

  /**
   * Random creates, writes, truncates, unlinks, fsyncs and syncs, cut by a power failure at a
   * seeded point that keeps a seeded random subset of the unflushed writes: what mounts is the
   * last commit plus the replayed log, so every file whose last change was fsynced (or synced)
   * reads back exactly, and fsck (in memory and on the device) is clean.
   */
  @Test
  void powerCutsAtSeededRandomPointsLeaveTheLastCommitPlusTheLog() {
    long seed = 0x5eedb7f5L;
    System.out.println("btrfsish power-cut trials, seed " + seed);
    Random rnd = new Random(seed);
    for (int trial = 0; trial < 24; trial++) {
      Rig r = new Rig(64L << 20, trial % 2 == 0 ? "nodesize=4k" : "", "");
      Map<String, byte[]> model = new HashMap<>();
      Map<String, byte[]> durable = new HashMap<>();
      Map<String, Integer> fds = new HashMap<>();
      int ops = 20 + rnd.nextInt(120);
      StringBuilder trace = new StringBuilder();
      for (int op = 0; op < ops; op++) {
        String f = "/mnt/f" + rnd.nextInt(12);
        int what = rnd.nextInt(10);
        trace.append(f.substring(5)).append(':').append(model.containsKey(f) ? what : -1)
            .append(' ');
        if (!model.containsKey(f)) {
          fds.put(f, r.create(f));
          model.put(f, new byte[0]);
          durable.remove(f);
          continue;
        }
        int fd = fds.get(f);
        if (what < 4) {
          int off = rnd.nextInt(6 * BS);
          byte[] d = Rig.pattern(1 + rnd.nextInt(3 * BS), rnd.nextInt(1000));
          r.sys.pwriteBytes(fd, d, off);
          byte[] m = model.get(f);
          byte[] n = Arrays.copyOf(m, Math.max(m.length, off + d.length));
          System.arraycopy(d, 0, n, off, d.length);
          model.put(f, n);
          durable.remove(f);
        } else if (what < 7) {
          r.sys.fsync(fd);
          durable.put(f, model.get(f).clone());
        } else if (what == 7) {
          r.sys.sync();
          model.forEach((k, v) -> durable.put(k, v.clone()));
        } else if (what == 8) {
          int len = rnd.nextInt(4 * BS);
          r.sys.ftruncate(fd, len);
          model.put(f, Arrays.copyOf(model.get(f), len));
          durable.remove(f);
        } else {
          r.sys.close(fd);
          r.sys.unlink(f);
          model.remove(f);
          fds.remove(f);
          durable.remove(f);
        }
      }
      Random keep = new Random(seed + trial);
      r.dev.setPowerCutPolicy(pending -> w -> keep.nextBoolean());
      r.m.powerCut();
      Syscalls s = r.m.syscalls(r.m.spawn("after").mainTask());
      for (Map.Entry<String, byte[]> e : durable.entrySet()) {
        int fd = s.open(e.getKey(), Fcntl.O_RDONLY);
        byte[] want = e.getValue();
        assertEquals(want.length, s.fstat(fd).size(),
            "trial " + trial + " " + e.getKey() + " after " + trace);
        assertArrayEquals(want, s.preadBytes(fd, want.length + 10, 0),
            "trial " + trial + " " + e.getKey());
        s.close(fd);
      }
      r.assertClean();
    }
  }

  /** A tree block whose checksum fails is EIO when read, and fsck names it. */
  @Test
  void aNodeWithABadChecksumIsEioOnAccessAndFsckReportsIt() {
    Rig r = new Rig("");
    int fd = r.create("/mnt/f");
    r.sys.pwriteBytes(fd, Rig.pattern(3 * BS, 1), 0);
    r.sys.close(fd);
    r.sys.sync();
    long leaf = r.fs().fsRoot.root.bytenr;
    r.dev.corrupt(leaf / BS + 1, 100);
    FsckReport report = r.fs().fsck();
    assertFalse(report.isClean());
    assertTrue(report.toString().contains("bad tree block checksum at bytenr " + leaf),
        report::toString);
    r.sys.umount("/mnt");
    ErrnoException e = assertThrows(ErrnoException.class,
        () -> r.m.mount(r.type, r.dev, "", "/mnt"));
    assertEquals(Errno.EIO, e.errno());
    assertTrue(e.getMessage().contains("bad tree block checksum"), e.getMessage());
  }

  /** fsck's on-disk checks catch planted damage that keeps a valid checksum. */
  @Test
  void fsckCatchesAWrongBackrefAndKeysOutOfOrderWrittenWithValidChecksums() {
    Rig r = new Rig("");
    for (int i = 0; i < 3; i++) {
      int fd = r.create("/mnt/f" + i);
      r.sys.pwriteBytes(fd, Rig.pattern(2 * BS, i), 0);
      r.sys.close(fd);
    }
    r.sys.sync();
    r.assertClean();
    BtrfsFs fs = r.fs();
    ExtentBuffer ext = fs.io.readUncached(fs.extentRoot.root.bytenr);
    int slot = -1;
    for (int i = 0; i < ext.nritems(); i++) {
      if (ext.keys.get(i).type() == Key.EXTENT_DATA_REF) {
        slot = i;
      }
    }
    byte[] ref = ext.data.get(slot).clone();
    ref[24]++; // the backref's count
    ext.replaceItem(slot, ref);
    rewrite(r.dev, ext);
    FsckReport bad = fs.fsck();
    assertTrue(bad.toString().contains("backrefs"), bad::toString);

    ext.replaceItem(slot, Arrays.copyOf(ref, ref.length));
    ref[24]--;
    ext.replaceItem(slot, ref);
    Key first = ext.keys.get(0);
    ext.keys.set(0, ext.keys.get(1));
    ext.keys.set(1, first);
    rewrite(r.dev, ext);
    FsckReport order = fs.fsck();
    assertTrue(order.toString().contains("keys out of order"), order::toString);
  }

  private static void rewrite(BlockDevice dev, ExtentBuffer e) {
    byte[] b = e.encode(e.data.isEmpty() ? 16384 : 16384);
    dev.restoreBlock(e.bytenr / BS, Arrays.copyOfRange(b, 0, BS));
    for (int i = 1; i < 4; i++) {
      dev.restoreBlock(e.bytenr / BS + i, Arrays.copyOfRange(b, i * BS, (i + 1) * BS));
    }
  }

  /**
   * A superblock write torn by a power cut (half new, half old) fails its checksum: the mount
   * uses the mirror at 64 MiB, written after the primary and so still at the previous
   * generation, whose trees the unfinished commit did not overwrite (their blocks were pinned).
   */
  @Test
  void aTornSuperblockFallsBackToTheMirrorAtThePreviousGeneration() {
    Rig r = new Rig(128L << 20, "", "");
    int a = r.create("/mnt/a");
    byte[] da = Rig.pattern(5 * BS, 7);
    r.sys.pwriteBytes(a, da, 0);
    r.sys.sync();
    long gen = r.counter("generation");
    RequestLog log = r.dev.startRequestLog();
    r.sys.pwriteBytes(a, Rig.pattern(5 * BS, 8), 0);
    int b = r.create("/mnt/b");
    r.sys.pwriteBytes(b, Rig.pattern(BS, 9), 0);
    r.sys.sync();
    log.close();
    TreeMap<Long, byte[]> media = new TreeMap<>(log.base());
    long primary = DiskSuper.PRIMARY / BS;
    List<LoggedRequest> entries = log.entries();
    int cut = -1;
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).op() == IoRequest.Op.WRITE && entries.get(i).block() == primary) {
        cut = i;
        break;
      }
    }
    assertTrue(cut > 0, "the commit wrote the primary superblock");
    for (int i = 0; i < cut; i++) {
      LoggedRequest q = entries.get(i);
      if (q.op() == IoRequest.Op.WRITE && q.data() != null) {
        for (int k = 0; k < q.nblocks(); k++) {
          media.put(q.block() + k, Arrays.copyOfRange(q.data(), k * BS, (k + 1) * BS));
        }
      }
    }
    byte[] torn = media.get(primary).clone();
    System.arraycopy(entries.get(cut).data(), 0, torn, 0, 80); // csum and generation new
    media.put(primary, torn);
    Machine m2 = Machine.boot();
    BlockDevice crashed = BlockDevice.withContent(r.dev, media);
    m2.mount(r.type, crashed, "", "/mnt");
    BtrfsFs fs2 = (BtrfsFs) m2.vfs().resolve("/mnt").superBlock();
    assertEquals(gen, fs2.generation(), "the mirror's generation");
    Syscalls s = m2.syscalls(m2.spawn("t").mainTask());
    int fd = s.open("/mnt/a", Fcntl.O_RDONLY);
    assertArrayEquals(da, s.preadBytes(fd, da.length, 0));
    ErrnoException e = assertThrows(ErrnoException.class, () -> s.open("/mnt/b", 0));
    assertEquals(Errno.ENOENT, e.errno());
    assertTrue(fs2.fsck().isClean(), () -> fs2.fsck().toString());
    assertTrue(IoKind.METADATA != null);
  }

  /**
   * Copy-on-write touches one path per changed item: after many files are committed, changing
   * one page of one file commits a number of nodes bounded by the trees' heights, not by the
   * number of nodes the trees hold.
   */
  @Test
  void aCommitAfterChangingOneFileWritesNodesBoundedByTheTreeHeight() {
    Rig r = new Rig(64L << 20, "nodesize=4k", "");
    for (int i = 0; i < 1500; i++) {
      int fd = r.create("/mnt/f" + i);
      r.sys.pwriteBytes(fd, Rig.pattern(BS, i), 0);
      r.sys.close(fd);
    }
    r.sys.sync();
    long fsH = r.counter("fs_tree_height");
    long extH = r.counter("extent_tree_height");
    long csumH = r.counter("csum_tree_height");
    assertTrue(fsH >= 2 && extH >= 2, "trees of several levels: " + fsH + " " + extH);
    long total = 0;
    for (Ctree t : r.fs().liveTrees()) {
      long[] n = new long[1];
      t.walk(x -> n[0]++);
      total += n[0];
    }
    int fd = r.sys.open("/mnt/f700", Fcntl.O_RDWR);
    r.sys.pwriteBytes(fd, Rig.pattern(BS, 99), 0);
    r.sys.sync();
    long written = r.counter("nodes_written_last_commit");
    long bound = 2 * (fsH + extH + csumH) + 1;
    System.out.printf("one-file commit: %d nodes written (bound %d), trees hold %d nodes%n",
        written, bound, total);
    assertTrue(written <= bound, written + " > " + bound);
    assertTrue(total > 5 * bound, "the trees are much larger than the bound: " + total);
    r.assertClean();
  }

  /** Every node of a fresh commit is on the device: a remount reads the same trees back. */
  @Test
  void anUnmountedFilesystemMountsFromItsBlocksAlone() {
    Rig r = new Rig(64L << 20, "nodesize=4k", "");
    List<byte[]> want = new ArrayList<>();
    r.sys.mkdir("/mnt/d", 0755);
    for (int i = 0; i < 300; i++) {
      int fd = r.create("/mnt/d/g" + i);
      byte[] d = Rig.pattern(BS + i, i);
      want.add(d);
      r.sys.pwriteBytes(fd, d, 0);
      r.sys.close(fd);
    }
    r.sys.umount("/mnt");
    Machine m2 = Machine.boot();
    m2.mount(r.type, BlockDevice.withContent(r.dev, r.dev.contentSnapshot()), "", "/mnt");
    Syscalls s = m2.syscalls(m2.spawn("t").mainTask());
    assertEquals(300, s.readdir("/mnt/d").size());
    for (int i = 0; i < 300; i++) {
      int fd = s.open("/mnt/d/g" + i, Fcntl.O_RDONLY);
      assertArrayEquals(want.get(i), s.preadBytes(fd, want.get(i).length + 1, 0));
    }
    BtrfsFs fs2 = (BtrfsFs) m2.vfs().resolve("/mnt").superBlock();
    assertTrue(fs2.fsck().isClean(), () -> fs2.fsck().toString());
  }
}

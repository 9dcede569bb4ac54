package org.vfsim.xfsish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opentest4j.AssertionFailedError;
import org.vfsim.block.PowerCutPolicy;
import org.vfsim.fs.FsckReport;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Fcntl;

/** xfs_difree_inode_chunk: a chunk whose 64 inodes are all free goes, unless mounted ikeep. */
@ExtendWith(LockValidatorExtension.class)
class InodeChunkFreeTest {
  /** A filesystem with directory {@code /mnt/b} alone in a fresh AG, and files filling it. */
  private static final class Scenario {
    final XfsFixture f;
    final int ag;
    final long freeBefore;
    final long dirBefore;
    final Set<Long> chunksBefore;
    long chunkFilled = -1;
    int files;

    Scenario(String mountOpts) {
      f = new XfsFixture(64L << 20, false, "agcount=4", mountOpts);
      f.sys.mkdir("/mnt/a", 0755); // AG 0, in the root's chunk
      f.sys.mkdir("/mnt/b", 0755); // the next AG: a new chunk of its own
      ag = f.inode("b").agno();
      assertNotEquals(0, ag);
      assertEquals(1, f.sb.ags.get(ag).chunks.size(), "b's AG holds b's chunk only");
      f.sys.sync();
      freeBefore = f.sys.statfs("/mnt").bfree();
      dirBefore = dirBlocks(f.inode("b"));
      chunksBefore = new TreeSet<>(f.sb.ags.get(ag).chunks.keySet());
    }

    /** Creates files in b until its own chunk and one more are full; returns the new chunk. */
    void fill() {
      long freeInB = Long.bitCount(f.sb.ags.get(ag).chunks.firstEntry().getValue()[1]);
      files = (int) (freeInB + InodeBuf.INODES_PER_CHUNK);
      for (int i = 0; i < files; i++) {
        f.sys.close(f.create("b/f" + i));
      }
      f.sys.sync();
      TreeSet<Long> now = new TreeSet<>(f.sb.ags.get(ag).chunks.keySet());
      now.removeAll(chunksBefore);
      assertEquals(1, now.size(), "one new chunk in AG " + ag);
      chunkFilled = now.first();
      assertEquals(0L, f.sb.ags.get(ag).chunks.get(chunkFilled)[1], "the new chunk is full");
      long dirGrowth = dirBlocks(f.inode("b")) - dirBefore;
      assertEquals(XfsMount.chunkBlocks(f.sb.bs) + dirGrowth,
          freeBefore - f.sys.statfs("/mnt").bfree(), "the chunk and b's new blocks are used");
    }

    void unlinkAll() {
      for (int i = 0; i < files; i++) {
        f.sys.unlink("/mnt/b/f" + i);
      }
    }

    /** The checker: the chunk's inobt record is gone and its blocks are free again. */
    void assertChunkFreed() {
      XfsSuperBlock s = f.current();
      assertTrue(!s.ags.get(ag).chunks.containsKey(chunkFilled),
          () -> "AG " + ag + " inobt still has chunk " + chunkFilled);
      assertEquals(chunksBefore, s.ags.get(ag).chunks.keySet(), "only b's chunk is left");
      long dirGrowth = dirBlocks(f.inode("b")) - dirBefore;
      assertEquals(freeBefore - dirGrowth, f.sys.statfs("/mnt").bfree(),
          "free blocks back to the value before the creates, b's blocks aside");
    }
  }

  private static long dirBlocks(XfsInode ip) {
    return (ip.dir == null ? 0 : ip.dir.blocks.size()) + ip.bmbt.size();
  }

  private static void powerCut(XfsFixture f) {
    f.m.powerCut();
    f.sys = f.m.syscalls(f.m.spawn("after").mainTask());
    f.current();
  }

  @Test
  void unlinkingEveryInodeOfAChunkFreesItsBlocksAndRecord() {
    Scenario s = new Scenario("");
    s.fill();
    s.unlinkAll();
    s.f.sys.sync();
    s.assertChunkFreed();
    s.f.check();
    // The freed blocks are allocatable again, and a remount reads the same state.
    s.f.sys.umount("/mnt");
    s.f.m.mount(s.f.type, s.f.dev, "", "/mnt");
    s.f.check();
    s.assertChunkFreed();
    // New files take new inode numbers in a new chunk; all still consistent.
    for (int i = 0; i < InodeBuf.INODES_PER_CHUNK + 1; i++) {
      s.f.sys.close(s.f.create("b/g" + i));
    }
    s.f.sys.sync();
    s.f.check();
  }

  /** The planted bug: with ikeep (chunks never freed) the checker must fail. */
  @Test
  void theCheckerCatchesAChunkThatIsNeverFreed() {
    Scenario s = new Scenario("ikeep");
    s.fill();
    s.unlinkAll();
    s.f.sys.sync();
    s.f.check();
    assertThrows(AssertionFailedError.class, s::assertChunkFreed);
    assertEquals(-1L, s.f.sb.ags.get(s.ag).chunks.get(s.chunkFilled)[1], "kept, all free");
  }

  @Test
  void aPowerCutAfterTheUnlinksFsyncRecoversTheFreedChunk() {
    Scenario s = new Scenario("");
    s.fill();
    s.unlinkAll();
    int dfd = s.f.sys.open("/mnt/b", Fcntl.O_RDONLY);
    s.f.sys.fsync(dfd);
    s.f.sys.close(dfd);
    powerCut(s.f);
    s.f.check();
    s.assertChunkFreed();
  }

  /**
   * Power cuts losing a random part of the writes after the unlinks (with and without an fsync
   * of the directory first): either state, consistent; the freeing survives the fsync.
   */
  @Test
  void powerCutsDuringTheFreeingLeaveAConsistentFilesystem() {
    for (long seed = 1; seed <= 4; seed++) {
      System.out.println("InodeChunkFreeTest seed " + seed);
      Scenario s = new Scenario("");
      s.fill();
      s.unlinkAll();
      boolean fsynced = seed % 2 == 1;
      if (fsynced) {
        int dfd = s.f.sys.open("/mnt/b", Fcntl.O_RDONLY);
        s.f.sys.fsync(dfd);
        s.f.sys.close(dfd);
      }
      long cutSeed = seed;
      s.f.dev.setPowerCutPolicy(pending -> {
        Random r = new Random(cutSeed);
        Map<Object, Boolean> keep = new HashMap<>();
        return w -> keep.computeIfAbsent(w, k -> r.nextBoolean());
      });
      powerCut(s.f);
      s.f.dev.setPowerCutPolicy(PowerCutPolicy.LOSE_ALL);
      FsckReport r = s.f.current().fsck();
      assertTrue(r.isClean(), () -> "seed " + cutSeed + ": " + r);
      s.f.check();
      if (fsynced) {
        s.assertChunkFreed();
      }
    }
  }
}

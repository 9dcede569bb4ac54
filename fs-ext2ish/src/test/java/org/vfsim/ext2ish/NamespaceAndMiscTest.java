package org.vfsim.ext2ish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.block.DeviceCounters;
import org.vfsim.fs.Capability;
import org.vfsim.fs.DirEntry;
import org.vfsim.fs.StatFs;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;

/** Directories, options, statfs, fallocate, and the metadata and data I/O ext2 would do. */
@ExtendWith(LockValidatorExtension.class)
class NamespaceAndMiscTest {
  private static final int PAGE = 4096;

  @Test
  void directoriesGrowByBlocksAndSupportRenameAndRmdir() {
    Ext2Fixture fx = new Ext2Fixture(16L << 20, 1024, false, "", "");
    long free0 = fx.freeBlocks();
    fx.sys.mkdir("/mnt/d", 0755);
    assertEquals(free0 - 1, fx.freeBlocks(), "a new directory owns one block");
    assertEquals(1024, fx.sys.stat("/mnt/d").size());
    // 40-byte names take 48-byte entries: 1024-byte blocks hold at most 21 of them.
    for (int i = 0; i < 50; i++) {
      int fd = fx.sys.open(String.format("/mnt/d/%040d", i), Fcntl.O_CREAT | Fcntl.O_RDWR,
          0644);
      fx.sys.close(fd);
    }
    long dirBlocks = fx.sys.stat("/mnt/d").size() / 1024;
    assertEquals(3, dirBlocks, "entries need three blocks");
    assertEquals(free0 - 3, fx.freeBlocks());
    assertEquals(50, fx.sys.readdir("/mnt/d").size());
    fx.sys.mkdir("/mnt/e", 0755);
    fx.sys.rename(String.format("/mnt/d/%040d", 7), "/mnt/e/moved");
    fx.sys.rename("/mnt/d", "/mnt/e/d2");
    List<String> names = fx.sys.readdir("/mnt/e").stream().map(DirEntry::name)
        .collect(Collectors.toList());
    assertEquals(List.of("d2", "moved"), names);
    assertEquals(3, fx.sys.stat("/mnt/e").nlink(), "e has . and d2's ..");
    ErrnoException e = assertThrows(ErrnoException.class, () -> fx.sys.rmdir("/mnt/e/d2"));
    assertEquals(Errno.ENOTEMPTY, e.errno());
    for (DirEntry d : fx.sys.readdir("/mnt/e/d2")) {
      fx.sys.unlink("/mnt/e/d2/" + d.name());
    }
    fx.sys.rmdir("/mnt/e/d2");
    fx.sys.unlink("/mnt/e/moved");
    fx.sys.rmdir("/mnt/e");
    assertEquals(free0, fx.freeBlocks());
    // Inodes 1-10 are reserved and lost+found is 11.
    assertEquals(fx.sb.geo.inodesCount() - Geometry.FIRST_INO, fx.sb.statfs().ffree());
    fx.assertFsckClean();
  }

  @Test
  void fallocateIsNotSupported() {
    Ext2Fixture fx = Ext2Fixture.small();
    assertFalse(fx.type.has(Capability.FALLOCATE));
    int fd = fx.create("f");
    ErrnoException e = assertThrows(ErrnoException.class, () -> fx.sys.fallocate(fd, 0, 0, PAGE));
    assertEquals(Errno.EOPNOTSUPP, e.errno());
  }

  @Test
  void badOptionsAreEinval() {
    org.vfsim.Machine m = org.vfsim.Machine.boot();
    Ext2ishType t = new Ext2ishType();
    var dev = m.newDevice("d", 8L << 20, 1024, false);
    for (String opts : List.of("blocksize=512", "blocksize=3000", "blocks_per_group=100",
        "size=1g", "bogus=1")) {
      ErrnoException e = assertThrows(ErrnoException.class, () -> m.mkfs(t, dev, opts), opts);
      assertEquals(Errno.EINVAL, e.errno(), opts);
    }
    ErrnoException notMade = assertThrows(ErrnoException.class,
        () -> m.mount(t, dev, "", "/x"));
    assertEquals(Errno.EINVAL, notMade.errno());
    m.mkfs(t, dev, "blocksize=2048");
    ErrnoException win = assertThrows(ErrnoException.class,
        () -> m.mount(t, dev, "reservation_window=2000", "/x"));
    assertEquals(Errno.EINVAL, win.errno());
    Ext2ishSuperBlock sb = (Ext2ishSuperBlock) m.mount(t, dev, "", "/x");
    assertEquals(2048, sb.blockSize(), "a filesystem block is two device blocks");
    assertTrue(sb.fsck().isClean());
  }

  @Test
  void statfsCountsBlocksWithoutMetadataOverhead() {
    Ext2Fixture fx = new Ext2Fixture(64L << 20, 4096, false, "blocks_per_group=4096", "");
    Geometry geo = fx.sb.geo;
    assertEquals(4, geo.groups);
    StatFs s = fx.sb.statfs();
    long overhead = 0;
    for (int g = 0; g < geo.groups; g++) {
      overhead += geo.overheadOf(g);
    }
    assertEquals(geo.blocksCount - overhead, s.blocks());
    assertEquals(s.blocks() - 2, s.bfree(), "only the blocks of / and lost+found are used");
    long freeExtents = fx.sb.freeSpaceExtents().stream().mapToLong(x -> x[1]).sum();
    assertEquals(s.bfree(), freeExtents);
    assertEquals(geo.groups, fx.sb.freeSpaceExtents().size(), "one free run per group");
    assertEquals(0xEF53, s.type());
  }

  @Test
  void writebackGathersContiguousBlocksAndMetadataIsWrittenAtFsyncAndSync() {
    Ext2Fixture fx = Ext2Fixture.small();
    long metaAtMount = fx.dev.counters().metadataBlocksWritten();
    int fd = fx.create("f");
    fx.sys.writeBytes(fd, new byte[64 * PAGE]); // blocks 0-11, IND, 12-63: two physical runs
    DeviceCounters before = fx.dev.counters();
    fx.sys.fsync(fd);
    DeviceCounters after = fx.dev.counters();
    assertEquals(64, after.dataBlocksWritten() - before.dataBlocksWritten());
    assertEquals(2, fx.sb.counters().get("data_writes"), "one request per physical run");
    // fsync's writeback wrote the indirect block and the inode table block (with the inode as
    // it is now, so fsync need not write it again); then fsync wrote the block and inode
    // bitmaps, the descriptor block and the root's block naming f (the root's inode, in the
    // same inode table block, did not change: the clock still reads the mkfs second).
    long metaAtFsync = after.metadataBlocksWritten() - before.metadataBlocksWritten();
    assertEquals(6, metaAtFsync);
    fx.sys.sync();
    long metaAtSync = fx.dev.counters().metadataBlocksWritten() - after.metadataBlocksWritten();
    assertEquals(1, metaAtSync, "fsync wrote the bitmaps and descriptor: sync writes the"
        + " superblock only");
    // The fs also counts the superblock the mount wrote (marking it not clean), before
    // metaAtMount was read.
    assertEquals(fx.sb.counters().get("metadata_blocks_written"),
        fx.dev.counters().metadataBlocksWritten() - metaAtMount + 1,
        "all metadata I/O is counted by the fs");
  }

  @Test
  void mkfsSizeAndGeometryOptions() {
    Ext2Fixture fx = new Ext2Fixture(64L << 20, 1024, true,
        "size=16m,blocks_per_group=2048,inodes_per_group=64", "");
    Geometry geo = fx.sb.geo;
    assertEquals(1024, geo.blockSize);
    assertEquals(16L * 1024, geo.blocksCount, "the filesystem uses 16 MiB of the 64 MiB device");
    assertEquals(1, geo.firstDataBlock, "1 KiB blocks: the superblock is block 1");
    assertEquals((16 * 1024 - 1 + 2047) / 2048, geo.groups);
    assertEquals(64, geo.inodesPerGroup);
    assertEquals(geo.groups * 64L, fx.sb.statfs().files());
    // Backups of the superblock only in groups 0, 1 and powers of 3, 5, 7.
    assertTrue(Geometry.hasSuperBackup(7) && Geometry.hasSuperBackup(9)
        && !Geometry.hasSuperBackup(6) && !Geometry.hasSuperBackup(10));
    assertEquals(geo.overheadOf(1), geo.overheadOf(2) + 1 + geo.gdtBlocks);
    fx.assertFsckClean();
  }
}

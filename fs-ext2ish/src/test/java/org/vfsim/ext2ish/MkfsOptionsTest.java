package org.vfsim.ext2ish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;

/** mkfs.ext2's -b, -N, -I and -m as ext2ish options, and the values ext2 refuses. */
class MkfsOptionsTest {
  @Test
  void optionsShapeTheSuperblock() {
    Machine m = Machine.boot();
    BlockDevice dev = m.newDevice("d", 64L << 20, 1024, false);
    Ext2ishType t = new Ext2ishType();
    m.mkfs(t, dev, "b=2048,N=5000,I=256,m=5");
    FsState s = MountReader.readSuper(dev);
    assertEquals(2048, s.geo.blockSize);
    assertEquals(256, s.geo.inodeSize);
    assertTrue(s.geo.inodesCount() >= 5000 && s.geo.inodesCount() < 5000 + 4 * 8,
        "inodes " + s.geo.inodesCount());
    assertEquals(s.geo.blocksCount * 5 / 100, s.sf.reservedBlocks);
    Ext2ishSuperBlock sb = (Ext2ishSuperBlock) m.mount(t, dev, "", "/mnt");
    assertTrue(sb.fsck().isClean());
  }

  @Test
  void valuesExt2RefusesAreOneEinvalLine() {
    Machine m = Machine.boot();
    BlockDevice dev = m.newDevice("d", 64L << 20, 1024, false);
    Ext2ishType t = new Ext2ishType();
    for (String opts : List.of("b=512", "b=8192", "b=3000", "I=100", "I=192", "I=2048,b=1024",
        "m=51", "m=-1", "N=5", "N=10000000", "b=1024,blocksize=1024",
        "N=100,inodes_per_group=100")) {
      ErrnoException e = assertThrows(ErrnoException.class, () -> m.mkfs(t, dev, opts), opts);
      assertEquals(Errno.EINVAL, e.errno(), opts);
      assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }
  }
}

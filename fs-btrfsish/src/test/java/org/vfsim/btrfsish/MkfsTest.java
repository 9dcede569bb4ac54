package org.vfsim.btrfsish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.fs.StatFs;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;

@ExtendWith(LockValidatorExtension.class)
class MkfsTest {
  @Test
  void sizeOptionLimitsTheFilesystemAndStatfsReportsDataSpace() {
    Rig r = new Rig(64L << 20, "size=16m,nodesize=16k", "");
    StatFs st = r.sys.statfs("/mnt");
    assertEquals(4096, st.bsize());
    assertEquals(r.counter("data_total") / 4096, st.blocks());
    assertTrue(st.blocks() * 4096 < 16L << 20);
    assertEquals(st.blocks(), st.bfree());
    r.assertClean();
  }

  @Test
  void badOptionsAreEinval() {
    Machine m = Machine.boot();
    BlockDevice dev = m.newDevice("sdb", 8L << 20, 4096, false);
    BtrfsishType t = new BtrfsishType();
    for (String opts : new String[] {"sectorsize=8k", "nodesize=2k", "size=512k", "size=1g",
        "bogus=1"}) {
      ErrnoException e = assertThrows(ErrnoException.class, () -> m.mkfs(t, dev, opts), opts);
      assertEquals(Errno.EINVAL, e.errno(), opts);
    }
    m.mkfs(t, dev, "");
    ErrnoException e = assertThrows(ErrnoException.class,
        () -> m.mount(t, dev, "max_chunk_pages=0", "/x"));
    assertEquals(Errno.EINVAL, e.errno());
  }

  @Test
  void mountWithoutMkfsIsEinval() {
    Machine m = Machine.boot();
    BlockDevice dev = m.newDevice("sdc", 8L << 20, 4096, false);
    ErrnoException e = assertThrows(ErrnoException.class,
        () -> m.mount(new BtrfsishType(), dev, "", "/y"));
    assertEquals(Errno.EINVAL, e.errno());
  }
}

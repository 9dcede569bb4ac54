package org.vfsim.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BufferCacheTest {
  private static final int BS = 4096;

  @Test
  void breadReadsOnceAndServesLaterLookupsFromMemory() {
    BlockDevice d = new BlockDevice("sda", 1 << 20, BS, false, 0);
    byte[] b = new byte[BS];
    b[100] = 42;
    d.write(5, b, 0, 1, IoKind.METADATA);
    BufferCache bc = new BufferCache(d, BS, 16);
    BufferHead bh = bc.bread(5);
    assertEquals(42, bh.u8(100));
    bh.release();
    BufferHead again = bc.bread(5);
    assertSame(bh, again);
    again.release();
    assertEquals(1, d.counters().readRequests());
    assertEquals(new BufferCache.Stats(1, 1, 0, 1, 0), bc.stats());
  }

  @Test
  void dirtyBuffersAreWrittenInBlockOrderWithAdjacentOnesMergedAsMetadata() {
    BlockDevice d = new BlockDevice("sda", 1 << 20, BS, false, 0);
    List<IoRequest> seen = new ArrayList<>();
    d.addListener((r, bs) -> seen.add(r));
    BufferCache bc = new BufferCache(d, BS, 16);
    for (long blk : new long[] {12, 10, 11, 20}) {
      BufferHead bh = bc.getblk(blk);
      bh.put32(0, blk);
      bh.markDirty();
      bh.release();
    }
    assertEquals(4, bc.dirtyCount());
    assertEquals(4, bc.writeDirty(RequestFlag.FUA));
    assertEquals(0, bc.dirtyCount());
    assertEquals(2, seen.size(), seen.toString());
    assertEquals(10, seen.get(0).block());
    assertEquals(3, seen.get(0).nblocks());
    assertFalse(seen.get(0).fua());
    assertEquals(20, seen.get(1).block());
    assertTrue(seen.get(1).fua(), "the flags go on the last request");
    assertEquals(4, d.counters().metadataBlocksWritten());
    d.powerCut();
    byte[] back = new byte[BS];
    d.read(20, back, 0, 1, IoKind.METADATA);
    assertEquals(20, back[0]);
  }

  @Test
  void aPowerCutLosesDirtyBuffersThatWereNeverWritten() {
    BlockDevice d = new BlockDevice("sda", 1 << 20, BS, false, 16);
    BufferCache bc = new BufferCache(d, BS, 16);
    BufferHead bh = bc.getblk(3);
    bh.put64(8, 0x1122334455667788L);
    bh.markDirty();
    bc.write(bh); // plain: in the volatile cache only
    bh.release();
    d.powerCut();
    bc.invalidate();
    BufferHead back = bc.bread(3);
    assertEquals(0, back.u64(8));
    back.release();
  }

  @Test
  void littleEndianAccessors() {
    BlockDevice d = new BlockDevice("sda", 1 << 20, BS, false, 0);
    BufferCache bc = new BufferCache(d, BS, 4);
    BufferHead bh = bc.getblk(0);
    bh.put16(0, 0xEF53);
    bh.put32(4, 0xdeadbeefL);
    assertEquals(0x53, bh.u8(0));
    assertEquals(0xEF, bh.u8(1));
    assertEquals(0xEF53, bh.u16(0));
    assertEquals(0xdeadbeefL, bh.u32(4));
    bh.release();
  }

  @Test
  void smallerBuffersThanDeviceBlocksAreReadModifiedAndWritten() {
    BlockDevice d = new BlockDevice("sda", 1 << 20, BS, false, 0);
    BufferCache bc = new BufferCache(d, 1024, 16);
    assertEquals(1024, bc.blocks());
    BufferHead a = bc.getblk(1);
    a.put8(0, 1);
    a.markDirty();
    BufferHead b = bc.getblk(2);
    b.put8(0, 2);
    b.markDirty();
    bc.writeDirty();
    a.release();
    b.release();
    byte[] block = new byte[BS];
    d.read(0, block, 0, 1, IoKind.METADATA);
    assertEquals(1, block[1024]);
    assertEquals(2, block[2048], "the second buffer's write kept the first one's bytes");
  }

  @Test
  void onlyCleanUnreferencedBuffersAreEvicted() {
    BlockDevice d = new BlockDevice("sda", 1 << 20, BS, false, 0);
    BufferCache bc = new BufferCache(d, BS, 2);
    BufferHead held = bc.bread(0);
    BufferHead dirty = bc.getblk(1);
    dirty.markDirty();
    dirty.release();
    for (long blk = 2; blk < 10; blk++) {
      bc.bread(blk).release();
    }
    assertTrue(bc.stats().cached() <= 3, bc.stats().toString());
    assertTrue(bc.isDirty(1), "a dirty buffer stays until written");
    assertSame(held, bc.bread(0), "a referenced buffer stays");
    held.release();
    held.release();
    assertThrows(IllegalStateException.class, held::markDirty);
    assertThrows(IllegalArgumentException.class, () -> bc.bread(bc.blocks()));
  }

  @Test
  void forgetDropsADirtyBufferWithoutWritingIt() {
    BlockDevice d = new BlockDevice("sda", 1 << 20, BS, false, 0);
    BufferCache bc = new BufferCache(d, BS, 4);
    BufferHead bh = bc.getblk(6);
    bh.put8(0, 9);
    bh.markDirty();
    bh.release();
    bc.forget(6);
    assertEquals(0, bc.writeDirty());
    assertArrayEquals(new byte[BS], readBlock(d, 6));
  }

  private static byte[] readBlock(BlockDevice d, long blk) {
    byte[] out = new byte[BS];
    d.read(blk, out, 0, 1, IoKind.METADATA);
    return out;
  }
}

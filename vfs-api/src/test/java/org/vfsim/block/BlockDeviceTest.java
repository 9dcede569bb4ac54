package org.vfsim.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vfsim.block.Blocks.block;
import static org.vfsim.block.Blocks.read;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;

class BlockDeviceTest {
  private static final int BS = Blocks.BS;

  @Test
  void writeCacheIsLostOnPowerCutUnlessFlushedOrFua() {
    BlockDevice d = new BlockDevice("sda", 1 << 20, BS, false, 16);
    d.write(0, block(1), 0, 1, IoKind.DATA, false);
    d.write(1, block(2), 0, 1, IoKind.DATA, true);
    assertArrayEquals(block(1), read(d, 0), "the cache serves reads");
    d.powerCut();
    assertArrayEquals(new byte[BS], read(d, 0), "volatile write lost");
    assertArrayEquals(block(2), read(d, 1), "FUA write durable");
    d.write(0, block(3), 0, 1, IoKind.DATA, false);
    d.flush();
    d.powerCut();
    assertArrayEquals(block(3), read(d, 0), "flushed write durable");
    DeviceCounters c = d.counters();
    assertEquals(1, c.flushes());
    assertEquals(1, c.fuaWrites());
  }

  @Test
  void aFullWriteCacheDestagesItsOldestBlocks() {
    BlockDevice d = new BlockDevice("sda", 1 << 20, BS, false, 2);
    for (int i = 0; i < 3; i++) {
      d.write(i, block(i + 1), 0, 1, IoKind.DATA, false);
    }
    d.powerCut();
    assertArrayEquals(block(1), read(d, 0), "destaged to media");
    assertArrayEquals(new byte[BS], read(d, 2), "still cached when power went");
  }

  @Test
  void datalessDeviceCountsDataButStoresOnlyMetadata() {
    BlockDevice d = new BlockDevice("big", 1L << 40, BS, true, 0);
    d.write(5, block(9), 0, 1, IoKind.DATA, false);
    d.write(100, block(7), 0, 1, IoKind.METADATA, true);
    assertArrayEquals(new byte[BS], read(d, 5));
    assertArrayEquals(block(7), read(d, 100));
    DeviceCounters c = d.counters();
    assertEquals(1, c.dataBlocksWritten());
    assertEquals(1, c.metadataBlocksWritten());
    assertEquals(List.of(100L), d.storedBlocks(), "only the metadata block is stored");
  }

  @Test
  void injectedErrorsAndCorruption() {
    BlockDevice d = new BlockDevice("sda", 1 << 20, BS, false, 0);
    d.write(3, block(7), 0, 1, IoKind.DATA, false);
    d.injectReadError(3);
    d.injectWriteError(4);
    assertEquals(Errno.EIO, assertThrows(ErrnoException.class, () -> read(d, 3)).errno());
    assertEquals(Errno.EIO, assertThrows(ErrnoException.class,
        () -> d.write(4, block(1), 0, 1, IoKind.DATA, false)).errno());
    assertEquals(Errno.EIO, assertThrows(ErrnoException.class,
        () -> d.write(d.blocks(), block(1), 0, 1, IoKind.DATA, false)).errno(), "beyond the end");
    assertEquals(2, d.counters().ioErrors());
    d.clearInjectedErrors();
    d.corrupt(3, 10);
    byte[] back = read(d, 3);
    assertEquals((byte) ~7, back[10]);
    assertEquals(7, back[11]);
  }

  @Test
  void countersTrackDiscontiguityAndSeekDistanceBuckets() {
    BlockDevice d = new BlockDevice("sda", 1 << 30, BS, true, 0);
    List<IoRequest> seen = new ArrayList<>();
    d.addListener((r, bs) -> seen.add(r));
    byte[] eight = new byte[8 * BS];
    d.write(0, eight, 0, 8, IoKind.DATA, false); // head starts at 0: contiguous
    d.write(8, eight, 0, 8, IoKind.DATA, false); // contiguous
    d.write(100, eight, 0, 1, IoKind.DATA, false); // seek 84: bucket [64, 128)
    d.write(0, eight, 0, 1, IoKind.DATA, false); // seek 101 backwards: same bucket
    d.write(3, eight, 0, 1, IoKind.DATA, false); // seek 2: bucket [2, 4)
    DeviceCounters c = d.counters();
    assertEquals(5, c.writeRequests());
    assertEquals(19, c.blocksWritten());
    assertEquals(3, c.discontiguousRequests());
    assertEquals(84 + 101 + 2, c.seekDistanceTotal());
    assertEquals(2, c.seekHistogram()[6]);
    assertEquals(1, c.seekHistogram()[1]);
    assertEquals(List.of(false, false, true, true, true),
        seen.stream().map(IoRequest::discontiguous).toList());
    DeviceCounters later = d.counters();
    assertEquals(0, later.minus(c).writeRequests());
    DiskModel.Timer hdd = DiskModel.HDD.timer();
    d.addListener(hdd);
    d.write(1000, eight, 0, 1, IoKind.DATA, false);
    assertEquals(DiskModel.HDD.positioningNanos() + (long) (BS * 1e9 / DiskModel.HDD.bytesPerSecond()),
        hdd.writeNanos());
  }
}

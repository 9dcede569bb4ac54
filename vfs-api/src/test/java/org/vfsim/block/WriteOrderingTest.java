package org.vfsim.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vfsim.block.Blocks.block;
import static org.vfsim.block.Blocks.read;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Request flags, the power-cut policy, the request log and zero-block storage. */
class WriteOrderingTest {
  private static final int BS = Blocks.BS;

  private static BlockDevice device() {
    return new BlockDevice("sda", 1 << 20, BS, false, 64);
  }

  @Test
  void aPowerCutAfterAPlainWriteCanLoseIt() {
    BlockDevice d = device();
    d.write(7, block(1), 0, 1, IoKind.METADATA);
    d.powerCut();
    assertArrayEquals(new byte[BS], read(d, 7), "a plain write sits in the volatile cache");
  }

  @Test
  void aPreflushFuaWriteAndEverythingBeforeItSurvive() {
    BlockDevice d = device();
    d.write(3, block(3), 0, 1, IoKind.DATA);
    d.write(0, block(9), 0, 1, IoKind.METADATA, RequestFlag.PREFLUSH, RequestFlag.FUA);
    d.write(4, block(4), 0, 1, IoKind.DATA);
    d.powerCut();
    assertArrayEquals(block(9), read(d, 0), "FUA: on media when complete");
    assertArrayEquals(block(3), read(d, 3), "PREFLUSH drained the earlier write");
    assertArrayEquals(new byte[BS], read(d, 4), "a write after the barrier can be lost");
    assertEquals(1, d.counters().flushes());
    assertEquals(1, d.counters().fuaWrites());
  }

  @Test
  void fuaWithoutPreflushDoesNotOrderEarlierWrites() {
    BlockDevice d = device();
    d.write(3, block(3), 0, 1, IoKind.DATA);
    d.write(0, block(9), 0, 1, IoKind.METADATA, RequestFlag.FUA);
    d.powerCut();
    assertArrayEquals(block(9), read(d, 0));
    assertArrayEquals(new byte[BS], read(d, 3), "FUA alone makes only itself durable");
  }

  @Test
  void aFuaWriteIsNotOverwrittenByAnOlderCachedWriteOfTheSameBlock() {
    BlockDevice d = device();
    d.setPowerCutPolicy(PowerCutPolicy.KEEP_ALL);
    d.write(5, block(1), 0, 1, IoKind.METADATA);
    d.write(5, block(2), 0, 1, IoKind.METADATA, RequestFlag.FUA);
    d.powerCut();
    assertArrayEquals(block(2), read(d, 5));
  }

  @Test
  void thePowerCutPolicyChoosesWhichCachedWritesSurvive() {
    BlockDevice d = device();
    d.write(1, block(1), 0, 1, IoKind.DATA);
    d.write(2, block(2), 0, 1, IoKind.DATA);
    d.write(1, block(3), 0, 1, IoKind.DATA);
    List<PendingWrite> pending = d.pendingWrites();
    assertEquals(List.of(1L, 2L, 1L), pending.stream().map(PendingWrite::block).toList());
    long keepSeq = pending.get(0).seq();
    d.setPowerCutPolicy(p -> w -> w.seq() == keepSeq || w.block() == 2);
    d.powerCut();
    assertArrayEquals(block(1), read(d, 1), "the first write of block 1 kept, the second lost");
    assertArrayEquals(block(2), read(d, 2));
    assertTrue(d.pendingWrites().isEmpty());
  }

  @Test
  void theRequestLogRecordsEveryWriteWithFlagsAndContentInOrder() {
    BlockDevice d = device();
    d.write(9, block(5), 0, 1, IoKind.DATA); // cached before the log starts
    d.flush();
    d.write(10, block(6), 0, 1, IoKind.DATA);
    RequestLog log = d.startRequestLog();
    byte[] two = new byte[2 * BS];
    Arrays.fill(two, (byte) 7);
    d.write(20, two, 0, 2, IoKind.METADATA, RequestFlag.PREFLUSH, RequestFlag.FUA);
    d.flush();
    d.discard(30, 4);
    d.read(20, new byte[BS], 0, 1, IoKind.METADATA);
    log.close();
    d.write(40, block(1), 0, 1, IoKind.DATA);
    List<LoggedRequest> e = log.entries();
    assertEquals(4, e.size(), e.toString());
    assertEquals(10, e.get(0).block(), "the write still cached at the start is logged first");
    assertFalse(e.get(0).isFlushBarrier());
    assertArrayEquals(block(6), e.get(0).data());
    assertEquals(IoRequest.Op.WRITE, e.get(1).op());
    assertTrue(e.get(1).preflush() && e.get(1).fua() && e.get(1).isFlushBarrier());
    assertArrayEquals(two, e.get(1).data());
    assertEquals(IoRequest.Op.FLUSH, e.get(2).op());
    assertEquals(IoRequest.Op.DISCARD, e.get(3).op());
    assertTrue(e.get(1).seq() < e.get(2).seq() && e.get(2).seq() < e.get(3).seq());
    assertArrayEquals(block(5), log.base().get(9L), "the base is the durable media at the start");
    assertNull(log.base().get(10L), "the cached write is not in the base");
  }

  @Test
  void aDatalessLogKeepsMetadataContentOnly() {
    BlockDevice d = new BlockDevice("big", 1L << 30, BS, true, 8);
    RequestLog log = d.startRequestLog();
    d.write(1, block(1), 0, 1, IoKind.DATA);
    d.write(2, block(2), 0, 1, IoKind.METADATA);
    assertNull(log.entries().get(0).data());
    assertArrayEquals(block(2), log.entries().get(1).data());
  }

  @Test
  void zeroBlocksAreNotStoredAndOverwriteWhatWasThere() {
    BlockDevice d = new BlockDevice("sda", 1 << 20, BS, false, 0);
    d.write(3, block(1), 0, 1, IoKind.DATA);
    assertEquals(List.of(3L), d.storedBlocks());
    d.write(3, new byte[BS], 0, 1, IoKind.DATA);
    assertTrue(d.storedBlocks().isEmpty());
    assertArrayEquals(new byte[BS], read(d, 3));
    BlockDevice cached = device();
    cached.write(4, block(1), 0, 1, IoKind.DATA);
    cached.flush();
    cached.write(4, new byte[BS], 0, 1, IoKind.DATA);
    assertTrue(cached.contentSnapshot().isEmpty(), "the cached zeros hide the media block");
    cached.flush();
    assertTrue(cached.storedBlocks().isEmpty());
  }

  @Test
  void aDeviceWithContentIsACrashState() {
    BlockDevice d = device();
    d.write(1, block(1), 0, 1, IoKind.DATA, RequestFlag.FUA);
    BlockDevice copy = BlockDevice.withContent(d, d.contentSnapshot());
    assertArrayEquals(block(1), read(copy, 1));
    copy.write(1, block(2), 0, 1, IoKind.DATA, RequestFlag.FUA);
    assertArrayEquals(block(1), read(d, 1), "the copy shares nothing writable with the original");
  }
}

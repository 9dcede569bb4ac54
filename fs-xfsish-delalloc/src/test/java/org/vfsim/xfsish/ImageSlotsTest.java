package org.vfsim.xfsish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vfsim.block.BlockDevice;
import org.vfsim.block.IoKind;
import org.vfsim.block.RequestFlag;
import org.vfsim.fs.FallocMode;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;

/** The interim whole-image format: codec round trip, A/B slots, damage and torn commits. */
class ImageSlotsTest {
  private static final int PAGE = 4096;

  /** Files of several shapes: written, sparse, fallocated (unwritten), punched, directories. */
  private static XfsFixture busy() {
    XfsFixture f = new XfsFixture(64L << 20, false, "", "");
    f.sys.mkdir("/mnt/d", 0750);
    for (int i = 0; i < 40; i++) {
      int fd = f.sys.open("/mnt/" + (i % 2 == 0 ? "d/" : "") + "f" + i,
          Fcntl.O_CREAT | Fcntl.O_RDWR, 0600 + i % 8);
      f.sys.pwriteBytes(fd, XfsFixture.pattern(PAGE * (1 + i % 5), i), (long) i * 3 * PAGE);
      if (i % 3 == 0) {
        f.sys.fallocate(fd, FallocMode.KEEP_SIZE, 1L << 20, 8 * PAGE);
      }
      if (i % 4 == 0) {
        f.sys.fallocate(fd, FallocMode.PUNCH_HOLE | FallocMode.KEEP_SIZE, (long) i * 3 * PAGE,
            PAGE);
      }
      f.sys.fsync(fd);
      f.sys.close(fd);
    }
    f.sys.unlink("/mnt/f1");
    f.sb.syncFs(f.m.kernelTask());
    return f;
  }

  private static void assertOneLine(ErrnoException e, Errno errno, String contains) {
    assertEquals(errno, e.errno(), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    assertTrue(e.getMessage().contains(contains), e.getMessage());
  }

  @Test
  void codecRoundTripsABusyFilesystem() {
    XfsFixture f = busy();
    byte[] live = XfsImageCodec.encode(f.current().image());
    ImageSlots.Loaded stored = ImageSlots.load(f.dev);
    assertArrayEquals(live, XfsImageCodec.encode(stored.image()), "stored image == live image");
    XfsImage img = stored.image();
    assertEquals(41, img.inodes.size(), "root, d and 39 files");
    long unwritten = img.inodes.values().stream().flatMap(d -> d.extents.all().stream())
        .filter(r -> r.state() == ExtentMap.State.UNWRITTEN).count();
    assertTrue(unwritten > 0, "fallocate left unwritten extents in the image");
    // And the remounted filesystem is the same one, fsck clean.
    f.m.powerCut();
    f.sys = f.m.syscalls(f.m.spawn("after").mainTask());
    assertArrayEquals(live, XfsImageCodec.encode(f.current().image()));
    f.check();
  }

  @Test
  void commitsAlternateSlotsWithGrowingGenerations() {
    XfsFixture f = busy();
    ImageSlots.Loaded a = ImageSlots.load(f.dev);
    int fd = f.create("more");
    f.sys.pwriteBytes(fd, XfsFixture.pattern(PAGE, 1), 0);
    f.sys.fsync(fd);
    ImageSlots.Loaded b = ImageSlots.load(f.dev);
    assertEquals(a.generation() + 1, b.generation());
    assertEquals(1 - a.slot(), b.slot());
  }

  @Test
  void everyTruncationAndAHugeCountAreOneEucleanLine() {
    XfsFixture f = new XfsFixture(16L << 20, false, "", "");
    byte[] img = XfsImageCodec.encode(f.sb.image());
    for (int n = 0; n < img.length; n++) {
      byte[] cut = Arrays.copyOf(img, n);
      ErrnoException e = assertThrows(ErrnoException.class,
          () -> XfsImageCodec.decode(cut, "test"), "prefix of " + n + " bytes");
      assertOneLine(e, Errno.EUCLEAN, "metadata image test is inconsistent");
    }
    // The inode count (after the header and the AG records) set to 2^32 - 1.
    int countAt = img.length - 4 - (XfsImageCodec.DINODE_BYTES + 0) * 1;
    ByteBuffer b = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(1, b.getInt(countAt), "one inode, the root");
    b.putInt(countAt, -1);
    ErrnoException e = assertThrows(ErrnoException.class, () -> XfsImageCodec.decode(img, "t"));
    assertOneLine(e, Errno.EUCLEAN, "inode count 4294967295 exceeds");
  }

  @Test
  void aDamagedImageBlockIsEucleanAtMountNamingTheBlock() {
    XfsFixture f = busy();
    f.sys.umount("/mnt");
    ImageSlots.Loaded l = ImageSlots.load(f.dev);
    long block = l.slots().firstImageBlock(l.slot()) + 1;
    f.dev.corrupt(block, 100);
    ErrnoException e = assertThrows(ErrnoException.class,
        () -> f.m.mount(f.type, f.dev, "", "/mnt"));
    assertOneLine(e, Errno.EUCLEAN, "metadata image block " + block + " ");
  }

  /** A commit cut before its header: whatever image blocks landed, the old image mounts. */
  @Test
  void aTornCommitMountsThePreviousGeneration() {
    for (long seed = 1; seed <= 20; seed++) {
      System.out.println("torn commit seed " + seed);
      XfsFixture f = busy();
      BlockDevice dev = f.dev;
      ImageSlots.Loaded before = ImageSlots.load(dev);
      byte[] old = XfsImageCodec.encode(before.image());
      int fd = f.create("late");
      f.sys.pwriteBytes(fd, XfsFixture.pattern(3 * PAGE, 5), 0);
      XfsImage next = f.current().image();
      long header = before.slots().headerBlock(1 - before.slot());
      dev.injectWriteError(header);
      assertThrows(ErrnoException.class, () -> before.slots().commit(next));
      dev.clearInjectedErrors();
      assertFalse(dev.pendingWrites().isEmpty(), "the new image's blocks are unflushed");
      Random r = new Random(seed);
      dev.setPowerCutPolicy(pending -> w -> r.nextBoolean());
      dev.powerCut();
      ImageSlots.Loaded after = ImageSlots.load(dev);
      assertEquals(before.generation(), after.generation(), "seed " + seed);
      assertArrayEquals(old, XfsImageCodec.encode(after.image()), "seed " + seed);
    }
  }

  /** A completed commit survives any subset of the writes after it. */
  @Test
  void aCompletedCommitMountsTheNewGenerationWhateverFollows() {
    for (long seed = 1; seed <= 20; seed++) {
      System.out.println("completed commit seed " + seed);
      XfsFixture f = busy();
      BlockDevice dev = f.dev;
      ImageSlots.Loaded before = ImageSlots.load(dev);
      int fd = f.create("late");
      f.sys.pwriteBytes(fd, XfsFixture.pattern(3 * PAGE, 5), 0);
      f.sys.fsync(fd);
      byte[] committed = XfsImageCodec.encode(ImageSlots.load(dev).image());
      // Unflushed writes after the commit: the next image's blocks and its header, plain.
      ImageSlots.Loaded mid = ImageSlots.load(dev);
      List<Long> blocks = new ArrayList<>();
      blocks.add(mid.slots().headerBlock(1 - mid.slot()));
      blocks.add(mid.slots().firstImageBlock(1 - mid.slot()));
      for (long b : blocks) {
        dev.write(b, XfsFixture.pattern(PAGE, (int) seed), 0, 1, IoKind.METADATA,
            new RequestFlag[0]);
      }
      Random r = new Random(seed);
      dev.setPowerCutPolicy(pending -> w -> r.nextBoolean());
      dev.powerCut();
      ImageSlots.Loaded after = ImageSlots.load(dev);
      assertEquals(before.generation() + 1, after.generation(), "seed " + seed);
      assertArrayEquals(committed, XfsImageCodec.encode(after.image()), "seed " + seed);
    }
  }

  @Test
  void aCraftedHeaderWithAHugeLengthIsRefused() {
    XfsFixture f = busy();
    f.sys.umount("/mnt");
    ImageSlots.Loaded l = ImageSlots.load(f.dev);
    int other = 1 - l.slot();
    byte[] h = new byte[PAGE];
    ByteBuffer b = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(ImageSlots.SLOT_MAGIC).putInt(other).putLong(l.generation() + 1).putInt(-16)
        .putInt(0);
    b.putInt(ImageSlots.crc(h, 0, ImageSlots.SLOT_HEADER_BYTES - 4));
    f.dev.write(l.slots().headerBlock(other), h, 0, 1, IoKind.METADATA, RequestFlag.FUA);
    // The crafted newer header is not taken: the valid one still mounts.
    assertEquals(l.generation(), ImageSlots.load(f.dev).generation());
    // With the valid header gone too, mount refuses in one line.
    f.dev.write(l.slots().headerBlock(l.slot()), new byte[PAGE], 0, 1, IoKind.METADATA,
        RequestFlag.FUA);
    ErrnoException e = assertThrows(ErrnoException.class,
        () -> f.m.mount(f.type, f.dev, "", "/mnt"));
    assertOneLine(e, Errno.EUCLEAN, "no valid image header");
  }

  @Test
  void anImageThatOutgrowsItsSlotFailsTheCommitWithEnospc() {
    XfsFixture f = new XfsFixture(16L << 20, false, "", "");
    XfsImage img = f.sb.image();
    XfsImage.Dinode root = img.inodes.get(img.rootIno);
    // 64 log blocks: two slots of 31 blocks, about 124 KiB each.
    for (int i = 0; i < 5000; i++) {
      root.entries.put("a-long-directory-entry-name-" + i, 1000L + i);
    }
    ImageSlots.Loaded l = ImageSlots.load(f.dev);
    ErrnoException e = assertThrows(ErrnoException.class, () -> l.slots().commit(img));
    assertOneLine(e, Errno.ENOSPC, "outgrows its slot");
    assertEquals(l.generation(), ImageSlots.load(f.dev).generation(), "nothing committed");
  }
}

package org.vfsim.xfsish;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;

/**
 * The self-describing header every xfsish metadata block starts with ({@code struct
 * xfs_btree_block}'s v5 fields, {@code xfs_buf_verify_cksum}): magic, CRC32C, the block's own
 * number, its owner and the LSN of the checkpoint that last logged it. A block that fails any
 * of them is EUCLEAN naming the block, as XFS's verifiers report "Metadata CRC error".
 */
final class XfsBuf {
  static final int MAGIC = 0;
  static final int CRC = 4;
  static final int BLKNO = 8;
  static final int OWNER = 16;
  static final int LSN = 24;
  static final int LEVEL = 32;
  static final int NUMRECS = 34;
  /** Header bytes; a block's body starts here. */
  static final int HDR = 40;
  /** Owner of blocks that belong to the filesystem as a whole (superblock, log). */
  static final long OWNER_FS = -1L;

  static final int SB_MAGIC = magic("XFSB");
  static final int AGF_MAGIC = magic("XAGF");
  static final int AGI_MAGIC = magic("XAGI");
  static final int BNO_MAGIC = magic("AB3B");
  static final int CNT_MAGIC = magic("AB3C");
  static final int INO_MAGIC = magic("IAB3");
  static final int BMAP_MAGIC = magic("BMA3");
  static final int DIR_MAGIC = magic("XDD3");
  static final int LOG_DESC_MAGIC = magic("XLGD");
  static final int LOG_COMMIT_MAGIC = magic("XLGC");

  private XfsBuf() {}

  /** The four ASCII bytes as a little-endian int, so the block shows them in order. */
  static int magic(String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
  }

  static String magicName(int m) {
    byte[] b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(m).array();
    StringBuilder s = new StringBuilder();
    for (byte c : b) {
      s.append(c >= 32 && c < 127 ? (char) c : '?');
    }
    return s.toString();
  }

  static ByteBuffer le(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
  }

  static int crc(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    return (int) c.getValue();
  }

  /** CRC32C of {@code [off, off+len)} with the 4 bytes at {@code crcOff} taken as zeros. */
  static int crcWithHole(byte[] b, int off, int len, int crcOff) {
    CRC32C c = new CRC32C();
    c.update(b, off, crcOff - off);
    c.update(new byte[4]);
    c.update(b, crcOff + 4, off + len - crcOff - 4);
    return (int) c.getValue();
  }

  /** Writes the header fields (level and numrecs are the caller's) and the CRC last. */
  static void stamp(byte[] b, int magic, long blkno, long owner, long lsn) {
    ByteBuffer h = le(b);
    h.putInt(MAGIC, magic).putLong(BLKNO, blkno).putLong(OWNER, owner).putLong(LSN, lsn);
    seal(b);
  }

  /** Recomputes the CRC after a change to the body. */
  static void seal(byte[] b) {
    le(b).putInt(CRC, crcWithHole(b, 0, b.length, CRC));
  }

  static ErrnoException corrupt(long blkno, String what, String why) {
    return Errno.EUCLEAN.exception("xfsish: metadata block " + blkno + " (" + what + ") " + why);
  }

  /**
   * The block's verifier: magic, CRC32C, its own number and owner must all hold, or EUCLEAN
   * naming the block. {@code owner} of {@code Long.MIN_VALUE} accepts any owner.
   */
  static void verify(byte[] b, int magic, long blkno, long owner, String what) {
    ByteBuffer h = le(b);
    if (h.getInt(MAGIC) != magic) {
      throw corrupt(blkno, what, "has magic " + magicName(h.getInt(MAGIC)) + ", not "
          + magicName(magic));
    }
    if (h.getInt(CRC) != crcWithHole(b, 0, b.length, CRC)) {
      throw corrupt(blkno, what, "fails its CRC32C");
    }
    if (h.getLong(BLKNO) != blkno) {
      throw corrupt(blkno, what, "says it is block " + h.getLong(BLKNO));
    }
    if (owner != Long.MIN_VALUE && h.getLong(OWNER) != owner) {
      throw corrupt(blkno, what, "is owned by " + h.getLong(OWNER) + ", not " + owner);
    }
  }
}

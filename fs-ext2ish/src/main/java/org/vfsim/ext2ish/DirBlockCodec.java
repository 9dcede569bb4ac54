package org.vfsim.ext2ish;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.vfsim.syscall.Errno;

/**
 * One directory block as a chain of {@code struct ext2_dir_entry_2}: inode, rec_len, name_len,
 * file_type, name; each rec_len reaches the next entry and the last reaches the block's end, as
 * {@code ext2_add_link} and {@code ext2_delete_entry} keep it. A block with no entries is one
 * entry with inode 0 spanning the block.
 */
final class DirBlockCodec {
  static final int FT_REG_FILE = 1;
  static final int FT_DIR = 2;

  private DirBlockCodec() {}

  /** One decoded entry. */
  record Entry(String name, long ino, int fileType) {}

  /** Encodes {@code entries} (block 0 starts with "." and "..") filling {@code b}. */
  static void encode(byte[] b, List<Entry> entries) {
    java.util.Arrays.fill(b, (byte) 0);
    int pos = 0;
    int last = -1;
    for (Entry e : entries) {
      byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
      int len = (8 + name.length + 3) & ~3;
      if (pos + len > b.length) {
        throw new IllegalStateException("directory block overflows: " + entries.size());
      }
      Le.put32(b, pos, e.ino());
      Le.put16(b, pos + 4, len);
      Le.put8(b, pos + 6, name.length);
      Le.put8(b, pos + 7, e.fileType());
      System.arraycopy(name, 0, b, pos + 8, name.length);
      last = pos;
      pos += len;
    }
    if (last < 0) {
      Le.put16(b, 4, b.length); // an empty block: one unused entry over all of it
    } else {
      Le.put16(b, last + 4, b.length - last);
    }
  }

  /**
   * {@code ext2_check_page}'s checks while walking the chain: rec_len at least 12, a multiple of
   * 4, covering the name and staying in the block; a bad chain is EUCLEAN.
   */
  static List<Entry> decode(byte[] b, long dirIno, int index) {
    List<Entry> out = new ArrayList<>();
    int pos = 0;
    while (pos < b.length) {
      long ino = Le.u32(b, pos);
      int recLen = Le.u16(b, pos + 4);
      int nameLen = Le.u8(b, pos + 6);
      if (recLen < 12 || recLen % 4 != 0 || pos + recLen > b.length || 8 + nameLen > recLen) {
        throw Errno.EUCLEAN.exception(String.format(
            "ext2: directory %d block %d: bad entry at offset %d (rec_len %d, name_len %d)",
            dirIno, index, pos, recLen, nameLen));
      }
      if (ino != 0) {
        String name = new String(b, pos + 8, nameLen, StandardCharsets.UTF_8);
        out.add(new Entry(name, ino, Le.u8(b, pos + 7)));
      }
      pos += recLen;
    }
    return out;
  }
}

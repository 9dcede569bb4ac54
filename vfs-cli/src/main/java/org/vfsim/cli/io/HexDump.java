package org.vfsim.cli.io;

import java.util.Objects;

/**
 * The byte dump that {@code pread -v} and {@code mread -v} print before their results.
 *
 * <p>Each line holds up to 16 bytes: the offset of its first byte as {@code %08llx}, a colon and
 * two spaces, each byte as {@code %02x} plus a space, one more space, then the bytes again as
 * characters, where only ASCII letters and digits print as themselves and every other byte as
 * {@code .}. The last line is not padded. xfs_io dumps each buffer it reads separately (one per
 * {@code pread} op), labelling lines from that buffer's own offset, so a dump never aligns its
 * lines to multiples of 16 on its own.
 */
public final class HexDump {

  private static final int BYTES_PER_LINE = 16;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private HexDump() {}

  /** Returns the dump of all of {@code bytes}, the first labelled {@code firstOffset}. */
  public static String format(long firstOffset, byte[] bytes) {
    return format(firstOffset, bytes, 0, bytes.length);
  }

  /**
   * Returns the dump of {@code bytes[from..from+length)}, its first byte labelled {@code
   * firstOffset}; each line ends in {@code \n}, and no bytes give the empty string.
   *
   * @param firstOffset the label of the first byte; not negative
   */
  public static String format(long firstOffset, byte[] bytes, int from, int length) {
    Objects.checkFromIndexSize(from, length, bytes.length);
    if (firstOffset < 0) {
      throw new IllegalArgumentException("negative offset: " + firstOffset);
    }
    StringBuilder out = new StringBuilder(length / BYTES_PER_LINE * 80 + 80);
    for (int lineStart = 0; lineStart < length; lineStart += BYTES_PER_LINE) {
      int lineLength = Math.min(BYTES_PER_LINE, length - lineStart);
      out.append(String.format("%08x:  ", firstOffset + lineStart));
      for (int i = 0; i < lineLength; i++) {
        int b = bytes[from + lineStart + i] & 0xff;
        out.append(HEX[b >>> 4]).append(HEX[b & 0xf]).append(' ');
      }
      out.append(' ');
      for (int i = 0; i < lineLength; i++) {
        out.append(printable(bytes[from + lineStart + i]));
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static char printable(byte b) {
    char c = (char) (b & 0xff);
    boolean alphanumeric = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    return alphanumeric ? c : '.';
  }
}

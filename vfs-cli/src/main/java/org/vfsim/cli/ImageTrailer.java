package org.vfsim.cli;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The short record after a raw image's device bytes: what the next run needs to boot the same
 * machine. Its layout (little-endian) is in this package's documentation; {@link #decode}
 * trusts nothing it reads and names the first thing that is wrong.
 */
record ImageTrailer(String fsType, String mkfsOptions, String mountOptions, long clockNanos,
    long deviceBytes, int blockSize, boolean dataless) {
  static final byte[] MAGIC = "VFSIMRAW".getBytes(StandardCharsets.US_ASCII);
  /** Version 1 was the Java-serialized image (magic {@code VFSIMIMG} at the start). */
  static final int VERSION = 2;
  static final int FLAG_DATALESS = 1;
  /** Fixed fields before the three strings. */
  static final int FIXED = 40;
  /** The trailer's length and CRC at its very end. */
  static final int TAIL = 8;
  static final int MIN_LENGTH = FIXED + 3 * 2 + TAIL;
  static final int MAX_STRING = 4096;
  static final int MAX_LENGTH = MIN_LENGTH + 3 * MAX_STRING;
  /** 1 EiB: more than any host file system stores in one sparse file. */
  static final long MAX_DEVICE_BYTES = 1L << 60;
  /**
   * About 146 years of simulated time: later clocks are refused, so that every timer a run
   * schedules still fits in a long.
   */
  static final long MAX_CLOCK_NANOS = 1L << 62;

  /** Thrown for a trailer that is not one, or not one this version accepts. */
  static final class Invalid extends Exception {
    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  byte[] encode() {
    byte[][] strings = {utf8(fsType), utf8(mkfsOptions), utf8(mountOptions)};
    int length = FIXED + TAIL;
    for (byte[] s : strings) {
      if (s.length > MAX_STRING) {
        throw new CliFailure("options longer than " + MAX_STRING + " bytes cannot be imaged");
      }
      length += 2 + s.length;
    }
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).putInt(VERSION).putInt(dataless ? FLAG_DATALESS : 0).putLong(deviceBytes)
        .putInt(blockSize).putInt(0).putLong(clockNanos);
    for (byte[] s : strings) {
      b.putShort((short) s.length).put(s);
    }
    b.putInt(length);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, length - 4);
    b.putInt((int) crc.getValue());
    return b.array();
  }

  /** The trailer's total length, from the last 8 bytes of a file, or -1 if implausible. */
  static int lengthFromTail(byte[] tail, long fileSize) {
    int length = ByteBuffer.wrap(tail).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    return length >= MIN_LENGTH && length <= MAX_LENGTH && length <= fileSize ? length : -1;
  }

  static boolean hasMagic(byte[] trailer) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (trailer[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  /** Decodes a trailer whose magic matched; checks its CRC first, then every field. */
  static ImageTrailer decode(byte[] t) throws Invalid {
    ByteBuffer b = ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN);
    CRC32C crc = new CRC32C();
    crc.update(t, 0, t.length - 4);
    if ((int) crc.getValue() != b.getInt(t.length - 4)) {
      throw new Invalid("vfsim image trailer is damaged (CRC32C mismatch)");
    }
    b.position(MAGIC.length);
    int version = b.getInt();
    if (version != VERSION) {
      throw new Invalid("vfsim image format version " + version
          + " is not supported (this vfsim reads version " + VERSION + ")");
    }
    int flags = b.getInt();
    long deviceBytes = b.getLong();
    int blockSize = b.getInt();
    b.getInt();
    long clock = b.getLong();
    if (blockSize < 512 || blockSize > 65536 || Integer.bitCount(blockSize) != 1) {
      throw new Invalid("implausible block size " + blockSize + " in the image trailer");
    }
    if (deviceBytes < blockSize || deviceBytes % blockSize != 0
        || deviceBytes > MAX_DEVICE_BYTES) {
      throw new Invalid("implausible device size " + deviceBytes + " in the image trailer");
    }
    if (clock < 0 || clock > MAX_CLOCK_NANOS) {
      throw new Invalid("implausible simulated clock " + clock + " ns in the image trailer"
          + " (at most " + MAX_CLOCK_NANOS + ")");
    }
    if ((flags & ~FLAG_DATALESS) != 0) {
      throw new Invalid("unknown flags 0x" + Integer.toHexString(flags) + " in the image trailer");
    }
    String[] strings = new String[3];
    for (int i = 0; i < 3; i++) {
      if (b.remaining() < 2 + TAIL) {
        throw new Invalid("vfsim image trailer is malformed (strings overrun it)");
      }
      int n = Short.toUnsignedInt(b.getShort());
      if (n > MAX_STRING || b.remaining() < n + TAIL) {
        throw new Invalid("vfsim image trailer is malformed (strings overrun it)");
      }
      byte[] s = new byte[n];
      b.get(s);
      try {
        strings[i] = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(s)).toString();
      } catch (CharacterCodingException e) {
        throw new Invalid("vfsim image trailer is malformed (a string is not UTF-8)");
      }
    }
    if (b.remaining() != TAIL) {
      throw new Invalid("vfsim image trailer is malformed (length does not match its fields)");
    }
    if (strings[0].isEmpty()) {
      throw new Invalid("vfsim image trailer names no filesystem type");
    }
    return new ImageTrailer(strings[0], strings[1], strings[2], clock, deviceBytes, blockSize,
        (flags & FLAG_DATALESS) != 0);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

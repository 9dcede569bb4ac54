package org.vfsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.lockdep.LockValidatorExtension;

/** vfsim's own io commands and behaviour xfs_io cannot show, on the test block filesystem. */
@ExtendWith(LockValidatorExtension.class)
class XfsIoExtrasTest {
  private static CliRun io(String... commandsThenFile) {
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("io", "--fs",
        "toyfs", "--size", "16m", "-f"));
    for (int i = 0; i < commandsThenFile.length - 1; i++) {
      args.add("-c");
      args.add(commandsThenFile[i]);
    }
    args.add(commandsThenFile[commandsThenFile.length - 1]);
    return CliRun.of(args.toArray(String[]::new));
  }

  @Test
  void filefragListsTheExtentsInFilefragForm() {
    CliRun r = io("pwrite 0 16k", "pwrite 64k 4k", "fsync", "filefrag", "f");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("Filesystem type is: 70796f74"), r.out());
    assertTrue(r.out().contains("File size of f is 69632 (17 blocks of 4096 bytes)"), r.out());
    assertTrue(r.out().matches("(?s).*\\nf: [12] extents? found\\n"), r.out());
  }

  @Test
  void fiemapShowsPhysicalBlocksOnABlockFilesystem() {
    CliRun r = io("pwrite 0 8k", "fiemap -v", "f");
    assertEquals(0, r.exit(), r.err());
    // 8 KiB = 16 sectors in one extent, flagged last.
    assertTrue(Pattern.compile("(?m)^   0: \\[0\\.\\.15\\]: +\\d+\\.\\.\\d+ +16 +0x1$")
        .matcher(r.out()).find(), r.out());
  }

  @Test
  void countersShowAllocatorPageCacheAndDevice() {
    CliRun r = io("pwrite 0 8k", "fsync", "counters", "f");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("filesystem toyfs:\n  allocations = 2\n"), r.out());
    assertTrue(r.out().contains("page cache:\n  nr_pages = 2\n"), r.out());
    Matcher m = Pattern.compile("data_blocks_written = (\\d+)").matcher(r.out());
    assertTrue(m.find(), r.out());
    assertEquals(2, Long.parseLong(m.group(1)));
  }

  @Test
  void powercutKeepsWhatFsyncMadeDurableAndReopensTheFile() {
    CliRun r = io("pwrite -S 0x41 0 4k", "fsync", "pwrite -S 0x42 4k 4k", "powercut",
        "pread -v 0 2", "stat", "f");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("00000000:  41 41  AA"), r.out());
    // The unsynced second page died with the page cache; the size made durable was 4 KiB.
    assertTrue(r.out().contains("stat.size = 4096"), r.out());
  }

  @Test
  void mpwriteFromAMappingOfTheSameFileCompletesWithoutLockdepReports() {
    // The classic deadlock: pwrite's source buffer is a mapping of the page being written.
    CliRun r = CliRun.of("io", "--fs", "ramfs", "-f", "-c", "pwrite -S 0x61 0 8k", "-c",
        "mmap -rw 0 8192", "-c", "mpwrite 0 8192 0", "-c", "mpwrite 4096 4096 0", "-c",
        "pread -v 4096 4", "-c", "lockdep", "f");
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("wrote 8192/8192 bytes at offset 0"), r.out());
    assertTrue(r.out().contains("wrote 4096/4096 bytes at offset 4096"), r.out());
    assertTrue(r.out().contains("00001000:  61 61 61 61  aaaa"), r.out());
    assertTrue(r.out().contains("lockdep: no reports"), r.out());
  }

  @Test
  void mwritePastEndOfFileKillsTheProcessWithSigbus() {
    CliRun r = CliRun.of("io", "--fs", "ramfs", "-f", "-c", "pwrite 0 100", "-c",
        "mmap -rw 0 8192", "-c", "mwrite 4096 10", "-c", "pwrite 0 1", "f");
    assertEquals(135, r.exit());
    assertEquals("Bus error\n", r.err());
    assertFalse(r.out().contains("wrote 1/1"), "nothing runs after the signal");
  }

  @Test
  void enospcIsAShortWriteAfterProgressAndAnErrorWithout() {
    // A 64 KiB ramfs: one 128 KiB write stops at the limit and reports what it did; the next
    // write makes no progress and fails with the errno, as pwrite(2) does.
    CliRun r = CliRun.of("io", "--fs", "ramfs", "--mount", "size=64k", "-f", "-c",
        "pwrite -b 128k 0 128k", "-c", "pwrite 128k 4k", "-c", "pwrite 0 4k", "f");
    assertEquals(1, r.exit());
    assertTrue(r.out().startsWith("wrote 65536/131072 bytes at offset 0\n"), r.out());
    assertEquals("pwrite: No space left on device\n", r.err());
    assertTrue(r.out().contains("wrote 4096/4096 bytes at offset 0\n"), "overwrite needs no space");
  }

  @Test
  void timingLineIsDeterministic() {
    CliRun a = io("pwrite -W 0 64k", "f");
    CliRun b = io("pwrite -W 0 64k", "f");
    assertEquals(a.out(), b.out());
    assertTrue(a.out().contains("64 KiB, 16 ops; "), a.out());
  }

  @Test
  void openRefusesWhatNoSimulatedFilesystemSupports() {
    // O_DIRECT where the filesystem has no direct_IO: EINVAL; O_TMPFILE without ->tmpfile:
    // EOPNOTSUPP. Neither leaves a file behind or changes the current file.
    CliRun r = io("open -d -f g", "open -T -f h", "file", "f");
    assertEquals(1, r.exit());
    assertEquals("g: Invalid argument\nh: Operation not supported\n", r.err());
    assertEquals("[000] f              (foreign,non-sync,non-direct,read-write)\n", r.out());
    CliRun missing = io("open -r g", "open -r h", "f");
    assertEquals("g: No such file or directory\nh: No such file or directory\n",
        missing.err());
  }
}

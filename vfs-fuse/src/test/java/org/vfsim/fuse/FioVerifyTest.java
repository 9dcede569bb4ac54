package org.vfsim.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * fio with data verification through the mount: sequential and random writes of several block
 * sizes, fsync every N writes, each job reading back and checking every block's crc32c. fio's
 * own checks judge vfsim here, not ours.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class FioVerifyTest {
  /** Four jobs run one after another (stonewall); the seed makes the random offsets repeat. */
  static final String JOB = """
      [global]
      directory=.
      size=4m
      ioengine=psync
      verify=crc32c
      do_verify=1
      verify_fatal=1
      randseed=19
      stonewall

      [seq-4k-fsync16]
      rw=write
      bs=4k
      fsync=16

      [seq-1m-fsync2]
      rw=write
      bs=1m
      fsync=2

      [rand-4k-fsync32]
      rw=randwrite
      bs=4k
      fsync=32

      [rand-64k-fsync4]
      rw=randwrite
      bs=64k
      fsync=4

      [randrw-16k-fsync8]
      rw=randwrite
      bs=16k
      fsync=8
      """;

  @TempDir
  Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"ext2ish", "xfsish", "btrfsish"})
  void fioVerifiesEveryBlock(String fs) throws Exception {
    MountedPlugin.assumeFuse();
    assumeTrue(Programs.installed("fio"), "fio is not installed (Debian package fio)");
    Path job = tmp.resolve("verify.fio");
    Files.writeString(job, JOB);
    try (MountedPlugin p = MountedPlugin.start(fs, 128L << 20, tmp)) {
      Programs.Result r = Programs.run(p.dir, 240, "fio", "--output-format=terse",
          "--terse-version=3", job.toString());
      assertEquals(0, r.status(), r.output());
      // Terse v3: field 3 is the job name, field 5 its error; 5 jobs, each error 0, each 4 MiB
      // written (field 47: write KiB) and verified.
      long jobs = r.output().lines().filter(l -> l.startsWith("3;")).count();
      assertEquals(5, jobs, r.output());
      r.output().lines().filter(l -> l.startsWith("3;")).forEach(l -> {
        String[] f = l.split(";");
        assertEquals("0", f[4], "fio error in " + f[2]);
        assertEquals("4096", f[46], "KiB written by " + f[2]);
        System.err.printf("fio on %s: %s error %s, wrote %s KiB at %s KiB/s, verified %s KiB"
            + " at %s KiB/s%n", fs, f[2], f[4], f[46], f[47], f[5], f[6]);
      });
      assertTrue(p.mount.requests() > 1000, "requests went through the mount");
    }
  }

  /**
   * fio's verification catches lost data through the mount: blocks written without fsync and
   * lost in a power cut fail {@code verify_only}; the same blocks without the power cut pass.
   */
  @org.junit.jupiter.api.Test
  void fioVerifyCatchesWritesLostInAPowerCut() throws Exception {
    MountedPlugin.assumeFuse();
    assumeTrue(Programs.installed("fio"), "fio is not installed (Debian package fio)");
    String[] write = {"fio", "--name=lost", "--directory=.", "--rw=write", "--bs=64k",
        "--size=2m", "--ioengine=psync", "--verify=crc32c", "--do_verify=0"};
    String[] verify = {"fio", "--name=lost", "--directory=.", "--rw=write", "--bs=64k",
        "--size=2m", "--ioengine=psync", "--verify=crc32c", "--verify_only"};
    try (MountedPlugin p = MountedPlugin.start("xfsish", 64L << 20, tmp)) {
      assertEquals(0, Programs.run(p.dir, 120, write).status());
      Programs.Result kept = Programs.run(p.dir, 120, verify);
      assertEquals(0, kept.status(), kept.output());
      p.control("powercut");
      Programs.Result lost = Programs.run(p.dir, 120, verify);
      assertTrue(lost.status() != 0, "fio verified data the power cut lost:\n" + lost.output());
    }
  }
}

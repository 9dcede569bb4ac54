package org.vfsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.vfsim.lockdep.LockValidatorExtension;

/** A fio job file as a {@code compare} workload, through the cli-tools parser. */
@ExtendWith(LockValidatorExtension.class)
class FioWorkloadTest {
  @TempDir
  Path dir;

  private JsonObject run(String job) throws IOException {
    Path jobFile = dir.resolve("job.fio");
    Files.writeString(jobFile, job);
    CliRun run = CliRun.of("compare", "--workload", jobFile.toString(), "--fs",
        "toyfs:policy=cursor", "--out", dir.resolve("out").toString(), "--size", "64m");
    assertEquals(0, run.exit(), run.err());
    return JsonParser.parseString(Files.readString(dir.resolve("out/report.json")))
        .getAsJsonObject().getAsJsonArray("variants").get(0).getAsJsonObject();
  }

  @Test
  void writeJobWritesWhatTheJobSays() throws IOException {
    JsonObject v = run("""
        [global]
        bs=4k
        fallocate=none
        [writers]
        rw=write
        nrfiles=2
        filesize=64k
        numjobs=2
        fsync=4
        """);
    // Two clones of two 64 KiB files each; size= absent so one pass over the files.
    assertEquals(4, v.get("files").getAsInt());
    assertEquals(4 * 64 * 1024, v.get("appBytesWritten").getAsLong());
    // Four clones' files appended in turns from one cursor: interleaved, not contiguous.
    assertTrue(v.get("extents").getAsInt() > 4, v.toString());
  }

  @Test
  void writeWithHoleSkipsLeavesHoles() throws IOException {
    JsonObject v = run("""
        [holes]
        rw=write:4k
        bs=4k
        size=64k
        filesize=64k
        fallocate=none
        """);
    // write:4k writes a block then skips one: the pass wraps after 8 writes, 16 writes in all
    // over the same 8 offsets.
    assertEquals(64 * 1024, v.get("appBytesWritten").getAsLong());
    assertEquals(8 * 4096, v.get("referencedBytes").getAsLong());
  }

  @Test
  void openFilesLimitStillWritesEveryFile() throws IOException {
    JsonObject v = run("""
        [rr]
        rw=write
        bs=4k
        nrfiles=4
        openfiles=1
        filesize=16k
        fallocate=none
        end_fsync=1
        """);
    assertEquals(4, v.get("files").getAsInt());
    assertEquals(4 * 16 * 1024, v.get("referencedBytes").getAsLong());
  }

  @Test
  void unknownOptionIsAnErrorNamingOptionAndLine() throws IOException {
    Path jobFile = dir.resolve("bad.fio");
    Files.writeString(jobFile, "[job]\nrw=write\nsize=1m\niodepth_low=3\n");
    CliRun run = CliRun.of("compare", "--workload", jobFile.toString(), "--fs", "ramfs",
        "--out", dir.resolve("out").toString());
    assertNotEquals(0, run.exit());
    assertTrue(run.err().startsWith("vfsim: "), run.err());
    assertTrue(run.err().contains("iodepth_low") && run.err().contains("4"), run.err());
  }
}

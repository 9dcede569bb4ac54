package org.vfsim.cli.fio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FioJobFileTest {

  private static FioJob only(String jobFile) throws FioJobFileException {
    List<FioJob> jobs = FioJobFile.parse(jobFile);
    assertEquals(1, jobs.size(), jobs.toString());
    return jobs.get(0);
  }

  private static FioJobFileException error(String jobFile) {
    return assertThrows(FioJobFileException.class, () -> FioJobFile.parse(jobFile));
  }

  /** The defaults, as {@code fio --cmdhelp=OPTION} of fio 3.33 states them. */
  @Test
  void emptyJobHasFioDefaults() throws FioJobFileException {
    FioJob job = only("[job1]\n");
    assertEquals("job1", job.name());
    assertEquals(ReadWrite.READ, job.readWrite());
    assertEquals(0, job.offsetModifier());
    assertEquals(SizeRange.of(4096), job.blockSizes());
    assertEquals(OptionalLong.empty(), job.size());
    assertEquals(Optional.empty(), job.fileSize());
    assertEquals(1, job.nrFiles());
    assertEquals(1, job.openFiles());
    assertEquals(FileServiceType.ROUNDROBIN, job.fileServiceType());
    assertEquals(1, job.fileServiceBatch());
    assertEquals(0, job.fsync());
    assertEquals(0, job.fdatasync());
    assertFalse(job.endFsync());
    assertEquals(Fallocate.NATIVE, job.fallocate());
    assertFalse(job.overwrite());
    assertFalse(job.unlink());
    assertEquals(1, job.numJobs());
    assertEquals(Optional.empty(), job.directory());
    assertEquals(List.of(), job.fileNames());
    assertEquals(0x89, job.randSeed());
    assertEquals(1, job.loops());
    assertEquals("psync", job.ioEngine());
    assertEquals(50, job.rwMixRead());
    assertEquals(50, job.rwMixWrite());
    assertEquals(Optional.empty(), job.perFileSize());
  }

  @Test
  void globalOptionsApplyFirstAndJobOptionsOverride() throws FioJobFileException {
    List<FioJob> jobs =
        FioJobFile.parse(
            """
            [global]
            rw=write
            bs=64k
            size=1m
            [a]
            [b]
            bs=8k
            """);
    assertEquals(List.of("a", "b"), jobs.stream().map(FioJob::name).toList());
    assertEquals(ReadWrite.WRITE, jobs.get(0).readWrite());
    assertEquals(SizeRange.of(65536), jobs.get(0).blockSizes());
    assertEquals(SizeRange.of(8192), jobs.get(1).blockSizes());
    assertEquals(OptionalLong.of(1 << 20), jobs.get(1).size());
  }

  @Test
  void globalSectionsAddUpAndAffectOnlyJobsBelowThem() throws FioJobFileException {
    List<FioJob> jobs =
        FioJobFile.parse(
            """
            [global]
            rw=write
            [first]
            [global]
            bs=16k
            [second]
            """);
    assertEquals(SizeRange.of(4096), jobs.get(0).blockSizes());
    assertEquals(ReadWrite.WRITE, jobs.get(1).readWrite());
    assertEquals(SizeRange.of(16384), jobs.get(1).blockSizes());
  }

  @Test
  void ignoresCommentsBlankLinesAndBlanks() throws FioJobFileException {
    FioJob job =
        only(
            "; a comment\r\n"
                + "# another\r\n"
                + "\r\n"
                + "[ spaced ]   ; trailing\r\n"
                + "  rw = randwrite   # why\r\n"
                + "filename=a#b\r\n"
                + "   ;indented comment\r\n");
    assertEquals("spaced", job.name());
    assertEquals(ReadWrite.RANDWRITE, job.readWrite());
    assertEquals(List.of("a"), job.fileNames());
  }

  @ParameterizedTest(name = "rw={0}")
  @CsvSource({
    "read, READ, 0",
    "write, WRITE, 0",
    "randread, RANDREAD, 0",
    "randwrite, RANDWRITE, 0",
    "rw, READWRITE, 0",
    "readwrite, READWRITE, 0",
    "randrw, RANDRW, 0",
    "write:4k, WRITE, 4096",
    "randread:8, RANDREAD, 8",
  })
  void readsEveryPattern(String value, ReadWrite expected, long modifier)
      throws FioJobFileException {
    FioJob job = only("[j]\nrw=" + value + "\n");
    assertEquals(expected, job.readWrite());
    assertEquals(modifier, job.offsetModifier());
    assertEquals(expected, only("[j]\nreadwrite=" + value + "\n").readWrite());
  }

  @Test
  void patternsKnowWhatTheyDo() {
    assertTrue(ReadWrite.RANDRW.random() && ReadWrite.RANDRW.reads() && ReadWrite.RANDRW.writes());
    assertFalse(ReadWrite.WRITE.random() || ReadWrite.WRITE.reads());
    assertEquals("rw", ReadWrite.READWRITE.fioName());
  }

  @Test
  void blockSizesTakeTheLastSetting() throws FioJobFileException {
    assertEquals(SizeRange.of(65536), only("[j]\nblocksize=64k\n").blockSizes());
    assertEquals(new SizeRange(1024, 4096), only("[j]\nbsrange=4k-1k\n").blockSizes());
    assertEquals(new SizeRange(1024, 4096), only("[j]\nblocksize_range=1k:4k\n").blockSizes());
    assertEquals(SizeRange.of(8192), only("[j]\nbsrange=1k-4k\nbs=8k\n").blockSizes());
    assertEquals(new SizeRange(512, 2048), only("[j]\nbs=8k\nbsrange=512-2k\n").blockSizes());
  }

  @Test
  void sizeIsSplitAcrossFiles() throws FioJobFileException {
    FioJob job = only("[j]\nsize=1m\nnrfiles=4\n");
    assertEquals(4, job.fileCount());
    assertEquals(4, job.openFiles());
    assertEquals(Optional.of(SizeRange.of(262144)), job.perFileSize());
    assertEquals("j.0.3", job.filePath(0, 3));
  }

  @Test
  void filesizeOverridesTheSplit() throws FioJobFileException {
    FioJob job = only("[j]\nsize=1m\nnr_files=3\nfilesize=64k-8k\nopenfiles=2\n");
    assertEquals(Optional.of(new SizeRange(8192, 65536)), job.perFileSize());
    assertFalse(job.perFileSize().orElseThrow().isFixed());
    assertEquals(2, job.openFiles());
    assertEquals(Optional.of(SizeRange.of(4096)), only("[j]\nfilesize=4k\n").perFileSize());
  }

  @Test
  void fileNamesSplitAtUnescapedColons() throws FioJobFileException {
    FioJob job = only("[j]\nsize=100k\nnrfiles=7\nfilename=a\\:b:c\ndirectory=/mnt/d/\nnumjobs=2\n");
    assertEquals(List.of("a:b", "c"), job.fileNames());
    assertEquals(2, job.fileCount());
    assertEquals(2, job.openFiles());
    assertEquals(Optional.of(SizeRange.of(51200)), job.perFileSize());
    assertEquals("/mnt/d/a:b", job.filePath(1, 0));
    assertEquals("/mnt/d/c", job.filePath(0, 1));
    assertThrows(IndexOutOfBoundsException.class, () -> job.filePath(2, 0));
    assertThrows(UnsupportedOperationException.class, () -> job.fileNames().add("x"));
  }

  @Test
  void readsServiceTypesAndSyncs() throws FioJobFileException {
    FioJob job =
        only(
            """
            [j]
            file_service_type=random:8
            fsync=32
            fdatasync=8
            end_fsync=1
            overwrite=1
            unlink=0
            """);
    assertEquals(FileServiceType.RANDOM, job.fileServiceType());
    assertEquals(8, job.fileServiceBatch());
    assertEquals(32, job.fsync());
    assertEquals(8, job.fdatasync());
    assertTrue(job.endFsync());
    assertTrue(job.overwrite());
    assertFalse(job.unlink());
    assertEquals(
        FileServiceType.SEQUENTIAL,
        only("[j]\nfile_service_type=sequential\n").fileServiceType());
  }

  @Test
  void bareBooleanKeysMeanTrue() throws FioJobFileException {
    FioJob job = only("[j]\nend_fsync\noverwrite\nunlink\n");
    assertTrue(job.endFsync() && job.overwrite() && job.unlink());
  }

  @ParameterizedTest(name = "fallocate={0}")
  @CsvSource({
    "none, NONE", "0, NONE", "native, NATIVE", "posix, POSIX", "1, POSIX", "keep, KEEP",
    "truncate, TRUNCATE"
  })
  void readsFallocate(String value, Fallocate expected) throws FioJobFileException {
    assertEquals(expected, only("[j]\nfallocate=" + value + "\n").fallocate());
  }

  @Test
  void readsTheRest() throws FioJobFileException {
    FioJob job =
        only(
            """
            [j]
            name=renamed
            numjobs=4
            randseed=0x10
            loops=3
            ioengine=sync
            direct=0
            rwmixread=70
            """);
    assertEquals("renamed", job.name());
    assertEquals(4, job.numJobs());
    assertEquals(16, job.randSeed());
    assertEquals(3, job.loops());
    assertEquals("sync", job.ioEngine());
    assertEquals(70, job.rwMixRead());
    assertEquals(30, job.rwMixWrite());
    assertEquals(70, only("[j]\nrwmixwrite=30\n").rwMixRead());
    assertEquals(80, only("[j]\nrwmixread=70\nrwmixwrite=20\n").rwMixRead());
    assertEquals(1234, only("[j]\nrandseed=1234\n").randSeed());
  }

  @Test
  void fileWithoutJobsHasNone() throws FioJobFileException {
    assertEquals(List.of(), FioJobFile.parse(""));
    assertEquals(List.of(), FioJobFile.parse("; nothing\n[global]\nrw=write\n"));
  }

  @Test
  void readsFromAPath(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("job.fio");
    Files.writeString(file, "[global]\nsize=4k\n[w]\nrw=write\n");
    FioJob job = FioJobFile.parse(file).get(0);
    assertEquals(ReadWrite.WRITE, job.readWrite());
    assertEquals(OptionalLong.of(4096), job.size());
  }

  @Test
  void unknownOptionNamesOptionAndLine() {
    FioJobFileException e = error("[j]\nrw=write\n\n; c\n\n\nxyz=1\n");
    assertEquals("fio: unknown option 'xyz' at line 7", e.getMessage());
    assertEquals(7, e.lineNumber());
    assertEquals("xyz", e.option());
  }

  @Test
  void unknownOptionInGlobalIsAnErrorEvenWithoutJobs() {
    FioJobFileException e = error("[global]\ntime_based\n");
    assertEquals("fio: unknown option 'time_based' at line 2", e.getMessage());
  }

  @Test
  void keysAreCaseSensitiveAsInFio() {
    assertEquals("fio: unknown option 'RW' at line 2", error("[j]\nRW=write\n").getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "rw=bogus | fio: bad value 'bogus' for option 'rw' at line 2 (expected read, write,"
            + " randread, randwrite, rw, readwrite, randrw)",
        "rw=WRITE | fio: bad value 'WRITE' for option 'rw' at line 2 (expected read, write,"
            + " randread, randwrite, rw, readwrite, randrw)",
        "rw=write:-4k | fio: bad value 'write:-4k' for option 'rw' at line 2 (expected a number"
            + " with an optional k/m/g/t/p suffix)",
        "fallocate=bogus | fio: bad value 'bogus' for option 'fallocate' at line 2 (expected none,"
            + " native, posix, keep, truncate, 0, 1)",
        "file_service_type=bogus | fio: bad value 'bogus' for option 'file_service_type' at line 2"
            + " (expected roundrobin, sequential, random)",
        "file_service_type=random:0 | fio: value 'random:0' for option 'file_service_type' at"
            + " line 2 is out of range (1-2147483647)",
        "bs=1.5k | fio: bad value '1.5k' for option 'bs' at line 2 (expected a number from 1 up)",
        "bs=0 | fio: value '0' for option 'bs' at line 2 is out of range (1-)",
        "size=-1 | fio: bad value '-1' for option 'size' at line 2 (expected a number from 1 up)",
        "nrfiles=abc | fio: bad value 'abc' for option 'nrfiles' at line 2 (expected a number from"
            + " 1 to 2147483647)",
        "nrfiles=0 | fio: value '0' for option 'nrfiles' at line 2 is out of range (1-2147483647)",
        "numjobs=3000000000 | fio: value '3000000000' for option 'numjobs' at line 2 is out of"
            + " range (1-2147483647)",
        "rwmixread=101 | fio: value '101' for option 'rwmixread' at line 2 is out of range (0-100)",
        "end_fsync=2 | fio: bad value '2' for option 'end_fsync' at line 2 (expected 0 or 1)",
        "end_fsync=true | fio: bad value 'true' for option 'end_fsync' at line 2 (expected 0 or 1)",
        "bsrange=1k-x | fio: bad value '1k-x' for option 'bsrange' at line 2 (expected a number"
            + " from 1 up)",
        "filename=a::b | fio: bad value 'a::b' for option 'filename' at line 2 (expected file"
            + " names separated by ':')",
        "direct=1 | fio: option 'direct=1' at line 2 is not supported: vfsim simulates buffered"
            + " I/O only",
        "rw=trim | fio: option 'rw=trim' at line 2 is not supported: trim needs a block device",
        "ioengine=libaio | fio: option 'ioengine=libaio' at line 2 is not supported: vfsim issues"
            + " synchronous calls only (psync, sync)",
        "bs=4k,8k | fio: option 'bs=4k,8k' at line 2 is not supported: one block size for reads"
            + " and writes alike",
        "file_service_type=zipf | fio: option 'file_service_type=zipf' at line 2 is not"
            + " supported: only roundrobin, sequential and random are simulated",
        "directory=a:b | fio: option 'directory=a:b' at line 2 is not supported: one directory"
            + " only",
        "filesize= | fio: option 'filesize' at line 2 needs a value",
        "bs | fio: option 'bs' at line 2 needs a value",
        "=3 | fio: missing option name in '=3' at line 2",
      })
  void malformedValuesNameOptionAndLine(String line, String message) {
    FioJobFileException e = error("[j]\n" + line + "\n");
    assertEquals(message, e.getMessage());
    assertEquals(2, e.lineNumber());
  }

  @Test
  void optionBeforeAnySectionIsAnError() {
    FioJobFileException e = error("rw=write\n[j]\n");
    assertEquals("fio: option 'rw=write' at line 1 is outside of a [section]", e.getMessage());
    assertEquals("rw", e.option());
  }

  @Test
  void malformedSectionHeadersAreErrors() {
    assertEquals(
        "fio: malformed section header '[j' at line 3", error("[a]\n\n[j\n").getMessage());
    assertEquals("fio: malformed section header '[]' at line 1", error("[]\n").getMessage());
    assertEquals("", error("[]\n").option());
  }

  @Test
  void sizeRangesRejectNonsense() {
    assertThrows(IllegalArgumentException.class, () -> new SizeRange(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new SizeRange(2, 1));
    assertTrue(SizeRange.of(5).isFixed());
  }
}

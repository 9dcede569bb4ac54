package org.vfsim.cli.fio;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** The mutable settings of a job while its options are applied in order; starts at fio's defaults. */
final class JobSettings {

  String name;
  ReadWrite readWrite = ReadWrite.READ;
  long offsetModifier;
  SizeRange blockSizes = SizeRange.of(FioJob.DEFAULT_BLOCK_SIZE);
  OptionalLong size = OptionalLong.empty();
  Optional<SizeRange> fileSize = Optional.empty();
  int nrFiles = 1;
  Integer openFiles;
  FileServiceType fileServiceType = FileServiceType.ROUNDROBIN;
  int fileServiceBatch = 1;
  int fsync;
  int fdatasync;
  boolean endFsync;
  Fallocate fallocate = Fallocate.NATIVE;
  boolean overwrite;
  boolean unlink;
  int numJobs = 1;
  Optional<String> directory = Optional.empty();
  List<String> fileNames = new ArrayList<>();
  long randSeed = FioJob.DEFAULT_RANDSEED;
  int loops = 1;
  String ioEngine = "psync";
  int rwMixRead = 50;

  JobSettings(String name) {
    this.name = name;
  }

  FioJob toJob() {
    int files = fileNames.isEmpty() ? nrFiles : fileNames.size();
    return new FioJob(
        name,
        readWrite,
        offsetModifier,
        blockSizes,
        size,
        fileSize,
        nrFiles,
        openFiles == null ? files : openFiles,
        fileServiceType,
        fileServiceBatch,
        fsync,
        fdatasync,
        endFsync,
        fallocate,
        overwrite,
        unlink,
        numJobs,
        directory,
        fileNames,
        randSeed,
        loops,
        ioEngine,
        rwMixRead);
  }
}

package org.vfsim.cli.fio;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One job of a fio job file, with the {@code [global]} options above it applied first and its own
 * options after them; every option not given holds fio 3.33's default.
 *
 * @param name the section name, or the {@code name=} option; fio names files after it
 * @param readWrite {@code rw=}; default {@link ReadWrite#READ}
 * @param offsetModifier the {@code :N} suffix of {@code rw=}: for a sequential pattern the bytes
 *     skipped after each I/O ({@code rw=write:4k} writes with 4 KiB holes), for a random one the
 *     number of I/Os issued before a new random offset is drawn; 0 when absent
 * @param blockSizes {@code bs=} (a fixed range) or {@code bsrange=}; default 4096
 * @param size {@code size=}, the total bytes of I/O per clone of the job; empty when not given
 * @param fileSize {@code filesize=}, one size or a range to draw each file's size from
 * @param nrFiles {@code nrfiles=}; default 1 (ignored by fio when {@code filename=} is given)
 * @param openFiles {@code openfiles=}; defaults to the number of files
 * @param fileServiceType {@code file_service_type=}; default round robin
 * @param fileServiceBatch the {@code :N} suffix of {@code file_service_type=}: I/Os issued to a
 *     file before switching; default 1
 * @param fsync {@code fsync=N}: fsync after every N writes; 0 (the default) never
 * @param fdatasync {@code fdatasync=N}: fdatasync after every N writes; 0 (the default) never
 * @param endFsync {@code end_fsync=}: fsync when the write stage completes; default false
 * @param fallocate {@code fallocate=}; default {@link Fallocate#NATIVE}
 * @param overwrite {@code overwrite=}; default false
 * @param unlink {@code unlink=}: remove the files when done; default false
 * @param numJobs {@code numjobs=}: clones of this job; default 1
 * @param directory {@code directory=}: prefix of generated and given file names
 * @param fileNames {@code filename=}, split at unescaped colons ({@code \:} is a colon in a name)
 * @param randSeed {@code randseed=}; default 0x89
 * @param loops {@code loops=}; default 1
 * @param ioEngine {@code ioengine=}: {@code psync} (the default) or {@code sync}
 * @param rwMixRead {@code rwmixread=}, or 100 minus {@code rwmixwrite=}; default 50
 */
public record FioJob(
    String name,
    ReadWrite readWrite,
    long offsetModifier,
    SizeRange blockSizes,
    OptionalLong size,
    Optional<SizeRange> fileSize,
    int nrFiles,
    int openFiles,
    FileServiceType fileServiceType,
    int fileServiceBatch,
    int fsync,
    int fdatasync,
    boolean endFsync,
    Fallocate fallocate,
    boolean overwrite,
    boolean unlink,
    int numJobs,
    Optional<String> directory,
    List<String> fileNames,
    long randSeed,
    int loops,
    String ioEngine,
    int rwMixRead) {

  /** fio's default {@code randseed}. */
  public static final long DEFAULT_RANDSEED = 0x89;

  /** fio's default block size. */
  public static final long DEFAULT_BLOCK_SIZE = 4096;

  public FioJob {
    Objects.requireNonNull(name);
    Objects.requireNonNull(readWrite);
    Objects.requireNonNull(blockSizes);
    Objects.requireNonNull(size);
    Objects.requireNonNull(fileSize);
    Objects.requireNonNull(fileServiceType);
    Objects.requireNonNull(fallocate);
    Objects.requireNonNull(directory);
    Objects.requireNonNull(ioEngine);
    fileNames = List.copyOf(fileNames);
    if (offsetModifier < 0 || nrFiles < 1 || openFiles < 1 || fileServiceBatch < 1 || fsync < 0
        || fdatasync < 0 || numJobs < 1 || loops < 1 || rwMixRead < 0 || rwMixRead > 100) {
      throw new IllegalArgumentException("out-of-range setting in " + name);
    }
  }

  /** Returns {@code 100 - rwMixRead()}, the percentage of writes in a mixed pattern. */
  public int rwMixWrite() {
    return 100 - rwMixRead;
  }

  /** Returns how many files each clone uses: the {@code filename=} list, else {@code nrfiles}. */
  public int fileCount() {
    return fileNames.isEmpty() ? nrFiles : fileNames.size();
  }

  /**
   * Returns the size of each file: {@code filesize=} when given, else {@code size=} divided evenly
   * among the files (as fio splits it); empty when neither is given or the share rounds to 0.
   */
  public Optional<SizeRange> perFileSize() {
    if (fileSize.isPresent()) {
      return fileSize;
    }
    if (size.isEmpty() || size.getAsLong() / fileCount() == 0) {
      return Optional.empty();
    }
    return Optional.of(SizeRange.of(size.getAsLong() / fileCount()));
  }

  /**
   * Returns the path of a file as fio forms it: the {@code filename=} entry, else {@code
   * NAME.CLONE.FILE}, under {@code directory=} when given.
   *
   * @param clone the clone number, from 0 to {@code numJobs() - 1}
   * @param file the file number, from 0 to {@code fileCount() - 1}
   */
  public String filePath(int clone, int file) {
    Objects.checkIndex(clone, numJobs);
    Objects.checkIndex(file, fileCount());
    String leaf = fileNames.isEmpty() ? name + "." + clone + "." + file : fileNames.get(file);
    return directory.map(dir -> dir.endsWith("/") ? dir + leaf : dir + "/" + leaf).orElse(leaf);
  }
}

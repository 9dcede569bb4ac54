package org.vfsim.cli.fio;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The job options vfsim understands, each with fio's spellings and the way it sets a job. */
enum FioOption {
  RW("rw", "readwrite") {
    @Override
    void apply(JobSettings job, Value value) throws FioJobFileException {
      String text = value.text();
      int colon = text.indexOf(':');
      String pattern = colon < 0 ? text : text.substring(0, colon);
      job.readWrite = switch (pattern) {
        case "read" -> ReadWrite.READ;
        case "write" -> ReadWrite.WRITE;
        case "randread" -> ReadWrite.RANDREAD;
        case "randwrite" -> ReadWrite.RANDWRITE;
        case "rw", "readwrite" -> ReadWrite.READWRITE;
        case "randrw" -> ReadWrite.RANDRW;
        case "trim", "randtrim", "trimwrite", "randtrimwrite" ->
            throw value.unsupported("trim needs a block device");
        default ->
            throw value.badValue("read, write, randread, randwrite, rw, readwrite, randrw");
      };
      job.offsetModifier = colon < 0 ? 0 : value.number(text.substring(colon + 1), 0);
    }
  },
  BS("bs", "blocksize") {
    @Override
    void apply(JobSettings job, Value value) throws FioJobFileException {
      value.rejectPerDirection();
      job.blockSizes = SizeRange.of(value.number(value.text(), 1));
    }
  },
  BSRANGE("bsrange", "blocksize_range") {
    @Override
    void apply(JobSettings job, Value value) throws FioJobFileException {
      value.rejectPerDirection();
      job.blockSizes = value.range();
    }
  },
  SIZE("size") {
    @Override
    void apply(JobSettings job, Value value) throws FioJobFileException {
      job.size = OptionalLong.of(value.number(value.text(), 1));
    }
  },
  FILESIZE("filesize") {
    @Override
    void apply(JobSettings job, Value value) throws FioJobFileException {
      job.fileSize = Optional.of(value.range());
    }
  },
  NRFILES("nrfiles", "nr_files") {
    @Override
    void apply(JobSettings job, Value value) throws FioJobFileException {
      job.nrFiles = value.count(1);
    }
  },
  OPENFILES("openfiles") {
    @Override
    void apply(JobSettings job, Value value) throws FioJobFileException {
      job.openFiles = value.count(1);
    }
  },
  FILE_SERVICE_TYPE("file_service_type") {
    @Override
    void apply(JobSettings job, Value value) throws FioJobFileException {
      String text = value.text();
      int colon = text.indexOf(':');
      String type = colon < 0 ? text : text.substring(0, colon);
      job.fileServiceType = switch (type) {
        case "roundrobin" -> FileServiceType.ROUNDROBIN;
        case "sequential" -> FileServiceType.SEQUENTIAL;
        case "random" -> FileServiceType.RANDOM;
        case "zipf", "pareto", "normal", "gauss" ->
            throw value.unsupported("only roundrobin, sequential and random are simulated");
        default -> throw value.badValue("roundrobin, sequential, random");
      };
      job.fileServiceBatch =
          colon < 0 ? 1 : Math.toIntExact(value.bounded(text.substring(colon + 1), 1, Integer.MAX_VALUE));
    }
  },
  FSYNC("fsync") {
    @Override
    void apply(JobSettings job, Value value) throws FioJobFileException {
      job.fsync = value.count(0);
    }
  },
  FDATASYNC("fdatasync") {
    @Override
    void apply(JobSettings job, Value value) throws FioJobFileException {
      job.fdatasync = value.count(0);
    }
  },
  END_FSYNC("end_fsync") {
    @Override
    void apply(JobSettings job, Value value) throws FioJobFileException {
      job.endFsync = value.bool();
    }
  },
  FALLOCATE("fallocate") {
    @Override
    void apply(JobSettings job, Value value) throws FioJobFileException {
      job.fallocate = switch (value.text()) {
        case "none", "0" -> Fallocate.NONE;
        case "native" -> Fallocate.NATIVE;
        case "posix", "1" -> Fallocate.POSIX;
        case "keep" -> Fallocate.KEEP;
        case "truncate" -> Fallocate.TRUNCATE;
        default -> throw value.badValue("none, native, posix, keep, truncate, 0, 1");
      };
    }
  },
  OVERWRITE("overwrite") {
    @Override
    void apply(JobSettings job, Value value) throws FioJobFileException {
      job.overwrite = value.bool();
    }
  },
  UNLINK("unlink") {
    @Override
    void apply(JobSettings job, Value value) throws FioJobFileException {
      job.unlink = value.bool();
    }
  },
  NUMJOBS("numjobs") {
    @Override
    void apply(JobSettings job, Value value) throws FioJobFileException {
      job.numJobs = value.count(1);
    }
  },
  DIRECTORY("directory") {
    @Override
    void apply(JobSettings job, Value value) throws FioJobFileException {
      if (value.text().contains(":")) {
        throw value.unsupported("one directory only");
      }
      job.directory = Optional.of(value.text());
    }
  },
  FILENAME("filename") {
    @Override
    void apply(JobSettings job, Value value) throws FioJobFileException {
      job.fileNames = value.fileNames();
    }
  },
  RANDSEED("randseed") {
    @Override
    void apply(JobSettings job, Value value) throws FioJobFileException {
      job.randSeed = value.number(value.text(), 0);
    }
  },
  LOOPS("loops") {
    @Override
    void apply(JobSettings job, Value value) throws FioJobFileException {
      job.loops = value.count(1);
    }
  },
  NAME("name") {
    @Override
    void apply(JobSettings job, Value value) throws FioJobFileException {
      job.name = value.text();
    }
  },
  IOENGINE("ioengine") {
    @Override
    void apply(JobSettings job, Value value) throws FioJobFileException {
      switch (value.text()) {
        case "psync", "sync" -> job.ioEngine = value.text();
        default -> throw value.unsupported("vfsim issues synchronous calls only (psync, sync)");
      }
    }
  },
  DIRECT("direct") {
    @Override
    void apply(JobSettings job, Value value) throws FioJobFileException {
      if (value.bool()) {
        throw value.unsupported("vfsim simulates buffered I/O only");
      }
    }
  },
  RWMIXREAD("rwmixread") {
    @Override
    void apply(JobSettings job, Value value) throws FioJobFileException {
      job.rwMixRead = Math.toIntExact(value.bounded(value.text(), 0, 100));
    }
  },
  RWMIXWRITE("rwmixwrite") {
    @Override
    void apply(JobSettings job, Value value) throws FioJobFileException {
      job.rwMixRead = 100 - Math.toIntExact(value.bounded(value.text(), 0, 100));
    }
  };

  private static final Map<String, FioOption> BY_KEY =
      Arrays.stream(values())
          .flatMap(option -> option.keys.stream().map(key -> Map.entry(key, option)))
          .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));

  private final List<String> keys;

  FioOption(String key, String... aliases) {
    this.keys = Stream.concat(Stream.of(key), Stream.of(aliases)).toList();
  }

  /** Returns the option spelled {@code key} (case-sensitive, as fio reads keys), if any. */
  static Optional<FioOption> forKey(String key) {
    return Optional.ofNullable(BY_KEY.get(key));
  }

  /** Returns whether a bare key (no {@code =value}) means true. */
  boolean isBoolean() {
    return this == END_FSYNC || this == OVERWRITE || this == UNLINK || this == DIRECT;
  }

  /** Sets {@code job} from {@code value}, throwing with the option and line when it is wrong. */
  abstract void apply(JobSettings job, Value value) throws FioJobFileException;

  /** An option's value as written on its line, with the helpers that read it. */
  record Value(String key, String text, int line) {

    FioJobFileException badValue(String expected) {
      return new FioJobFileException(
          line,
          key,
          "fio: bad value '%s' for option '%s' at line %d (expected %s)"
              .formatted(text, key, line, expected));
    }

    FioJobFileException unsupported(String why) {
      return new FioJobFileException(
          line,
          key,
          "fio: option '%s=%s' at line %d is not supported: %s".formatted(key, text, line, why));
    }

    long number(String number, long min) throws FioJobFileException {
      return bounded(number, min, Long.MAX_VALUE);
    }

    long bounded(String number, long min, long max) throws FioJobFileException {
      long parsed;
      try {
        parsed = FioNumbers.parse(number);
      } catch (NumberFormatException e) {
        throw badValue(min == 0 && max == Long.MAX_VALUE
            ? "a number with an optional k/m/g/t/p suffix"
            : "a number from " + min + (max == Long.MAX_VALUE ? " up" : " to " + max));
      }
      if (parsed < min || parsed > max) {
        throw new FioJobFileException(
            line,
            key,
            "fio: value '%s' for option '%s' at line %d is out of range (%d-%s)"
                .formatted(text, key, line, min, max == Long.MAX_VALUE ? "" : Long.toString(max)));
      }
      return parsed;
    }

    int count(int min) throws FioJobFileException {
      return Math.toIntExact(bounded(text, min, Integer.MAX_VALUE));
    }

    boolean bool() throws FioJobFileException {
      return switch (text) {
        case "1" -> true;
        case "0" -> false;
        default -> throw badValue("0 or 1");
      };
    }

    /** Reads {@code LO-HI} or {@code LO:HI} (ends swapped when reversed, as fio does) or one value. */
    SizeRange range() throws FioJobFileException {
      int separator = Math.max(text.indexOf('-'), text.indexOf(':'));
      if (separator < 0) {
        return SizeRange.of(number(text, 1));
      }
      long low = number(text.substring(0, separator), 1);
      long high = number(text.substring(separator + 1), 1);
      return new SizeRange(Math.min(low, high), Math.max(low, high));
    }

    void rejectPerDirection() throws FioJobFileException {
      if (text.contains(",") || text.contains("/")) {
        throw unsupported("one block size for reads and writes alike");
      }
    }

    /** Splits at colons not escaped by a backslash; {@code \:} stands for a colon in a name. */
    List<String> fileNames() throws FioJobFileException {
      List<String> names = new ArrayList<>();
      StringBuilder current = new StringBuilder();
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == ':') {
          current.append(':');
          i++;
        } else if (c == ':') {
          names.add(current.toString());
          current.setLength(0);
        } else {
          current.append(c);
        }
      }
      names.add(current.toString());
      if (names.stream().anyMatch(String::isEmpty)) {
        throw badValue("file names separated by ':'");
      }
      return names;
    }
  }

  @Override
  public String toString() {
    return keys.get(0).toLowerCase(Locale.ROOT);
  }
}

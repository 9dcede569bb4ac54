package org.vfsim.cli.fio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses fio job files: INI sections where {@code [global]} sets defaults for the jobs below it
 * (several global sections add up) and every other section is a job.
 *
 * <p>Lines are {@code key=value} or a bare boolean key (meaning 1; fio 3.33 itself insists on a
 * value for {@code end_fsync}, {@code overwrite}, {@code unlink} and {@code direct}); a {@code ;}
 * or {@code #} starts a comment anywhere on a line, as in fio; blanks around keys, values and
 * section names are ignored. Keys and enumerated values are case-sensitive, as in fio. Options
 * outside the supported subset, malformed values and options before the first section are errors
 * that name the option and the 1-based line.
 */
public final class FioJobFile {

  private static final String GLOBAL = "global";

  private FioJobFile() {}

  /** Reads and parses the job file at {@code path} (UTF-8). */
  /** Job files are a few lines; a larger file is not one (and is not read into memory). */
  static final long MAX_JOB_FILE = 1 << 20;

  public static List<FioJob> parse(Path path) throws IOException, FioJobFileException {
    if (Files.size(path) > MAX_JOB_FILE) {
      throw new FioJobFileException(0, "", "not a fio job file (larger than " + MAX_JOB_FILE
          + " bytes)");
    }
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new FioJobFileException(0, "", "not a fio job file (not UTF-8 text)");
    }
    if (text.indexOf('\0') >= 0) {
      throw new FioJobFileException(0, "", "not a fio job file (binary: it holds NUL bytes)");
    }
    return parse(text);
  }

  /**
   * Returns the jobs of {@code contents} in file order, one per job section (clones requested by
   * {@code numjobs} are not expanded); a file without job sections gives an empty list.
   */
  public static List<FioJob> parse(String contents) throws FioJobFileException {
    List<FioOption.Value> globals = new ArrayList<>();
    List<FioJob> jobs = new ArrayList<>();
    String section = null;
    List<FioOption.Value> options = new ArrayList<>();
    String[] lines = contents.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int lineNumber = i + 1;
      String line = stripComment(lines[i]).strip();
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("[")) {
        if (section != null) {
          finish(section, options, globals, jobs);
        }
        section = sectionName(line, lineNumber);
        options = new ArrayList<>();
        continue;
      }
      FioOption.Value value = option(line, lineNumber);
      if (section == null) {
        throw new FioJobFileException(
            lineNumber,
            value.key(),
            "fio: option '%s' at line %d is outside of a [section]".formatted(line, lineNumber));
      }
      options.add(value);
    }
    if (section != null) {
      finish(section, options, globals, jobs);
    }
    return List.copyOf(jobs);
  }

  private static void finish(
      String section,
      List<FioOption.Value> options,
      List<FioOption.Value> globals,
      List<FioJob> jobs)
      throws FioJobFileException {
    if (section.equals(GLOBAL)) {
      apply(new JobSettings(GLOBAL), options);
      globals.addAll(options);
      return;
    }
    JobSettings job = new JobSettings(section);
    apply(job, globals);
    apply(job, options);
    jobs.add(job.toJob());
  }

  private static void apply(JobSettings job, List<FioOption.Value> options)
      throws FioJobFileException {
    for (FioOption.Value value : options) {
      FioOption option =
          FioOption.forKey(value.key())
              .orElseThrow(
                  () ->
                      new FioJobFileException(
                          value.line(),
                          value.key(),
                          "fio: unknown option '%s' at line %d".formatted(value.key(), value.line())));
      if (value.text() == null) {
        if (!option.isBoolean()) {
          throw new FioJobFileException(
              value.line(),
              value.key(),
              "fio: option '%s' at line %d needs a value".formatted(value.key(), value.line()));
        }
        option.apply(job, new FioOption.Value(value.key(), "1", value.line()));
      } else {
        option.apply(job, value);
      }
    }
  }

  private static String stripComment(String line) {
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == ';' || c == '#') {
        return line.substring(0, i);
      }
    }
    return line;
  }

  private static String sectionName(String line, int lineNumber) throws FioJobFileException {
    String name = line.endsWith("]") ? line.substring(1, line.length() - 1).strip() : "";
    if (name.isEmpty() || name.contains("[") || name.contains("]")) {
      throw new FioJobFileException(
          lineNumber, "", "fio: malformed section header '%s' at line %d".formatted(line, lineNumber));
    }
    return name;
  }

  private static FioOption.Value option(String line, int lineNumber) throws FioJobFileException {
    int equals = line.indexOf('=');
    String key = (equals < 0 ? line : line.substring(0, equals)).strip();
    if (key.isEmpty()) {
      throw new FioJobFileException(
          lineNumber, "", "fio: missing option name in '%s' at line %d".formatted(line, lineNumber));
    }
    if (equals < 0) {
      return new FioOption.Value(key, null, lineNumber);
    }
    String text = line.substring(equals + 1).strip();
    if (text.isEmpty()) {
      throw new FioJobFileException(
          lineNumber, key, "fio: option '%s' at line %d needs a value".formatted(key, lineNumber));
    }
    return new FioOption.Value(key, text, lineNumber);
  }
}

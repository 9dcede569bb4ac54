package org.vfsim.cli.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Reads the golden outputs captured from the real tools (see golden/xfs_io/README.md). */
final class Golden {

  private Golden() {}

  /** Returns the directory {@code golden/<tool>/<name>} on the test class path. */
  static Path caseDir(String tool, String name) {
    Path dir = root().resolve(tool).resolve(name);
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("no golden case " + tool + "/" + name);
    }
    return dir;
  }

  /** Returns the text of {@code golden/<tool>/<name>/<file>}. */
  static String read(String tool, String name, String file) {
    try {
      return Files.readString(caseDir(tool, name).resolve(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns the names of the cases of {@code tool} that have {@code file}. */
  static List<String> casesWith(String tool, String file) {
    try (Stream<Path> dirs = Files.list(root().resolve(tool))) {
      return dirs.filter(dir -> Files.isRegularFile(dir.resolve(file)))
          .map(dir -> dir.getFileName().toString())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns the lines of the summary-line table, header first. */
  static List<String> summaryTable() {
    try {
      return Files.readAllLines(root().resolve("xfs_io-summary/summary-lines.tsv"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path root() {
    URL url = Golden.class.getClassLoader().getResource("golden");
    if (url == null) {
      throw new IllegalStateException("golden resources are not on the class path");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}

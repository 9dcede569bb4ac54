package org.vfsim.testkit.fsx;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * A replay file: the filesystem, the options and the number of the failing operation. The run is
 * deterministic in the seed, so re-running those options up to that operation reproduces the
 * failure exactly; the operations are listed too, for people.
 */
record ReplayFile(String fsName, Fsx.Options options) {
  static ReplayFile read(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    Properties p = new Properties();
    try (Reader r = new StringReader(text)) {
      p.load(r);
    }
    Fsx.Options o = new Fsx.Options(
        Long.parseLong(req(p, "seed")),
        Long.parseLong(req(p, "operations")),
        Long.parseLong(req(p, "deviceBytes")),
        Integer.parseInt(req(p, "blockSize")),
        p.getProperty("mkfsOptions", ""),
        p.getProperty("mountOptions", ""),
        Long.parseLong(req(p, "maxFileSize")),
        null);
    return new ReplayFile(req(p, "fs"), o);
  }

  private static String req(Properties p, String key) throws IOException {
    String v = p.getProperty(key);
    if (v == null) {
      throw new IOException("replay file lacks " + key);
    }
    return v.strip();
  }

  void write(Path file, String failure, List<String> lastOps) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append("# vfsim fsx replay file: vfsim fsx --replay ").append(file).append('\n');
    sb.append("fs=").append(fsName).append('\n');
    sb.append("seed=").append(options.seed()).append('\n');
    sb.append("operations=").append(options.operations()).append('\n');
    sb.append("deviceBytes=").append(options.deviceBytes()).append('\n');
    sb.append("blockSize=").append(options.blockSize()).append('\n');
    sb.append("mkfsOptions=").append(escape(options.mkfsOptions())).append('\n');
    sb.append("mountOptions=").append(escape(options.mountOptions())).append('\n');
    sb.append("maxFileSize=").append(options.maxFileSize()).append('\n');
    sb.append("#\n# failure:\n");
    for (String line : failure.split("\n")) {
      sb.append("#   ").append(line).append('\n');
    }
    sb.append("# last operations:\n");
    for (String op : lastOps) {
      sb.append("#   ").append(op).append('\n');
    }
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("=", "\\=").replace(":", "\\:");
  }
}

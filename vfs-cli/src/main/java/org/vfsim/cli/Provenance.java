package org.vfsim.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.vfsim.fs.FileSystemType;
import org.vfsim.plugin.PluginRegistry;

/**
 * What made a report, so that a figure can be traced and rerun: the command line, vfsim's
 * version and commit, each plugin jar with its SHA-256, the JVM, the seeds, and whether file data
 * was stored. Nothing here depends on the time of day, so a merged study reproduces the report
 * of a single run byte for byte.
 */
record Provenance(List<String> commandLine, String version, String commit,
    Map<String, String> plugins, String jvm, List<Long> seeds, boolean dataless) {

  static final String VERSION = "vfsim 0.1.0";

  Provenance {
    commandLine = List.copyOf(commandLine);
    plugins = Map.copyOf(plugins);
    seeds = List.copyOf(seeds);
  }

  /** Provenance of a study of {@code types} run by this process. */
  static Provenance of(List<String> commandLine, List<FileSystemType> types, List<Long> seeds,
      boolean dataless) {
    Map<String, String> plugins = new TreeMap<>();
    for (FileSystemType t : types) {
      if (PluginPath.isPluginClass(t.getClass())) {
        PluginRegistry.PluginSource src = PluginRegistry.sourceOf(t);
        plugins.put(t.name(), src.location() + " version " + src.version() + " sha256 "
            + sha256(Path.of(src.location())));
      } else {
        plugins.put(t.name(), "built in");
      }
    }
    return new Provenance(commandLine, VERSION, currentCommit(), plugins,
        System.getProperty("java.vm.name", "?") + " " + System.getProperty("java.version", "?")
            + " (" + System.getProperty("java.vendor", "?") + ")", seeds, dataless);
  }

  /** The commit vfsim was built from, from the checkout next to the launcher; "unknown" if none. */
  static String currentCommit() {
    String home = System.getProperty("vfsim.home", "");
    if (home.isEmpty()) {
      return "unknown";
    }
    try {
      Path git = Path.of(home, ".git");
      String head = Files.readString(git.resolve("HEAD")).trim();
      if (head.startsWith("ref: ")) {
        Path ref = git.resolve(head.substring(5));
        if (Files.isRegularFile(ref)) {
          return Files.readString(ref).trim();
        }
        for (String line : Files.readAllLines(git.resolve("packed-refs"))) {
          if (line.endsWith(" " + head.substring(5))) {
            return line.substring(0, line.indexOf(' '));
          }
        }
        return "unknown";
      }
      return head;
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException | NoSuchAlgorithmException e) {
      return "unreadable";
    }
  }

  String json() {
    List<String> ps = new ArrayList<>();
    plugins.forEach((k, v) -> ps.add(JsonText.str(k) + ":" + JsonText.str(v)));
    return "{\"commandLine\":[" + String.join(",", commandLine.stream().map(JsonText::str)
        .toList()) + "],\"version\":" + JsonText.str(version) + ",\"commit\":"
        + JsonText.str(commit) + ",\"plugins\":{" + String.join(",", ps) + "},\"jvm\":"
        + JsonText.str(jvm) + ",\"seeds\":" + seeds + ",\"dataless\":" + dataless + "}";
  }

  /** Lines for the text report and the HTML page. */
  List<String> lines() {
    List<String> out = new ArrayList<>();
    out.add("command: vfsim " + String.join(" ", commandLine));
    out.add("version: " + version + ", commit " + commit);
    plugins.forEach((k, v) -> out.add("filesystem " + k + ": " + v));
    out.add("jvm: " + jvm);
    out.add("seeds: " + seeds + (dataless ? ", dataless (file data not stored)" : ""));
    return out;
  }
}

package org.vfsim.fuse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a host program with a timeout; its output is kept for the assertion message. */
final class Programs {
  private Programs() {}

  record Result(int status, String output) {}

  static Result run(Path dir, long timeoutSeconds, String... command)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("vfsim-fuse", ".out");
    try {
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(out.toFile()).start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        return new Result(-1, "timed out after " + timeoutSeconds + " s: "
            + String.join(" ", command) + "\n" + Files.readString(out, StandardCharsets.UTF_8));
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  static Result sh(Path dir, long timeoutSeconds, String script)
      throws IOException, InterruptedException {
    return run(dir, timeoutSeconds, "sh", "-c", script);
  }

  static boolean installed(String program) {
    for (String d : List.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))) {
      if (Files.isExecutable(Path.of(d, program))) {
        return true;
      }
    }
    return false;
  }
}

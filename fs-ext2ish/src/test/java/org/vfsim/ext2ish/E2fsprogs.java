package org.vfsim.ext2ish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.vfsim.block.BlockDevice;

/** Runs e2fsprogs on a simulated device dumped into a sparse host file; skips without them. */
final class E2fsprogs {
  private E2fsprogs() {}

  /** Exit status and combined output of a command. */
  record Run(int status, String out, byte[] stdout) {}

  static boolean installed() {
    return find("e2fsck") != null && find("debugfs") != null && find("dumpe2fs") != null;
  }

  static String find(String tool) {
    for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
      Path p = Path.of(dir, tool);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }

  static void assumeInstalled() {
    Assumptions.assumeTrue(installed(), "e2fsprogs (e2fsck, debugfs, dumpe2fs) not installed");
  }

  static Run run(String... cmd) {
    List<String> c = new ArrayList<>(List.of(cmd));
    String tool = find(c.get(0));
    if (tool != null) {
      c.set(0, tool);
    }
    try {
      Process p = new ProcessBuilder(c).redirectErrorStream(false).start();
      p.getOutputStream().close();
      byte[] out;
      byte[] err;
      try (InputStream o = p.getInputStream(); InputStream e = p.getErrorStream()) {
        ByteArrayOutputStream eb = new ByteArrayOutputStream();
        Thread t = new Thread(() -> {
          try {
            e.transferTo(eb);
          } catch (IOException ignored) {
            // the process ended
          }
        });
        t.start();
        out = o.readAllBytes();
        t.join();
        err = eb.toByteArray();
      }
      int status = p.waitFor();
      return new Run(status, new String(out, StandardCharsets.UTF_8)
          + new String(err, StandardCharsets.UTF_8), out);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("running " + c, e);
    }
  }

  /** Dumps the device and asserts that {@code e2fsck -fn} finds nothing (exit status 0). */
  static void assertE2fsckClean(BlockDevice dev, Path dir, String what) {
    if (!installed()) {
      return; // the callers' other assertions still run; this judge is absent here
    }
    Path img = dir.resolve("e2fsck.img");
    try {
      Ext2Images.dump(dev, img);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Run r = run("e2fsck", "-fn", img.toString());
    assertEquals(0, r.status(), () -> what + ": e2fsck -fn found problems:\n" + r.out());
  }

  static Run e2fsck(Path img) {
    return run("e2fsck", "-fn", img.toString());
  }

  static byte[] cat(Path img, String path) {
    Run r = run("debugfs", "-R", "cat " + path, img.toString());
    return r.stdout();
  }
}

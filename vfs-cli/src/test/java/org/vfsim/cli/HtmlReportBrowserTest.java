package org.vfsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report opened in a real browser (headless Chromium, Debian's {@code chromium}): it
 * loads, every chart becomes an element of the page, and the console stays silent. Skipped, with
 * the reason, where Chromium is not installed.
 */
class HtmlReportBrowserTest {
  @TempDir
  Path dir;

  private static final Pattern CONSOLE = Pattern.compile("(?m)^.*:CONSOLE[:(].*$");

  private static Path chromium() {
    for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
      if (Files.isExecutable(Path.of(c))) {
        return Path.of(c);
      }
    }
    return null;
  }

  /** Opens {@code page}; returns {dom, console lines}. */
  private String[] open(Path page) throws IOException, InterruptedException {
    Path chrome = chromium();
    assumeTrue(chrome != null, "chromium is not installed (Debian: apt-get install chromium)");
    Path err = dir.resolve("chromium.err");
    Path dom = dir.resolve("dom.html");
    Process p = new ProcessBuilder(chrome.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--enable-logging=stderr", "--log-level=0",
        "--user-data-dir=" + dir.resolve("profile"), "--dump-dom", page.toUri().toString())
        .redirectOutput(dom.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish within 120 s");
    }
    assertEquals(0, p.exitValue(), Files.readString(err));
    StringBuilder console = new StringBuilder();
    Matcher m = CONSOLE.matcher(Files.readString(err, StandardCharsets.UTF_8));
    while (m.find()) {
      console.append(m.group()).append('\n');
    }
    return new String[] {Files.readString(dom, StandardCharsets.UTF_8), console.toString()};
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void theReportRendersWithASilentConsole() throws Exception {
    assumeTrue(chromium() != null, "chromium is not installed (Debian: apt-get install chromium)");
    Path out = dir.resolve("report");
    CliRun run = CliRun.of("compare", "--workload", "random-overwrite", "--size", "32m",
        "--fs", "toyfs:policy=goal", "--fs", "toyfs:policy=cursor", "--seeds", "1..2",
        "--baseline", "toyfs[policy=goal]", "--out", out.toString());
    assertEquals(0, run.exit(), run.err());
    Path page = out.resolve("report.html");
    String[] result = open(page);
    assertEquals("", result[1], "console messages while rendering the report");
    String source = Files.readString(page);
    assertTrue(result[0].contains("<h2>Summary</h2>"), "the page loaded");
    assertEquals(count(source, "<svg"), count(result[0], "<svg"),
        "every chart is an element of the rendered page");
    assertTrue(count(result[0], "<svg") >= 8 + 6, "error bars per metric and aging curves");
  }

  @Test
  void aConsoleErrorIsSeen() throws Exception {
    Path planted = Files.writeString(dir.resolve("planted.html"), "<!DOCTYPE html><html><body>"
        + "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg><script>noSuchFunction();</script>"
        + "</body></html>");
    String[] result = open(planted);
    assertTrue(result[1].contains("noSuchFunction is not defined"), result[1]);
  }
}

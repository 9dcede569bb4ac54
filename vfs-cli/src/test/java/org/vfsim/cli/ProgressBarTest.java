package org.vfsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.lockdep.LockValidatorExtension;

@ExtendWith(LockValidatorExtension.class)
class ProgressBarTest {
  private static String draw(boolean terminal) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    ProgressBar bar = new ProgressBar(err, terminal, "compare");
    bar.update(1, 4, "xfsish");
    bar.finish();
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void drawsOnATerminalAndClearsItsLine() {
    String s = draw(true);
    // A quarter of 30 columns filled.
    assertTrue(s.startsWith("\rcompare [" + "#".repeat(7) + " ".repeat(23) + "] 1/4 xfsish"), s);
    assertTrue(s.endsWith("\r\u001b[K"), s);
  }

  @Test
  void silentOtherwise() {
    assertEquals("", draw(false));
  }
}

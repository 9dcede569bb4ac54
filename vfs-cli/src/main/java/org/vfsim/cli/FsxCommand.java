package org.vfsim.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "fsx", mixinStandardHelpOptions = true)
final class FsxCommand implements Callable<Integer> {
  private final CliContext ctx;

  FsxCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    return 0;
  }
}

package org.vfsim.fs;

import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.List;

/**
 * What a filesystem's consistency check found: each problem as one line naming the structure
 * and the disagreement (for example "block 1234 is free in the bitmap but mapped by inode 12").
 */
public record FsckReport(ImmutableList<String> problems) {
  public static FsckReport clean() {
    return new FsckReport(ImmutableList.of());
  }

  public boolean isClean() {
    return problems.isEmpty();
  }

  /** Collects problems while a check walks the structures. */
  public static final class Builder {
    private final List<String> problems = new ArrayList<>();

    public Builder problem(String format, Object... args) {
      problems.add(String.format(format, args));
      return this;
    }

    /** Records a problem unless {@code ok}. */
    public Builder check(boolean ok, String format, Object... args) {
      if (!ok) {
        problem(format, args);
      }
      return this;
    }

    public FsckReport build() {
      return new FsckReport(ImmutableList.copyOf(problems));
    }
  }

  @Override
  public String toString() {
    return isClean() ? "clean" : String.join("\n", problems);
  }
}

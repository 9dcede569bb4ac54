package org.vfsim.fs;

import com.google.common.collect.ImmutableList;
import org.jspecify.annotations.Nullable;

/**
 * One option a filesystem accepts at mkfs or mount time: its name, the kind of value, the
 * default, the allowed words for an enumeration, and a help line for {@code vfsim plugins}.
 */
public record OptionSpec(String name, Kind kind, @Nullable String defaultValue,
    ImmutableList<String> allowed, String help) {
  /** How the value is written. */
  public enum Kind {
    /** Present or absent, no value ({@code nodatacow}). */
    FLAG,
    /** A byte count with optional k/m/g/t suffix, powers of 1024 ({@code allocsize=64k}). */
    SIZE,
    /** A plain integer ({@code commit=30}). */
    NUMBER,
    /** One of {@link #allowed()} ({@code alloc=unwritten}). */
    CHOICE,
    /** Free text. */
    TEXT,
  }

  public static OptionSpec flag(String name, String help) {
    return new OptionSpec(name, Kind.FLAG, null, ImmutableList.of(), help);
  }

  public static OptionSpec size(String name, @Nullable String dflt, String help) {
    return new OptionSpec(name, Kind.SIZE, dflt, ImmutableList.of(), help);
  }

  public static OptionSpec number(String name, @Nullable String dflt, String help) {
    return new OptionSpec(name, Kind.NUMBER, dflt, ImmutableList.of(), help);
  }

  public static OptionSpec choice(String name, String dflt, String help, String... allowed) {
    return new OptionSpec(name, Kind.CHOICE, dflt, ImmutableList.copyOf(allowed), help);
  }

  public static OptionSpec text(String name, @Nullable String dflt, String help) {
    return new OptionSpec(name, Kind.TEXT, dflt, ImmutableList.of(), help);
  }

  /** As {@code vfsim plugins} lists it. */
  public String usage() {
    String value = switch (kind) {
      case FLAG -> "";
      case SIZE -> "=SIZE";
      case NUMBER -> "=N";
      case CHOICE -> "=" + String.join("|", allowed);
      case TEXT -> "=TEXT";
    };
    return name + value + (defaultValue == null ? "" : " (default " + defaultValue + ")");
  }
}

package org.vfsim.fs;

import com.google.common.base.Splitter;
import com.google.common.collect.ImmutableMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.vfsim.syscall.Errno;

/**
 * A parsed, validated option string ({@code "allocsize=64k,alloc=unwritten"}) for mkfs or
 * mount. Unknown options and malformed values fail with {@code EINVAL} naming the option, as
 * the kernel's mount does; values not given fall back to the spec's default.
 */
public final class MountOptions {
  private final ImmutableMap<String, String> given;
  private final ImmutableMap<String, OptionSpec> specs;

  private MountOptions(ImmutableMap<String, String> given, ImmutableMap<String, OptionSpec> specs) {
    this.given = given;
    this.specs = specs;
  }

  /** Options with nothing given. */
  public static MountOptions defaults(List<OptionSpec> specs) {
    return parse("", specs);
  }

  public static MountOptions parse(String text, List<OptionSpec> specList) {
    ImmutableMap.Builder<String, OptionSpec> sb = ImmutableMap.builder();
    specList.forEach(s -> sb.put(s.name(), s));
    ImmutableMap<String, OptionSpec> specs = sb.buildOrThrow();
    Map<String, String> given = new LinkedHashMap<>();
    for (String item : Splitter.on(',').trimResults().omitEmptyStrings().split(text == null ? "" : text)) {
      int eq = item.indexOf('=');
      String name = eq < 0 ? item : item.substring(0, eq);
      String value = eq < 0 ? null : item.substring(eq + 1);
      OptionSpec spec = specs.get(name);
      if (spec == null) {
        throw Errno.EINVAL.exception("unknown option '" + name + "'");
      }
      if (spec.kind() == OptionSpec.Kind.FLAG) {
        if (value != null) {
          throw Errno.EINVAL.exception("option '" + name + "' takes no value");
        }
        value = "true";
      } else if (value == null || value.isEmpty()) {
        throw Errno.EINVAL.exception("option '" + name + "' needs a value");
      }
      validate(spec, value);
      given.put(name, value);
    }
    return new MountOptions(ImmutableMap.copyOf(given), specs);
  }

  private static void validate(OptionSpec spec, String value) {
    switch (spec.kind()) {
      case SIZE -> parseSize(spec.name(), value);
      case NUMBER -> parseNumber(spec.name(), value);
      case CHOICE -> {
        if (!spec.allowed().contains(value)) {
          throw Errno.EINVAL.exception("option '" + spec.name() + "' must be one of "
              + spec.allowed() + ", not '" + value + "'");
        }
      }
      default -> {}
    }
  }

  /** Parses a byte count with an optional k, m, g, t, p or e suffix (powers of 1024). */
  public static long parseSize(String option, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    long mult = 1;
    if (v.endsWith("ib")) {
      v = v.substring(0, v.length() - 2);
    } else if (v.endsWith("b") && v.length() > 1 && !Character.isDigit(v.charAt(v.length() - 2))) {
      v = v.substring(0, v.length() - 1);
    }
    if (!v.isEmpty()) {
      switch (v.charAt(v.length() - 1)) {
        case 'k' -> mult = 1L << 10;
        case 'm' -> mult = 1L << 20;
        case 'g' -> mult = 1L << 30;
        case 't' -> mult = 1L << 40;
        case 'p' -> mult = 1L << 50;
        case 'e' -> mult = 1L << 60;
        default -> mult = 1;
      }
      if (mult != 1) {
        v = v.substring(0, v.length() - 1);
      }
    }
    try {
      long n = Long.parseLong(v);
      if (n < 0) {
        throw Errno.EINVAL.exception("option '" + option + "' is negative: " + value);
      }
      return Math.multiplyExact(n, mult);
    } catch (NumberFormatException | ArithmeticException e) {
      throw Errno.EINVAL.exception("option '" + option + "' is not a size: '" + value + "'");
    }
  }

  private static long parseNumber(String option, String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw Errno.EINVAL.exception("option '" + option + "' is not a number: '" + value + "'");
    }
  }

  private String raw(String name) {
    OptionSpec spec = specs.get(name);
    if (spec == null) {
      throw new IllegalArgumentException("no such option declared: " + name);
    }
    String v = given.get(name);
    return v != null ? v : spec.defaultValue();
  }

  public boolean isSet(String name) {
    return given.containsKey(name);
  }

  public boolean flag(String name) {
    return "true".equals(raw(name));
  }

  public long size(String name) {
    String v = raw(name);
    return v == null ? -1 : parseSize(name, v);
  }

  public long number(String name) {
    String v = raw(name);
    return v == null ? -1 : parseNumber(name, v);
  }

  public String text(String name) {
    return raw(name);
  }

  /** The options as given, in order, for display. */
  public ImmutableMap<String, String> given() {
    return given;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    given.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k)
        .append("true".equals(v) && specs.get(k).kind() == OptionSpec.Kind.FLAG ? "" : "=" + v));
    return sb.toString();
  }
}

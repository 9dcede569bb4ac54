package org.vfsim.cli;

import java.util.ArrayList;
import java.util.List;
import org.vfsim.fs.MountOptions;

/**
 * {@code --sweep KEY=V1,V2,...}: one study dimension. {@code size=64m,256m} sweeps the device
 * size; {@code mount:NAME=V1,V2} a mount option and {@code mkfs:NAME=V1,V2} an mkfs option of
 * every variant (added to the variant's own options, or replacing the same option there).
 */
record Sweep(Kind kind, String name, List<String> values) {
  enum Kind { SIZE, MOUNT, MKFS }

  static Sweep parse(String spec) {
    int eq = spec.indexOf('=');
    if (eq <= 0 || eq == spec.length() - 1) {
      throw usage(spec, "expected KEY=V1,V2,...");
    }
    String key = spec.substring(0, eq).trim();
    List<String> values = new ArrayList<>();
    for (String v : spec.substring(eq + 1).split(",")) {
      if (v.isBlank()) {
        throw usage(spec, "an empty value");
      }
      values.add(v.trim());
    }
    if (key.equals("size")) {
      for (String v : values) {
        MountOptions.parseSize("--sweep size", v);
      }
      return new Sweep(Kind.SIZE, "size", values);
    }
    if (key.startsWith("mount:") && key.length() > 6) {
      return new Sweep(Kind.MOUNT, key.substring(6), values);
    }
    if (key.startsWith("mkfs:") && key.length() > 5) {
      return new Sweep(Kind.MKFS, key.substring(5), values);
    }
    throw usage(spec, "KEY is size, mount:OPTION or mkfs:OPTION");
  }

  private static CliFailure usage(String spec, String why) {
    return CliFailure.usage("--sweep " + spec + ": " + why);
  }

  /** How the swept value reads in labels and tables: {@code allocsize=1m}. */
  String label(String value) {
    return name + "=" + value;
  }

  /** {@code v} with this sweep's option set to {@code value} (SIZE leaves the variant alone). */
  Variant apply(Variant v, String value) {
    return switch (kind) {
      case SIZE -> v;
      case MOUNT -> new Variant(v.fs(), v.mkfsOptions(), withOption(v.mountOptions(), value));
      case MKFS -> new Variant(v.fs(), withOption(v.mkfsOptions(), value), v.mountOptions());
    };
  }

  /** The device size for {@code value} (SIZE), or {@code base}. */
  long deviceBytes(long base, String value) {
    return kind == Kind.SIZE ? MountOptions.parseSize("--sweep size", value) : base;
  }

  private String withOption(String options, String value) {
    List<String> kept = new ArrayList<>();
    for (String o : options.split(",")) {
      String n = o.contains("=") ? o.substring(0, o.indexOf('=')) : o;
      if (!o.isEmpty() && !n.equals(name)) {
        kept.add(o);
      }
    }
    kept.add(value.equals("on") ? name : name + "=" + value);
    return String.join(",", kept);
  }
}

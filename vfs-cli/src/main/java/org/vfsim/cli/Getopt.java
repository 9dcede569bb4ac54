package org.vfsim.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * glibc {@code getopt(3)} as xfs_io's commands call it: options may come before or after the
 * operands (glibc permutes), {@code --} ends options, an argument that starts with {@code -}
 * (so {@code -1}) is an option cluster, and errors are printed as glibc prints them.
 */
final class Getopt {
  /** One parsed option and its argument (null for a flag). */
  record Opt(char name, String arg) {}

  final List<Opt> options = new ArrayList<>();
  final List<String> operands = new ArrayList<>();

  private Getopt() {}

  /**
   * Parses {@code args} (without the command name) against {@code spec} ({@code "b:S:wW"});
   * returns null after printing glibc's message for an unknown option or a missing argument.
   */
  static Getopt parse(String command, List<String> args, String spec, PrintStream err) {
    Getopt g = new Getopt();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--")) {
        g.operands.addAll(args.subList(i + 1, args.size()));
        break;
      }
      if (a.length() < 2 || a.charAt(0) != '-') {
        g.operands.add(a);
        continue;
      }
      for (int j = 1; j < a.length(); j++) {
        char c = a.charAt(j);
        int at = spec.indexOf(c);
        if (at < 0 || c == ':') {
          err.println(command + ": invalid option -- '" + c + "'");
          return null;
        }
        boolean takesArg = at + 1 < spec.length() && spec.charAt(at + 1) == ':';
        if (!takesArg) {
          g.options.add(new Opt(c, null));
          continue;
        }
        String value;
        if (j + 1 < a.length()) {
          value = a.substring(j + 1);
        } else if (i + 1 < args.size()) {
          value = args.get(++i);
        } else {
          err.println(command + ": option requires an argument -- '" + c + "'");
          return null;
        }
        g.options.add(new Opt(c, value));
        break;
      }
    }
    return g;
  }

  boolean has(char c) {
    return options.stream().anyMatch(o -> o.name() == c);
  }

  /**
   * ORs together the flag bits of the options that were given, as xfs_io turns {@code -r -w}
   * into {@code PROT_READ|PROT_WRITE}; {@code bitByOption} maps each option letter to its bits.
   */
  int bits(java.util.Map<Character, Integer> bitByOption) {
    int bits = 0;
    for (java.util.Map.Entry<Character, Integer> e : bitByOption.entrySet()) {
      if (has(e.getKey())) {
        bits |= e.getValue();
      }
    }
    return bits;
  }
}

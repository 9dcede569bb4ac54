package org.vfsim.cli;

import com.google.common.collect.ImmutableMap;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonDeserializer;
import com.google.gson.JsonParseException;
import com.google.gson.reflect.TypeToken;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.TreeMap;

/**
 * The results of one shard of a study ({@code --shard I/N}), as plain JSON in
 * {@code shard-I-of-N.json}: the plan, its fingerprint, the provenance, and each run's result by
 * run number. {@code --merge} reads any number of them back (data only: JSON into records, never
 * code) and checks that together they are exactly the plan's runs, once each.
 */
record ShardFile(String format, int version, String fingerprint, int shard, int of,
    String description, StudyPlan plan, Provenance provenance, List<Entry> runs) {
  static final String FORMAT = "vfsim-compare-shard";
  static final int VERSION = 1;

  /** One run's result. */
  record Entry(int index, VariantResult result) {}

  private static final Gson GSON = new GsonBuilder()
      .serializeSpecialFloatingPointValues()
      .registerTypeHierarchyAdapter(ImmutableMap.class,
          (JsonDeserializer<ImmutableMap<String, Long>>) (json, type, ctx) -> ImmutableMap.copyOf(
              ctx.<LinkedHashMap<String, Long>>deserialize(json,
                  new TypeToken<LinkedHashMap<String, Long>>() {}.getType())))
      .create();

  static Path name(Path dir, int shard, int of) {
    return dir.resolve("shard-" + shard + "-of-" + of + ".json");
  }

  void write(Path file) throws IOException {
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      GSON.toJson(this, w);
    }
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  static ShardFile read(Path file) {
    ShardFile s;
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      s = GSON.fromJson(r, ShardFile.class);
    } catch (IOException e) {
      throw new CliFailure(file + ": " + CliFailure.describe(e));
    } catch (JsonParseException | IllegalStateException | NumberFormatException e) {
      throw new CliFailure(file + ": not a vfsim compare shard file (" + firstLine(e) + ")");
    }
    if (s == null || !FORMAT.equals(s.format()) || s.plan() == null || s.runs() == null) {
      throw new CliFailure(file + ": not a vfsim compare shard file");
    }
    if (s.version() != VERSION) {
      throw new CliFailure(file + ": shard format version " + s.version()
          + " is not supported (this vfsim reads version " + VERSION + ")");
    }
    return s;
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** The shard files named by {@code paths}: files as they are, folders' {@code shard-*.json}. */
  static List<ShardFile> readAll(List<Path> paths) {
    List<ShardFile> out = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(p, "shard-*-of-*.json")) {
          ds.forEach(found::add);
        } catch (IOException e) {
          throw new CliFailure(p + ": " + CliFailure.describe(e));
        }
        if (found.isEmpty()) {
          throw new CliFailure(p + ": no shard-I-of-N.json files here");
        }
        found.sort(null);
        found.forEach(f -> out.add(read(f)));
      } else if (Files.exists(p)) {
        out.add(read(p));
      } else {
        throw new CliFailure(p + ": No such file or directory");
      }
    }
    return out;
  }

  /** The whole study's results in run order; CliFailure if the shards do not make exactly one. */
  static List<VariantResult> merge(List<ShardFile> shards) {
    ShardFile first = shards.get(0);
    TreeMap<Integer, VariantResult> byIndex = new TreeMap<>();
    for (ShardFile s : shards) {
      if (!s.fingerprint().equals(first.fingerprint())) {
        throw new CliFailure("shard " + s.shard() + "/" + s.of() + " belongs to another study ("
            + s.fingerprint() + ", not " + first.fingerprint() + ")");
      }
      for (Entry e : s.runs()) {
        if (byIndex.put(e.index(), e.result()) != null) {
          throw new CliFailure("run " + e.index() + " appears in more than one shard");
        }
      }
    }
    int expected = first.plan().runs().size();
    List<Integer> missing = new ArrayList<>();
    for (int i = 0; i < expected; i++) {
      if (!byIndex.containsKey(i)) {
        missing.add(i);
      }
    }
    if (!missing.isEmpty() || byIndex.size() != expected) {
      throw new CliFailure("the shards hold " + byIndex.size() + " of the study's " + expected
          + " runs" + (missing.isEmpty() ? "" : "; missing runs " + missing.subList(0,
              Math.min(10, missing.size())) + (missing.size() > 10 ? "..." : "")));
    }
    return new ArrayList<>(byIndex.values());
  }
}

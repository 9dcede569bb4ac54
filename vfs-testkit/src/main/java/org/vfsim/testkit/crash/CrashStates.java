package org.vfsim.testkit.crash;

import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.vfsim.block.IoRequest;
import org.vfsim.block.LoggedRequest;

/**
 * The states a power cut can leave on the media, built from a request log as CrashMonkey and
 * dm-log-writes replay do. A crash point is a log position: just before each flush barrier (a
 * flush or a PREFLUSH write), just before each FUA write, and the end of the log. At a point,
 * every write before the last barrier issued before it is durable (the barrier drained the
 * cache); of the writes since, a completed FUA write is durable, and any subset of the others
 * may have reached media (a drive destages its cache in any order). A request is kept or lost
 * whole. When a point has more subsets than the budget, the choice is: none, all, each in-order
 * prefix, each write alone missing, then seeded random subsets.
 */
final class CrashStates {
  private CrashStates() {}

  /** A crash point: log position {@code at}, the last barrier before it, and its epoch. */
  record CrashPoint(int at, int barrier, ImmutableList<Integer> optional,
      ImmutableList<Integer> durable) {}

  /** One state: a crash point and the optional writes of its epoch that reached media. */
  record State(CrashPoint point, BitSet kept) {
    /** The log positions of the epoch's writes this state kept. */
    List<Integer> keptIndexes() {
      List<Integer> out = new ArrayList<>();
      kept.stream().forEach(i -> out.add(point.optional().get(i)));
      return out;
    }
  }

  static boolean isWrite(LoggedRequest r) {
    return r.op() == IoRequest.Op.WRITE || r.op() == IoRequest.Op.DISCARD;
  }

  /** The crash points of {@code log}, in log order. */
  static List<CrashPoint> points(List<LoggedRequest> log) {
    TreeSet<Integer> at = new TreeSet<>();
    for (int i = 0; i < log.size(); i++) {
      LoggedRequest r = log.get(i);
      if (r.isFlushBarrier() || (r.op() == IoRequest.Op.WRITE && r.fua())) {
        at.add(i);
      }
    }
    at.add(log.size());
    List<CrashPoint> out = new ArrayList<>();
    int barrier = -1;
    int scanned = 0;
    for (int p : at) {
      for (; scanned < p; scanned++) {
        if (log.get(scanned).isFlushBarrier()) {
          barrier = scanned;
        }
      }
      List<Integer> optional = new ArrayList<>();
      List<Integer> durable = new ArrayList<>();
      for (int i = Math.max(barrier, 0); i < p; i++) {
        LoggedRequest r = log.get(i);
        if (!isWrite(r)) {
          continue;
        }
        if (r.fua() && r.op() == IoRequest.Op.WRITE) {
          durable.add(i);
        } else {
          optional.add(i);
        }
      }
      out.add(new CrashPoint(p, barrier, ImmutableList.copyOf(optional),
          ImmutableList.copyOf(durable)));
    }
    return out;
  }

  /** At most {@code budget} subsets of {@code k} optional writes (see the class comment). */
  static List<BitSet> subsets(int k, int budget, Random rnd) {
    Set<BitSet> out = new LinkedHashSet<>();
    if (k < 31 && (1L << k) <= budget) {
      for (long mask = 0; mask < (1L << k); mask++) {
        out.add(BitSet.valueOf(new long[] {mask}));
      }
      return new ArrayList<>(out);
    }
    for (int n = k; n >= 0 && out.size() < budget; n--) {
      BitSet prefix = new BitSet();
      prefix.set(0, n);
      out.add(prefix);
    }
    for (int i = 0; i < k && out.size() < budget; i++) {
      BitSet allBut = new BitSet();
      allBut.set(0, k);
      allBut.clear(i);
      out.add(allBut);
    }
    for (int tries = 0; out.size() < budget && tries < budget * 4; tries++) {
      BitSet s = new BitSet();
      for (int i = 0; i < k; i++) {
        if (rnd.nextBoolean()) {
          s.set(i);
        }
      }
      out.add(s);
    }
    return new ArrayList<>(out);
  }

  /** The media before the epoch of {@code p}: base plus every write before its barrier. */
  static TreeMap<Long, byte[]> durablePrefix(Map<Long, byte[]> base, List<LoggedRequest> log,
      CrashPoint p, int blockSize) {
    TreeMap<Long, byte[]> media = new TreeMap<>(base);
    for (int i = 0; i < p.barrier(); i++) {
      apply(media, log.get(i), blockSize);
    }
    return media;
  }

  /** The media of one state, given the durable prefix of its crash point. */
  static TreeMap<Long, byte[]> content(TreeMap<Long, byte[]> prefix, List<LoggedRequest> log,
      State s, int blockSize) {
    TreeMap<Long, byte[]> media = new TreeMap<>(prefix);
    CrashPoint p = s.point();
    Set<Integer> keep = new TreeSet<>(p.durable());
    keep.addAll(s.keptIndexes());
    for (int i : keep) {
      apply(media, log.get(i), blockSize);
    }
    return media;
  }

  static void apply(Map<Long, byte[]> media, LoggedRequest r, int blockSize) {
    if (r.op() == IoRequest.Op.DISCARD) {
      for (long b = r.block(); b < r.block() + r.nblocks(); b++) {
        media.remove(b);
      }
    } else if (r.op() == IoRequest.Op.WRITE) {
      for (int i = 0; i < r.nblocks(); i++) {
        if (r.data() == null) {
          media.remove(r.block() + i); // a dataless device's data: zeros
          continue;
        }
        byte[] block = Arrays.copyOfRange(r.data(), i * blockSize, (i + 1) * blockSize);
        media.put(r.block() + i, block);
      }
    }
  }
}

package org.vfsim.xfsish;

import java.util.Map;
import java.util.TreeSet;

/** Deliberately broken filesystem states, to show that fsck and the space check catch them. */
final class Corruptions {
  private Corruptions() {}

  /** Moves one cntbt entry to the wrong length: the two free-space indexes disagree. */
  static void cntbt(AllocGroup ag) {
    Map.Entry<Long, TreeSet<Long>> e = ag.cnt.firstEntry();
    long s = e.getValue().first();
    e.getValue().remove(s);
    if (e.getValue().isEmpty()) {
      ag.cnt.remove(e.getKey());
    }
    ag.cnt.computeIfAbsent(e.getKey() + 1, k -> new TreeSet<>()).add(s);
  }

  static void apply(XfsSuperBlock sb, String what) {
    synchronized (sb) {
      switch (what) {
        case "cntbt" -> cntbt(sb.ag(0));
        case "fdblocks" -> sb.incFdblocks(1); // a leaked reservation, in reverse
        case "double-free" -> {
          for (XfsInode ip : sb.allInodes()) {
            for (ExtentMap.Irec e : ip.extents().all()) {
              if (e.isReal()) {
                sb.ag(sb.agOf(e.start())).free(e.start(), 1); // free a mapped block
                return;
              }
            }
          }
          throw new IllegalStateException("no mapped block to free");
        }
        case "leak" -> {
          // A block taken from free space that nothing owns: the space check finds it.
          AllocGroup ag = sb.ag(0);
          long s = ag.bno.firstKey();
          ag.take(s, 1);
          sb.decFdblocks(1);
          sb.cil.dirtyAgf(0);
        }
        case "inobt" -> {
          // The in-core free-inode mask changes behind the log's back: disk and core differ.
          sb.ag(0).chunks.firstEntry().getValue()[1] ^= 1L << 63;
        }
        default -> throw new IllegalArgumentException(what);
      }
    }
  }
}

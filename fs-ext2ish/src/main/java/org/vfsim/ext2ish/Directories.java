package org.vfsim.ext2ish;

import java.util.ArrayList;
import java.util.List;

/** The entries of a directory block as ext2 lays them out: "." and ".." first in block 0. */
final class Directories {
  private Directories() {}

  static List<DirBlockCodec.Entry> entriesOf(InodeRecord dir, int index) {
    List<DirBlockCodec.Entry> out = new ArrayList<>();
    if (index == 0) {
      out.add(new DirBlockCodec.Entry(".", dir.ino, DirBlockCodec.FT_DIR));
      out.add(new DirBlockCodec.Entry("..", dir.parent, DirBlockCodec.FT_DIR));
    }
    if (index < dir.blockNames.size()) {
      for (String name : dir.blockNames.get(index)) {
        InodeRecord.DirSlot slot = dir.entries.get(name);
        out.add(new DirBlockCodec.Entry(name, slot.ino(),
            slot.dir() ? DirBlockCodec.FT_DIR : DirBlockCodec.FT_REG_FILE));
      }
    }
    return out;
  }
}

package org.vfsim.cli;

import com.google.common.collect.ImmutableMap;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.block.IoKind;
import org.vfsim.fs.AddressSpaceOperations;
import org.vfsim.fs.Capability;
import org.vfsim.fs.DirEntry;
import org.vfsim.fs.FiemapExtent;
import org.vfsim.fs.FileSystemType;
import org.vfsim.fs.FileType;
import org.vfsim.fs.Inode;
import org.vfsim.fs.Kiocb;
import org.vfsim.fs.MountContext;
import org.vfsim.fs.MountOptions;
import org.vfsim.fs.OptionSpec;
import org.vfsim.fs.StatFs;
import org.vfsim.fs.SuperBlock;
import org.vfsim.kernel.Task;
import org.vfsim.pagecache.Folio;
import org.vfsim.pagecache.Mapping;
import org.vfsim.pagecache.WritebackControl;
import org.vfsim.syscall.Errno;

/**
 * A test-only block filesystem with a deliberately simple allocator, so the command line's
 * device-backed paths (--image, compare's layout metrics) can be tested before the real plugins
 * land, with layouts whose metrics are known by construction: {@code policy=goal} allocates each
 * block right after the file's previous block when free (contiguous files), {@code policy=cursor}
 * takes every block from one shared cursor at writeback (files appended in turns interleave, as
 * btrfs's COW allocator does). Registered through ServiceLoader in test resources.
 */
public final class ToyFsType implements FileSystemType {
  static final long MAGIC = 0x70796f74L;

  @Override
  public String name() {
    return "toyfs";
  }

  @Override
  public String description() {
    return "test-only block filesystem with a goal or shared-cursor allocator";
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.BLOCK_DEVICE, Capability.DIRECTORIES);
  }

  @Override
  public List<OptionSpec> mkfsOptions() {
    return List.of(OptionSpec.flag("spare", "changes nothing (for tests of option handling)"));
  }

  @Override
  public List<OptionSpec> mountOptions() {
    return List.of(OptionSpec.choice("policy", "goal", "allocator", "goal", "cursor"),
        OptionSpec.flag("leak", "deliberately broken: every allocation also leaks a block"),
        OptionSpec.flag("noroot", "deliberately broken: the root inode is lost, as in a crafted"
            + " image"),
        OptionSpec.flag("oom", "deliberately broken: mount runs out of memory, as a mkfs that"
            + " grows with the device does on a huge one"));
  }

  @Override
  public void mkfs(Machine machine, BlockDevice device, MountOptions options) {
    Image img = new Image();
    Node root = new Node();
    root.dir = true;
    root.nlink = 2;
    img.nodes.put(1L, root);
    img.nextIno = 2;
    img.writeTo(device);
  }

  @Override
  public SuperBlock mount(MountContext ctx) {
    if (ctx.options().flag("oom")) {
      throw new OutOfMemoryError("Java heap space");
    }
    return new ToySb(ctx, Image.readFrom(ctx.device()));
  }

  /** Blocks at the end of the device that hold the metadata image; data never goes there. */
  static long metaBlocks(BlockDevice dev) {
    return Math.max(16, dev.blocks() / 64);
  }

  /** Blocks data may use: the device less the metadata area. */
  static long dataBlocks(BlockDevice dev) {
    return dev.blocks() - metaBlocks(dev);
  }

  /**
   * The durable metadata image, kept in the last {@link #metaBlocks} blocks: a header (magic,
   * payload length, CRC32C of the payload; u32 each, big-endian) and the payload after it.
   */
  static final class Image {
    final Map<Long, Node> nodes = new HashMap<>();
    final BitSet used = new BitSet();
    long nextIno;
    long cursor;

    void writeTo(BlockDevice dev) {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
        out.writeLong(nextIno);
        out.writeLong(cursor);
        long[] bits = used.toLongArray();
        out.writeInt(bits.length);
        for (long l : bits) {
          out.writeLong(l);
        }
        out.writeInt(nodes.size());
        for (Map.Entry<Long, Node> e : nodes.entrySet()) {
          Node n = e.getValue();
          out.writeLong(e.getKey());
          out.writeBoolean(n.dir);
          out.writeLong(n.size);
          out.writeInt(n.nlink);
          out.writeInt(n.blocks.size());
          for (Map.Entry<Long, Long> b : n.blocks.entrySet()) {
            out.writeLong(b.getKey());
            out.writeLong(b.getValue());
          }
          out.writeInt(n.entries.size());
          for (Map.Entry<String, Long> d : n.entries.entrySet()) {
            out.writeUTF(d.getKey());
            out.writeLong(d.getValue());
          }
        }
      } catch (java.io.IOException e) {
        throw new AssertionError(e);
      }
      byte[] payload = bytes.toByteArray();
      int bs = dev.blockSize();
      long room = metaBlocks(dev) * bs - 12L;
      if (payload.length > room) {
        throw Errno.ENOSPC.exception("toyfs metadata area full");
      }
      int n = (int) ((12L + payload.length + bs - 1) / bs);
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(n * bs);
      java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
      crc.update(payload);
      buf.putInt((int) MAGIC).putInt(payload.length).putInt((int) crc.getValue()).put(payload);
      dev.write(dataBlocks(dev), buf.array(), 0, n, IoKind.METADATA,
          org.vfsim.block.RequestFlag.FUA);
    }

    static Image readFrom(BlockDevice dev) {
      int bs = dev.blockSize();
      long at = dataBlocks(dev);
      byte[] head = new byte[bs];
      dev.read(at, head, 0, 1, IoKind.METADATA);
      java.nio.ByteBuffer h = java.nio.ByteBuffer.wrap(head);
      if (h.getInt() != (int) MAGIC) {
        throw Errno.EUCLEAN.exception("no toyfs on " + dev);
      }
      int len = h.getInt();
      int crcWanted = h.getInt();
      if (len < 0 || len > metaBlocks(dev) * bs - 12L) {
        throw Errno.EUCLEAN.exception("toyfs: metadata length " + len + " out of range");
      }
      int n = (int) ((12L + len + bs - 1) / bs);
      byte[] all = new byte[n * bs];
      dev.read(at, all, 0, n, IoKind.METADATA);
      java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
      crc.update(all, 12, len);
      if ((int) crc.getValue() != crcWanted) {
        throw Errno.EUCLEAN.exception("toyfs: metadata checksum mismatch");
      }
      Image img = new Image();
      try (java.io.DataInputStream in = new java.io.DataInputStream(
          new java.io.ByteArrayInputStream(all, 12, len))) {
        img.nextIno = in.readLong();
        img.cursor = in.readLong();
        int words = in.readInt();
        if (words < 0 || words > len / 8) {
          throw Errno.EUCLEAN.exception("toyfs: bitmap size " + words);
        }
        long[] bits = new long[words];
        for (int i = 0; i < words; i++) {
          bits[i] = in.readLong();
        }
        img.used.or(BitSet.valueOf(bits));
        int count = in.readInt();
        for (int i = 0; i < count; i++) {
          long ino = in.readLong();
          Node node = new Node();
          node.dir = in.readBoolean();
          node.size = in.readLong();
          node.nlink = in.readInt();
          int nb = in.readInt();
          for (int j = 0; j < nb; j++) {
            long idx = in.readLong();
            long phys = in.readLong();
            if (phys < 1 || phys >= dataBlocks(dev)) {
              throw Errno.EUCLEAN.exception("toyfs: block " + phys + " outside the device");
            }
            node.blocks.put(idx, phys);
          }
          int ne = in.readInt();
          for (int j = 0; j < ne; j++) {
            node.entries.put(in.readUTF(), in.readLong());
          }
          img.nodes.put(ino, node);
        }
      } catch (java.io.IOException e) {
        throw Errno.EUCLEAN.exception("toyfs: metadata truncated");
      }
      if (img.nodes.get(1L) == null || !img.nodes.get(1L).dir) {
        throw Errno.EUCLEAN.exception("toyfs: no root directory");
      }
      for (Node node : img.nodes.values()) {
        for (long child : node.entries.values()) {
          if (!img.nodes.containsKey(child)) {
            throw Errno.EUCLEAN.exception("toyfs: entry names missing inode " + child);
          }
        }
      }
      return img;
    }
  }

  /** One inode in the image. */
  static final class Node {
    boolean dir;
    long size;
    int nlink;
    final TreeMap<Long, Long> blocks = new TreeMap<>();
    final TreeMap<String, Long> entries = new TreeMap<>();
  }

  static final class ToySb extends SuperBlock {
    final boolean cursorPolicy;
    final boolean leak;
    final boolean noRoot;
    final BitSet used;
    final Map<Long, ToyInode> inodes = new HashMap<>();
    long nextIno;
    long cursor;
    long allocations;
    long goalHits;

    ToySb(MountContext ctx, Image img) {
      super(ctx);
      this.cursorPolicy = ctx.options().text("policy").equals("cursor");
      this.leak = ctx.options().flag("leak");
      this.noRoot = ctx.options().flag("noroot");
      this.used = (BitSet) img.used.clone();
      this.nextIno = img.nextIno;
      this.cursor = img.cursor;
      img.nodes.forEach((ino, n) -> {
        ToyInode i = new ToyInode(this, ino, n.dir ? FileType.DIRECTORY : FileType.REGULAR);
        i.setSize(n.size);
        i.setNlink(n.nlink);
        i.blocks.putAll(n.blocks);
        inodes.put(ino, i);
      });
      img.nodes.forEach((ino, n) -> n.entries.forEach((name, child) ->
          inodes.get(ino).entries.put(name, inodes.get(child))));
    }

    synchronized void store() {
      Image img = new Image();
      img.used.or(used);
      img.nextIno = nextIno;
      img.cursor = cursor;
      inodes.forEach((ino, i) -> {
        if (i.nlink() == 0) {
          return;
        }
        Node n = new Node();
        n.dir = i.isDirectory();
        n.size = i.size();
        n.nlink = i.nlink();
        n.blocks.putAll(i.blocks);
        i.entries.forEach((name, c) -> n.entries.put(name, c.ino()));
        img.nodes.put(ino, n);
      });
      img.writeTo(device());
    }

    /** One block for logical block {@code index} of {@code inode}, by the mount's policy. */
    synchronized long allocate(ToyInode inode, long index) {
      allocations++;
      long blocks = dataBlocks(device());
      long goal = -1;
      if (!cursorPolicy) {
        Map.Entry<Long, Long> before = inode.blocks.floorEntry(index - 1);
        if (before != null) {
          goal = before.getValue() + (index - before.getKey());
        }
      }
      long start = goal >= 1 && goal < blocks && !used.get((int) goal) ? goal : -1;
      if (start >= 0) {
        goalHits++;
      } else {
        long from = cursorPolicy ? Math.max(1, cursor) : 1 + (inode.ino() * 997) % (blocks - 1);
        int found = used.nextClearBit((int) from);
        if (found >= blocks) {
          found = used.nextClearBit(1);
        }
        if (found >= blocks) {
          throw Errno.ENOSPC.exception("toyfs full");
        }
        start = found;
      }
      used.set((int) start);
      cursor = start + 1;
      if (leak) {
        int lost = used.nextClearBit((int) cursor);
        if (lost < blocks) {
          used.set(lost);
        }
      }
      return start;
    }

    synchronized void free(long block) {
      used.clear((int) block);
    }

    @Override
    public Inode root() {
      return noRoot ? null : inodes.get(1L);
    }

    synchronized long newIno() {
      return nextIno++;
    }

    @Override
    public synchronized StatFs statfs() {
      long total = dataBlocks(device()) - 1;
      long free = total - used.cardinality();
      return new StatFs(MAGIC, blockSize(), total, free, free, 1 << 20,
          (1 << 20) - inodes.size(), 255);
    }

    @Override
    public void syncFs(Task task) {
      store();
      device().flush();
    }

    @Override
    public void unmount(Task task) {
      store();
      device().flush();
    }

    @Override
    public synchronized ImmutableMap<String, Long> counters() {
      return ImmutableMap.of("allocations", allocations, "goal_hits", goalHits);
    }

    @Override
    public synchronized List<long[]> freeSpaceExtents() {
      List<long[]> out = new ArrayList<>();
      long blocks = dataBlocks(device());
      int at = used.nextClearBit(1);
      while (at < blocks) {
        int end = (int) Math.min(blocks, used.nextSetBit(at) < 0 ? blocks : used.nextSetBit(at));
        out.add(new long[] {at, end - at});
        if (end >= blocks) {
          break;
        }
        at = used.nextClearBit(end);
      }
      return out;
    }

    @Override
    public synchronized org.vfsim.fs.FsckReport fsck() {
      long mapped = 0;
      for (ToyInode i : inodes.values()) {
        synchronized (i) {
          mapped += i.blocks.size();
        }
      }
      return new org.vfsim.fs.FsckReport.Builder().check(mapped == used.cardinality(),
          "toyfs: %d blocks marked used but %d mapped by files", used.cardinality(), mapped)
          .build();
    }

    @Override
    public synchronized long allocatedDataBytes() {
      return (long) used.cardinality() * blockSize();
    }
  }

  static final class ToyInode extends Inode {
    final ToySb tsb;
    final TreeMap<Long, Long> blocks = new TreeMap<>();
    final TreeMap<String, ToyInode> entries = new TreeMap<>();

    ToyInode(ToySb sb, long ino, FileType type) {
      super(sb, ino, type, type == FileType.DIRECTORY ? 0755 : 0644);
      this.tsb = sb;
    }

    @Override
    protected AddressSpaceOperations aops() {
      return new ToyAops(this);
    }

    @Override
    public synchronized long blocks512() {
      return blocks.size() * (long) (tsb.blockSize() / 512);
    }

    @Override
    public synchronized @Nullable Inode lookup(String name) {
      return entries.get(name);
    }

    private ToyInode add(String name, FileType type) {
      ToyInode child = new ToyInode(tsb, tsb.newIno(), type);
      synchronized (tsb) {
        tsb.inodes.put(child.ino(), child);
      }
      synchronized (this) {
        entries.put(name, child);
      }
      if (type == FileType.DIRECTORY) {
        setNlink(nlink() + 1);
      }
      return child;
    }

    @Override
    public Inode create(Task task, String name, int mode) {
      return add(name, FileType.REGULAR);
    }

    @Override
    public Inode mkdir(Task task, String name, int mode) {
      return add(name, FileType.DIRECTORY);
    }

    @Override
    public void unlink(Task task, String name) {
      ToyInode child;
      synchronized (this) {
        child = entries.remove(name);
      }
      if (child == null) {
        throw Errno.ENOENT.exception(name);
      }
      child.setNlink(child.nlink() - 1);
    }

    @Override
    public void rmdir(Task task, String name) {
      synchronized (this) {
        if (entries.remove(name) == null) {
          throw Errno.ENOENT.exception(name);
        }
      }
      setNlink(nlink() - 1);
    }

    @Override
    public synchronized List<DirEntry> readdir() {
      List<DirEntry> out = new ArrayList<>();
      entries.forEach((n, i) -> out.add(new DirEntry(n, i.ino(), i.type())));
      return out;
    }

    @Override
    public void setattrSize(Task task, long newSize) {
      truncateSetsize(task, newSize);
      long firstGone = (newSize + tsb.blockSize() - 1) / tsb.blockSize();
      synchronized (this) {
        for (long b : blocks.tailMap(firstGone).values()) {
          tsb.free(b);
        }
        blocks.tailMap(firstGone).clear();
      }
    }

    @Override
    public void evict(Task task) {
      synchronized (this) {
        blocks.values().forEach(tsb::free);
        blocks.clear();
      }
      synchronized (tsb) {
        tsb.inodes.remove(ino());
      }
    }

    @Override
    public void fsync(Task task, long start, long end, boolean datasync) {
      tsb.store();
      tsb.device().flush();
    }

    @Override
    public synchronized List<FiemapExtent> fiemap(Task task, long start, long len) {
      int bs = tsb.blockSize();
      List<long[]> runs = new ArrayList<>();
      for (Map.Entry<Long, Long> e : blocks.entrySet()) {
        long[] last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
        if (last != null && last[0] + last[2] == e.getKey() && last[1] + last[2] == e.getValue()) {
          last[2]++;
        } else {
          runs.add(new long[] {e.getKey(), e.getValue(), 1});
        }
      }
      List<FiemapExtent> out = new ArrayList<>();
      for (int i = 0; i < runs.size(); i++) {
        long[] r = runs.get(i);
        long lo = r[0] * bs;
        long hi = lo + r[2] * bs;
        if (hi <= start || lo >= start + len) {
          continue;
        }
        out.add(new FiemapExtent(lo, r[1] * bs, r[2] * bs,
            i == runs.size() - 1 ? FiemapExtent.LAST : 0));
      }
      return out;
    }
  }

  /** Blocks are allocated at writeback, one folio at a time. */
  static final class ToyAops implements AddressSpaceOperations {
    final ToyInode inode;

    ToyAops(ToyInode inode) {
      this.inode = inode;
    }

    @Override
    public Folio writeBegin(Kiocb iocb, Mapping mapping, long pos, int len) {
      Folio f = mapping.cache().grabFolio(iocb.task(), mapping, pos >>> Folio.SHIFT);
      if (!f.isUptodate() && len != Folio.SIZE) {
        readFolio(iocb.task(), f);
      }
      return f;
    }

    @Override
    public int writeEnd(Kiocb iocb, Mapping mapping, long pos, int len, int copied, Folio folio) {
      if (copied < len && !folio.isUptodate()) {
        copied = 0;
      }
      if (copied > 0) {
        folio.markUptodate();
        folio.markDirty();
        if (pos + copied > inode.size()) {
          inode.setSize(pos + copied);
        }
      }
      folio.unlock(iocb.task());
      return copied;
    }

    @Override
    public void readFolio(Task task, Folio folio) {
      Long phys;
      synchronized (inode) {
        phys = inode.blocks.get(folio.index());
      }
      if (phys == null) {
        folio.zero(0, Folio.SIZE);
      } else {
        inode.tsb.device().read(phys, folio.data(), 0, 1, IoKind.DATA);
      }
      folio.markUptodate();
    }

    @Override
    public void writepages(Task task, Mapping mapping, WritebackControl wbc) {
      mapping.writeCachePages(task, wbc, (folio, w) -> {
        long phys;
        synchronized (inode) {
          Long have = inode.blocks.get(folio.index());
          phys = have != null ? have : inode.tsb.allocate(inode, folio.index());
          inode.blocks.put(folio.index(), phys);
        }
        inode.tsb.device().write(phys, folio.data(), 0, 1, IoKind.DATA, false);
        folio.unlock(task);
        folio.endWriteback();
      });
    }
  }
}

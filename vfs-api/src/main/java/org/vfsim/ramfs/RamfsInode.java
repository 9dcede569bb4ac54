package org.vfsim.ramfs;

import org.vfsim.fs.AddressSpaceOperations;
import org.vfsim.fs.FileType;
import org.vfsim.fs.SimpleInode;
import org.vfsim.kernel.Task;
import org.vfsim.pagecache.Folio;
import org.vfsim.pagecache.Mapping;

/** A ramfs file or directory; a directory's entries are a sorted map. */
class RamfsInode extends SimpleInode<RamfsInode> {
  private final RamfsSuperBlock rsb;

  RamfsInode(RamfsSuperBlock sb, long ino, FileType type, int mode) {
    super(sb, ino, type, mode);
    this.rsb = sb;
  }

  @Override
  protected AddressSpaceOperations aops() {
    return new RamfsAops(rsb);
  }

  @Override
  public long blocks512() {
    return mapping().nrPages() * (Folio.SIZE / 512);
  }

  long countChargedPages() {
    Mapping m = mapping();
    long n = 0;
    for (long i = m.nextCached(0); i >= 0; i = m.nextCached(i + 1)) {
      Folio f = m.lookup(i);
      if (f != null && f.testFsFlag(RamfsAops.PG_CHARGED)) {
        n++;
      }
    }
    return n;
  }

  @Override
  protected RamfsInode newChild(FileType type, int mode) {
    return new RamfsInode(rsb, rsb.nextIno(), type, mode);
  }

  @Override
  protected void fileCreated(RamfsInode child) {
    rsb.fileCreated(child);
  }

  @Override
  public void evict(Task task) {
    rsb.fileEvicted(this);
  }
}

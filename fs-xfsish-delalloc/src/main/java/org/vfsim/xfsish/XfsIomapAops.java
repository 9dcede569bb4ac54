package org.vfsim.xfsish;

import org.vfsim.fs.Kiocb;
import org.vfsim.fs.PerformWrite;
import org.vfsim.write.IovIter;

/** The default aops: the same page operations plus the iomap-shaped multi-page write. */
final class XfsIomapAops extends XfsAops implements PerformWrite {
  XfsIomapAops(XfsInode ip) {
    super(ip);
  }

  @Override
  public long performWrite(Kiocb iocb, IovIter from, long pos) {
    return IomapWrite.bufferedWrite(iocb, ip, sb, from, pos);
  }
}

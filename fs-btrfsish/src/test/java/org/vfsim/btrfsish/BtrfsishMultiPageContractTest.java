package org.vfsim.btrfsish;

import org.vfsim.testkit.FilesystemContract;
import org.vfsim.testkit.FilesystemUnderTest;

/**
 * The contract suite with max_chunk_pages=16: perform_write reserves and copies up to 16 pages
 * per iteration (the 2010 multi-page loop), so short copies land mid-chunk.
 */
class BtrfsishMultiPageContractTest extends FilesystemContract {
  @Override
  protected FilesystemUnderTest filesystem() {
    return FilesystemUnderTest.of(new BtrfsishType()).withDeviceBytes(64L << 20)
        .withMountOptions("max_chunk_pages=16");
  }
}

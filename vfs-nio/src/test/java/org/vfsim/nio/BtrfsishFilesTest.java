package org.vfsim.nio;

/** The {@code Files} conformance suite on btrfsish. */
class BtrfsishFilesTest extends VfsimFilesConformance {
  @Override
  Config config() {
    return Config.forPlugin("btrfsish").deviceBytes(16L << 20);
  }
}

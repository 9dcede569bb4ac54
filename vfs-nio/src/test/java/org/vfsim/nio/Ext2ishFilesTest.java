package org.vfsim.nio;

/** The {@code Files} conformance suite on ext2ish. */
class Ext2ishFilesTest extends VfsimFilesConformance {
  @Override
  Config config() {
    return Config.forPlugin("ext2ish").deviceBytes(16L << 20);
  }
}

package org.vfsim.nio;

/** The {@code Files} conformance suite on btrfsish. */
class BtrfsishFilesTest extends FilesConformance {
  @Override
  Config config() {
    return Config.forPlugin("btrfsish").deviceBytes(16L << 20);
  }
}

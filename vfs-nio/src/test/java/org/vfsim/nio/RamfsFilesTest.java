package org.vfsim.nio;

/** The {@code Files} conformance suite on ramfs. */
class RamfsFilesTest extends VfsimFilesConformance {
  @Override
  Config config() {
    return Config.forPlugin("ramfs").deviceBytes(16L << 20);
  }
}

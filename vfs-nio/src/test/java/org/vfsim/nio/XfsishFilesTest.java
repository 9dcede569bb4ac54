package org.vfsim.nio;

/** The {@code Files} conformance suite on xfsish. */
class XfsishFilesTest extends VfsimFilesConformance {
  @Override
  Config config() {
    return Config.forPlugin("xfsish").deviceBytes(16L << 20);
  }
}

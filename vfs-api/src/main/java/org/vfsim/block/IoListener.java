package org.vfsim.block;

/** Observes every request a device serves (cost models, traces). */
@FunctionalInterface
public interface IoListener {
  void onRequest(IoRequest request, int blockSize);
}

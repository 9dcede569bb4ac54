package org.vfsim.cli;

/**
 * xfs_io's flush commands (xfsprogs {@code io/fsync.c} and {@code io/sync.c}): {@code fsync} and
 * {@code fdatasync} of the current file, {@code sync} of every filesystem.
 */
final class XfsIoFsync {
  private XfsIoFsync() {}

  static void register(XfsIoShell sh) {
    sh.add("fsync", 0, 0, false, false, "", "fsync -- calls fsync(2) to flush all in-core file"
        + " state to disk", argv -> sh.syncCall("fsync", () -> sh.sys().fsync(sh.files.fd())));
    sh.add("fdatasync", 0, 0, false, false, "", "fdatasync -- calls fdatasync(2) to flush the"
        + " files in-core data to disk",
        argv -> sh.syncCall("fdatasync", () -> sh.sys().fdatasync(sh.files.fd())));
    sh.add("sync", 0, 0, true, true, "", "sync -- calls sync(2) to flush all in-core filesystem"
        + " state to disk", argv -> sh.syncCall("sync", () -> sh.sys().sync()));
  }
}

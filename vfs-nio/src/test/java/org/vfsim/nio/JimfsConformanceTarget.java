package org.vfsim.nio;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The conformance suite on Jimfs, which does not behave as Linux does: run only by
 * {@link ConformanceCatchesJimfsTest} (surefire skips it: the name does not end in Test).
 */
class JimfsConformanceTarget extends FilesConformance {
  private final FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix().toBuilder()
      .setAttributeViews("basic", "owner", "posix", "unix").build());

  @Override
  Path root() {
    Path work = jimfs.getPath("/work");
    try {
      return Files.createDirectories(work);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package org.vfsim.nio;

import static com.google.common.base.Preconditions.checkState;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5: a fresh vfsim filesystem for every test, closed after it, and a power switch.
 * <pre>{@code
 * @RegisterExtension final VfsimExtension vfsim = VfsimExtension.of(Config.forPlugin("xfsish"));
 * @Test void survives(FileSystem fs) { ...; FileSystem after = vfsim.powerCycle(); ... }
 * }</pre>
 * Test methods may also take {@link FileSystem}, {@link Faults} or this extension as parameters.
 * JUnit is an optional dependency of vfs-nio: a test class path has it, a program's does not.
 */
public final class VfsimExtension implements BeforeEachCallback, AfterEachCallback,
    ParameterResolver {
  private final Config config;
  private FileSystem fs;

  private VfsimExtension(Config config) {
    this.config = config;
  }

  public static VfsimExtension of(Config config) {
    return new VfsimExtension(config);
  }

  public static VfsimExtension forPlugin(String plugin) {
    return new VfsimExtension(Config.forPlugin(plugin));
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    // The config carries the seed; printing it makes a failing run replayable.
    System.out.println("vfsim: " + context.getDisplayName() + " on " + config);
    fs = VfsimFileSystems.newFileSystem(config);
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    if (fs != null) {
      fs.close();
      fs = null;
    }
  }

  /** The filesystem of the running test (a new one after each {@link #powerCycle}). */
  public FileSystem fileSystem() {
    checkState(fs != null, "no test is running");
    return fs;
  }

  /** {@code fileSystem().getPath(first, more)}. */
  public Path path(String first, String... more) {
    return fileSystem().getPath(first, more);
  }

  public Faults faults() {
    return VfsimFileSystems.faults(fileSystem());
  }

  /** Cuts the power, reboots, and makes the rebooted filesystem the test's. */
  public FileSystem powerCycle() {
    try {
      fs = VfsimFileSystems.powerCycle(fileSystem());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return fs;
  }

  /** As {@link #powerCycle}, keeping a seeded random subset of the unflushed writes. */
  public FileSystem powerCycleKeepingRandomWrites() {
    try {
      faults().powerCutKeepingRandomWrites();
      fs = VfsimFileSystems.reboot(fs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return fs;
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    Class<?> t = p.getParameter().getType();
    return t == FileSystem.class || t == Faults.class || t == VfsimExtension.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    Class<?> t = p.getParameter().getType();
    return t == FileSystem.class ? fileSystem() : t == Faults.class ? faults() : this;
  }
}

package org.vfsim.fuse;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.vfsim.Configuration;
import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.btrfsish.BtrfsishType;
import org.vfsim.ext2ish.Ext2ishType;
import org.vfsim.fs.FileSystemType;
import org.vfsim.xfsish.XfsishType;

/**
 * A plugin made on a fresh simulated device and served through FUSE at a temporary directory;
 * {@link #close} always unmounts (falling back to {@code umount -l}) so no test leaves a mount.
 */
final class MountedPlugin implements AutoCloseable {
  static final String SIM_ROOT = "/mnt";

  final Machine machine;
  final Path dir;
  FuseMount mount;

  private MountedPlugin(Machine machine, Path dir, FuseMount mount) {
    this.machine = machine;
    this.dir = dir;
    this.mount = mount;
  }

  static FileSystemType type(String name) {
    return switch (name) {
      case "ext2ish" -> new Ext2ishType();
      case "xfsish" -> new XfsishType();
      case "btrfsish" -> new BtrfsishType();
      default -> throw new IllegalArgumentException(name);
    };
  }

  /** Skips the calling test, with the reason, where FUSE cannot work. */
  static void assumeFuse() {
    assumeTrue(Files.exists(Path.of("/dev/fuse")), "no /dev/fuse here: FUSE tests skipped");
    Path probe = null;
    try {
      probe = Files.createTempDirectory("vfsim-fuse-probe");
      FuseMount.check(probe);
    } catch (FuseMountException | IOException e) {
      assumeTrue(false, "FUSE not usable here: " + e.getMessage());
    } finally {
      if (probe != null) {
        probe.toFile().delete();
      }
    }
  }

  static MountedPlugin start(String fs, long deviceBytes, Path parent) throws Exception {
    assumeFuse();
    FileSystemType type = type(fs);
    Machine m = Machine.boot(Configuration.builder().lockdepThrows(false).build());
    BlockDevice dev = m.newDevice(type.name(), deviceBytes, 4096, false);
    m.mkfs(type, dev, "");
    m.mount(type, dev, "", SIM_ROOT);
    Path dir = Files.createDirectories(parent.resolve("mnt-" + fs));
    FuseMount mount = FuseMount.mount(m, SIM_ROOT, dir,
        FuseMount.Options.defaults(fs, System.err));
    return new MountedPlugin(m, dir, mount);
  }

  /** Unmounts from the host and mounts the same simulated machine there again. */
  void remount() throws Exception {
    if (!mount.unmount(30)) {
      throw new IllegalStateException("unmount of " + dir + " did not finish");
    }
    mount = FuseMount.mount(machine, SIM_ROOT, dir, FuseMount.Options.defaults("remount",
        System.err));
  }

  /** Writes to a control file, as a shell's {@code echo 1 > .vfsim/NAME} does. */
  void control(String name) throws IOException {
    Files.writeString(dir.resolve(".vfsim").resolve(name), "1\n");
  }

  String read(String control) throws IOException {
    return Files.readString(dir.resolve(".vfsim").resolve(control));
  }

  @Override
  public void close() throws Exception {
    if (!mount.unmount(30)) {
      new ProcessBuilder("umount", "-l", dir.toString()).inheritIO().start()
          .waitFor(30, TimeUnit.SECONDS);
      mount.awaitUnmount(30, TimeUnit.SECONDS);
    }
  }
}

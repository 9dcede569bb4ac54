package org.vfsim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vfsim.block.BlockDevice;
import org.vfsim.fs.Capability;
import org.vfsim.fs.FileSystemType;
import org.vfsim.fs.MountContext;
import org.vfsim.fs.MountOptions;
import org.vfsim.fs.OptionSpec;
import org.vfsim.fs.SuperBlock;
import org.vfsim.ramfs.RamfsType;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;
import org.vfsim.syscall.Syscalls;

class FilesystemFixtureTest {
  /** ramfs that claims a device, to exercise the device half of the fixture. */
  private static final class DeviceRamfs implements FileSystemType {
    private final RamfsType ramfs = new RamfsType();
    int mkfsCalls;

    @Override
    public String name() {
      return "devramfs";
    }

    @Override
    public String description() {
      return "ramfs on a device (test)";
    }

    @Override
    public Set<Capability> capabilities() {
      return EnumSet.of(Capability.BLOCK_DEVICE, Capability.DIRECTORIES);
    }

    @Override
    public List<OptionSpec> mkfsOptions() {
      return List.of();
    }

    @Override
    public List<OptionSpec> mountOptions() {
      return ramfs.mountOptions();
    }

    @Override
    public void mkfs(Machine machine, BlockDevice device, MountOptions options) {
      mkfsCalls++;
    }

    @Override
    public SuperBlock mount(MountContext ctx) {
      return ramfs.mount(ctx);
    }
  }

  @Test
  void bootsMakesAndMountsInOneExpression() {
    DeviceRamfs type = new DeviceRamfs();
    FilesystemFixture fx = FilesystemFixture.of(type).deviceSize(8 << 20).blockSize(1024)
        .mountPoint("/data").build();
    assertEquals(1, type.mkfsCalls);
    assertNotNull(fx.device());
    assertEquals(8192, fx.device().blocks());
    assertEquals(1024, fx.device().blockSize());
    assertEquals("/data/f", fx.path("f"));
    Syscalls sys = fx.sys();
    int fd = sys.open(fx.path("f"), Fcntl.O_CREAT | Fcntl.O_RDWR, 0644);
    sys.pwriteBytes(fd, new byte[] {1, 2, 3}, 0);
    assertArrayEquals(new byte[] {1, 2, 3}, sys.preadBytes(fd, 3, 0));
    assertEquals(fx.sb(), fx.machine().vfs().mounts().stream()
        .filter(m -> m.path().equals("/data")).findFirst().orElseThrow().sb());
  }

  @Test
  void aTypeWithoutADeviceGetsNone() {
    FilesystemFixture fx = FilesystemFixture.of(new RamfsType()).build();
    assertNull(fx.device());
    assertEquals("/mnt", fx.mountPoint());
  }

  @Test
  void aPowerCutStartsANewProcess() {
    FilesystemFixture fx = FilesystemFixture.of(new RamfsType()).build();
    Syscalls before = fx.sys();
    fx.powerCut();
    assertNotSame(before, fx.sys());
    assertNotSame(before.task().process(), fx.process());
  }

  @Test
  void mkfsOfAMountedDeviceIsEbusy() {
    DeviceRamfs type = new DeviceRamfs();
    FilesystemFixture fx = FilesystemFixture.of(type).build();
    ErrnoException e = assertThrows(ErrnoException.class,
        () -> fx.machine().mkfs(type, fx.device(), ""));
    assertEquals(Errno.EBUSY, e.errno());
    assertTrue(e.getMessage().contains("mounted on /mnt"), e.getMessage());
    assertEquals(1, type.mkfsCalls, "the mounted filesystem was left alone");
    fx.machine().syscalls(fx.machine().kernelTask()).umount("/mnt");
    fx.machine().mkfs(type, fx.device(), "");
    assertEquals(2, type.mkfsCalls, "once unmounted, mkfs runs");
  }
}

package org.vfsim.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vfsim.fs.FileSystemType;
import org.vfsim.ramfs.RamfsType;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;

class PluginRegistryTest {
  @Test
  void daggerWiresRamfsAndServiceLoaderFindsTheTestPlugin() {
    PluginRegistry r = ApiComponent.create();
    assertEquals("ramfs", r.get("ramfs").name());
    // Announced by src/test/resources/META-INF/services/org.vfsim.fs.FileSystemType.
    assertEquals("org.vfsim.write.PwfsType", r.get("pwfs").getClass().getName());
    assertTrue(r.all().keySet().containsAll(java.util.List.of("pwfs", "ramfs")));
  }

  @Test
  void unknownNameIsEnodev() {
    ErrnoException e = assertThrows(ErrnoException.class, () -> ApiComponent.create().get("zfs"));
    assertEquals(Errno.ENODEV, e.errno());
  }

  @Test
  void aBuiltInWinsOverADiscoveredPluginOfTheSameName() {
    FileSystemType builtIn = org.mockito.Mockito.mock(FileSystemType.class);
    org.mockito.Mockito.when(builtIn.name()).thenReturn("pwfs");
    PluginRegistry r = new PluginRegistry(Map.of("pwfs", builtIn));
    assertSame(builtIn, r.get("pwfs"));
  }

  @Test
  void aBindingWhoseKeyIsNotTheTypesNameIsRejected() {
    assertThrows(IllegalStateException.class,
        () -> new PluginRegistry(Map.of("ext4", new RamfsType())));
  }
}

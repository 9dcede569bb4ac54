package org.vfsim.testkit.crash;

import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.vfsim.block.BlockDevice;

/**
 * The bridge for plugins that still keep metadata as durable objects beside the device
 * ({@code BlockDevice.storeObject}) instead of in its blocks: such metadata is durable the
 * moment it is stored, so a crash state carries the object table as it was at the crash point.
 * Read reflectively so that this class keeps compiling, and becomes a no-op, once the object
 * table is gone from the block layer.
 */
final class DurableObjects {
  private static final @Nullable Field TABLE = find();

  private DurableObjects() {}

  private static @Nullable Field find() {
    try {
      Field f = BlockDevice.class.getDeclaredField("objects");
      f.setAccessible(true);
      return Map.class.isAssignableFrom(f.getType()) ? f : null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, byte[]> table(BlockDevice d) {
    try {
      return (Map<String, byte[]>) TABLE.get(d);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The device's object table now (stored arrays are replaced, never changed: shallow copy). */
  static Map<String, byte[]> snapshot(BlockDevice d) {
    if (TABLE == null) {
      return Map.of();
    }
    synchronized (d) {
      return new HashMap<>(table(d));
    }
  }

  /** Puts {@code objects} into a crash state's device. */
  static void restore(BlockDevice d, Map<String, byte[]> objects) {
    if (TABLE != null && !objects.isEmpty()) {
      synchronized (d) {
        table(d).putAll(objects);
      }
    }
  }
}

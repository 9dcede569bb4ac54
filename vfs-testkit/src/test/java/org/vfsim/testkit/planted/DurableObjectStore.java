package org.vfsim.testkit.planted;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import org.vfsim.block.BlockDevice;

/**
 * Durable Java objects beside a device, for the planted filesystem's "full" variant only (test
 * code): a store that survives a power cut of the same device object, so that variant can stage
 * its bugs without an on-disk format. Real plugins keep everything in the device's blocks.
 */
final class DurableObjectStore {
  private static final Map<BlockDevice, Map<String, byte[]>> STORE = new WeakHashMap<>();

  private DurableObjectStore() {}

  static synchronized void store(BlockDevice device, String key, Serializable value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    STORE.computeIfAbsent(device, d -> new HashMap<>()).put(key, bytes.toByteArray());
  }

  @SuppressWarnings("unchecked")
  static synchronized <T> T load(BlockDevice device, String key) {
    byte[] bytes = STORE.getOrDefault(device, Map.of()).get(key);
    if (bytes == null) {
      return null;
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return (T) in.readObject();
    } catch (IOException | ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  static synchronized void remove(BlockDevice device, String key) {
    Map<String, byte[]> m = STORE.get(device);
    if (m != null) {
      m.remove(key);
    }
  }
}

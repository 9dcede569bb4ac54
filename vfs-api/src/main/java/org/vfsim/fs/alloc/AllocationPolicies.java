package org.vfsim.fs.alloc;

import com.google.common.collect.ImmutableSortedMap;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.vfsim.syscall.Errno;

/**
 * The allocation policies a {@code policy=NAME} mount option can name: the shipped baselines
 * and every {@link AllocationPolicy} a jar announces through
 * {@code META-INF/services/org.vfsim.fs.alloc.AllocationPolicy} (found with the class loader
 * that loaded the filesystem, so a plugin jar's policies are seen). {@code default} is not
 * listed: it means the filesystem's own allocator.
 */
public final class AllocationPolicies {
  /** The option value that keeps a filesystem's own allocator. */
  public static final String DEFAULT = "default";

  private AllocationPolicies() {}

  /** Every policy visible to {@code loader}, by name; a shipped name wins over a discovered one. */
  public static ImmutableSortedMap<String, AllocationPolicy> all(ClassLoader loader) {
    TreeMap<String, AllocationPolicy> m = new TreeMap<>();
    for (AllocationPolicy p : ServiceLoader.load(AllocationPolicy.class, loader)) {
      m.put(p.name(), p);
    }
    for (AllocationPolicy p : List.of(new FirstFit(), new BestFit(), new NextFit())) {
      m.put(p.name(), p);
    }
    return ImmutableSortedMap.copyOf(m);
  }

  /**
   * Asks {@code policy} to place {@code request} and checks the answer as a filesystem must: a
   * run of free blocks, no shorter than the minimum and no longer than asked. A policy that
   * breaks the rule is a bug in the policy, reported with its name.
   */
  public static java.util.Optional<BlockExtent> choose(AllocationPolicy policy,
      AllocRequest request, FreeSpace free) {
    java.util.Optional<BlockExtent> e = policy.allocate(request, free);
    if (e.isPresent()) {
      BlockExtent x = e.get();
      boolean sized = x.length() >= request.minBlocks() && x.length() <= request.blocks();
      boolean isFree = false;
      for (BlockExtent f : free.fromBlock(x.start())) {
        isFree = f.contains(x);
        break;
      }
      if (!sized || !isFree) {
        throw new IllegalStateException("allocation policy " + policy.name() + " chose " + x
            + " for " + request.blocks() + " (min " + request.minBlocks() + ") blocks: "
            + (sized ? "not free" : "wrong length"));
      }
    }
    return e;
  }

  /**
   * The policy a {@code policy=NAME} mount option of {@code fsType} names, or null for the
   * filesystem's own allocator ({@code default} or no option). Looked up with the thread's context
   * class loader (so a plugin jar's policies are found), else {@code fsType}'s.
   */
  public static @Nullable AllocationPolicy forMountOption(@Nullable String name,
      Class<?> fsType) {
    if (name == null || name.equals(DEFAULT)) {
      return null;
    }
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return get(name, loader != null ? loader : fsType.getClassLoader());
  }

  /** A fresh instance of the policy called {@code name}; EINVAL naming the choices if unknown. */
  public static AllocationPolicy get(String name, ClassLoader loader) {
    ImmutableSortedMap<String, AllocationPolicy> all = all(loader);
    AllocationPolicy p = all.get(name);
    if (p == null) {
      throw Errno.EINVAL.exception("unknown allocation policy '" + name + "'; known: "
          + DEFAULT + ", " + String.join(", ", all.keySet()));
    }
    return p.newInstance();
  }
}

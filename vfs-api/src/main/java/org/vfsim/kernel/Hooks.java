package org.vfsim.kernel;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Test hooks at {@link HookPoint}s. A hook runs on the task that reaches the point; it may
 * block that task (for example on a latch) to let another task act first. Costs one array read
 * per point when nothing is installed.
 */
public final class Hooks {
  @SuppressWarnings("unchecked")
  private volatile Consumer<Task>[] byPoint = new Consumer[HookPoint.values().length];
  private final Map<HookPoint, List<Consumer<Task>>> installed = new EnumMap<>(HookPoint.class);

  /** Runs {@code hook} every time any task reaches {@code point}; returns a handle to remove it. */
  public synchronized Runnable install(HookPoint point, Consumer<Task> hook) {
    installed.computeIfAbsent(point, p -> new ArrayList<>()).add(hook);
    publish(point);
    return () -> remove(point, hook);
  }

  /** Runs {@code hook} the first time {@code task} reaches {@code point}, then removes it. */
  public Runnable once(HookPoint point, Task task, Consumer<Task> hook) {
    boolean[] fired = new boolean[1];
    Runnable[] handle = new Runnable[1];
    handle[0] = install(point, t -> {
      if (t == task && !fired[0]) {
        fired[0] = true;
        handle[0].run();
        hook.accept(t);
      }
    });
    return handle[0];
  }

  private synchronized void remove(HookPoint point, Consumer<Task> hook) {
    List<Consumer<Task>> list = installed.get(point);
    if (list != null && list.remove(hook)) {
      publish(point);
    }
  }

  public synchronized void clear() {
    installed.clear();
    for (HookPoint p : HookPoint.values()) {
      publish(p);
    }
  }

  private void publish(HookPoint point) {
    List<Consumer<Task>> list = List.copyOf(installed.getOrDefault(point, List.of()));
    Consumer<Task>[] copy = byPoint.clone();
    copy[point.ordinal()] = list.isEmpty() ? null : t -> list.forEach(h -> h.accept(t));
    byPoint = copy;
  }

  /** Called by the kernel at {@code point}. */
  public void fire(HookPoint point, Task task) {
    Consumer<Task> h = byPoint[point.ordinal()];
    if (h != null) {
      h.accept(task);
    }
  }
}

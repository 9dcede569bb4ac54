package org.vfsim.plugin;

import dagger.Component;
import javax.inject.Singleton;

/**
 * The registry of vfs-api alone (ramfs and whatever {@code ServiceLoader} finds). The command
 * line builds a larger component that adds the built-in plugin modules.
 */
@Singleton
@Component(modules = RamfsModule.class)
public interface ApiComponent {
  PluginRegistry registry();

  static PluginRegistry create() {
    return DaggerApiComponent.create().registry();
  }
}

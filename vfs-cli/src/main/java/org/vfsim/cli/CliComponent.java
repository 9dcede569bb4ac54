package org.vfsim.cli;

import dagger.Component;
import java.util.Map;
import javax.inject.Singleton;
import org.vfsim.fs.FileSystemType;
import org.vfsim.btrfsish.BtrfsishModule;
import org.vfsim.ext2ish.Ext2ishModule;
import org.vfsim.plugin.PluginRegistry;
import org.vfsim.plugin.RamfsModule;
import org.vfsim.xfsish.XfsishModule;

/** The command line's plugin registry: ramfs, the three built-in policies, ServiceLoader finds. */
@Singleton
@Component(modules = {RamfsModule.class, Ext2ishModule.class, XfsishModule.class,
    BtrfsishModule.class})
interface CliComponent {
  PluginRegistry registry();

  /** The built-in types, for a registry that also looks in plugin jars. */
  Map<String, FileSystemType> builtInTypes();

  static PluginRegistry plugins() {
    return DaggerCliComponent.create().registry();
  }

  /** The built-in types plus those that the plugin jars seen by {@code loader} announce. */
  static PluginRegistry plugins(ClassLoader loader) {
    return new PluginRegistry(DaggerCliComponent.create().builtInTypes(), loader,
        PluginPath.HINT);
  }
}

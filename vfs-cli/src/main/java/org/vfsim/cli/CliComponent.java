package org.vfsim.cli;

import dagger.Component;
import javax.inject.Singleton;
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

  static PluginRegistry plugins() {
    return DaggerCliComponent.create().registry();
  }
}

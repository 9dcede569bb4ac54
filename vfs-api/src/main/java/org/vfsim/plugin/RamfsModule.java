package org.vfsim.plugin;

import dagger.Binds;
import dagger.Module;
import dagger.multibindings.IntoMap;
import dagger.multibindings.StringKey;
import org.vfsim.fs.FileSystemType;
import org.vfsim.ramfs.RamfsType;

/** Contributes the built-in ramfs to the plugin map; each plugin module has one like it. */
@Module
public interface RamfsModule {
  @Binds
  @IntoMap
  @StringKey("ramfs")
  FileSystemType ramfs(RamfsType type);
}

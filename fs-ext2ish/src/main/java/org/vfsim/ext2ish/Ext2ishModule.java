package org.vfsim.ext2ish;

import dagger.Binds;
import dagger.Module;
import dagger.multibindings.IntoMap;
import dagger.multibindings.StringKey;
import org.vfsim.fs.FileSystemType;

/** Contributes ext2ish to the plugin registry. */
@Module
public interface Ext2ishModule {
  @Binds
  @IntoMap
  @StringKey("ext2ish")
  FileSystemType ext2ish(Ext2ishType type);
}

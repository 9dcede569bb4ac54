package org.vfsim.btrfsish;

import dagger.Binds;
import dagger.Module;
import dagger.multibindings.IntoMap;
import dagger.multibindings.StringKey;
import org.vfsim.fs.FileSystemType;

/** Contributes btrfsish to the plugin registry. */
@Module
public interface BtrfsishModule {
  @Binds
  @IntoMap
  @StringKey("btrfsish")
  FileSystemType btrfsish(BtrfsishType type);
}

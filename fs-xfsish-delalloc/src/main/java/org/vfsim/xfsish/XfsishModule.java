package org.vfsim.xfsish;

import dagger.Binds;
import dagger.Module;
import dagger.multibindings.IntoMap;
import dagger.multibindings.StringKey;
import org.vfsim.fs.FileSystemType;

/** Contributes xfsish to the plugin registry. */
@Module
public interface XfsishModule {
  @Binds
  @IntoMap
  @StringKey("xfsish")
  FileSystemType xfsish(XfsishType type);
}

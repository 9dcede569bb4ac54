package org.vfsim.nio;

import java.util.LinkedHashMap;
import java.util.Map;
import org.vfsim.fs.Stat;

/** The attribute names of the basic, owner, posix and unix views, as the JDK on Linux has them. */
final class AttributeMaps {
  private AttributeMaps() {}

  static Map<String, Object> of(String view, StatAttributes a) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (view.equals("owner")) {
      m.put("owner", a.owner());
      return m;
    }
    if (!view.equals("basic") && !view.equals("posix") && !view.equals("unix")) {
      throw new UnsupportedOperationException("View '" + view + "' not available");
    }
    m.put("lastModifiedTime", a.lastModifiedTime());
    m.put("lastAccessTime", a.lastAccessTime());
    m.put("creationTime", a.creationTime());
    m.put("size", a.size());
    m.put("isRegularFile", a.isRegularFile());
    m.put("isDirectory", a.isDirectory());
    m.put("isSymbolicLink", a.isSymbolicLink());
    m.put("isOther", a.isOther());
    m.put("fileKey", a.fileKey());
    if (view.equals("basic")) {
      return m;
    }
    m.put("permissions", a.permissions());
    m.put("owner", a.owner());
    m.put("group", a.group());
    if (view.equals("posix")) {
      return m;
    }
    Stat st = a.stat();
    m.put("mode", st.type().modeBits() | st.mode());
    m.put("ino", st.ino());
    m.put("dev", st.dev());
    m.put("rdev", 0L);
    m.put("nlink", st.nlink());
    m.put("uid", st.uid());
    m.put("gid", st.gid());
    m.put("ctime", StatAttributes.time(st.ctimeNanos()));
    return m;
  }
}

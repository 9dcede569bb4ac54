package org.vfsim.kernel;

/** A task's user and group ids ({@code struct cred}); uid 0 bypasses permission checks. */
public record Credentials(int uid, int gid) {
  public static final Credentials ROOT = new Credentials(0, 0);

  public boolean isRoot() {
    return uid == 0;
  }
}

package org.vfsim.nio;

import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;

/**
 * Users and groups by number: the simulated machine has no passwd file, so only "root" has a
 * name and every other id is its decimal number, as {@code ls -n} shows them.
 */
final class Principals {
  private Principals() {}

  /** A uid or gid as a principal. */
  record Id(int id, boolean group) implements GroupPrincipal {
    @Override
    public String getName() {
      return id == 0 ? "root" : Integer.toString(id);
    }

    @Override
    public String toString() {
      return getName();
    }
  }

  static UserPrincipal user(int uid) {
    return new Id(uid, false);
  }

  static GroupPrincipal group(int gid) {
    return new Id(gid, true);
  }

  static int id(UserPrincipal p) {
    if (p instanceof Id id) {
      return id.id();
    }
    throw new IllegalArgumentException("not a vfsim principal: " + p);
  }

  static final UserPrincipalLookupService LOOKUP = new UserPrincipalLookupService() {
    @Override
    public UserPrincipal lookupPrincipalByName(String name) throws UserPrincipalNotFoundException {
      return new Id(parse(name), false);
    }

    @Override
    public GroupPrincipal lookupPrincipalByGroupName(String group)
        throws UserPrincipalNotFoundException {
      return new Id(parse(group), true);
    }

    private int parse(String name) throws UserPrincipalNotFoundException {
      if (name.equals("root")) {
        return 0;
      }
      try {
        int id = Integer.parseInt(name);
        if (id >= 0) {
          return id;
        }
      } catch (NumberFormatException e) {
        // fall through
      }
      throw new UserPrincipalNotFoundException(name);
    }
  };
}

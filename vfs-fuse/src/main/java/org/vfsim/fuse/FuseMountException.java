package org.vfsim.fuse;

/** Why a mount could not be made: one line for the user, no stack trace. */
public final class FuseMountException extends Exception {
  public FuseMountException(String message) {
    super(message, null, false, false);
  }
}

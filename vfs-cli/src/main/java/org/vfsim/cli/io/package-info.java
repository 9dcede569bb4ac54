/**
 * Renders command output exactly as {@code xfs_io} 6.1 and {@code filefrag} 1.47 print it.
 *
 * <p>The formatters are pure: they take small value types ({@link org.vfsim.cli.io.ExtentRow},
 * {@link org.vfsim.cli.io.TransferReport}) and return text, so the command implementations can
 * feed them from the simulated kernel and the tests can compare against the golden outputs under
 * {@code src/test/resources/golden/}, whose README is the specification.
 */
package org.vfsim.cli.io;

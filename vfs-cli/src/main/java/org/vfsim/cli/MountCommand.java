package org.vfsim.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.vfsim.Machine;
import org.vfsim.block.BlockDevice;
import org.vfsim.fs.Capability;
import org.vfsim.fs.FileSystemType;
import org.vfsim.fs.MountOptions;
import org.vfsim.fuse.FuseMount;
import org.vfsim.fuse.FuseMountException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vfsim mount}: a simulated filesystem at a host directory, through FUSE. */
@Command(name = "mount", mixinStandardHelpOptions = true,
    description = {"Serves a simulated filesystem at MOUNTPOINT through FUSE, so real programs"
        + " run on it. Runs until unmounted (fusermount3 -u MOUNTPOINT, umount) or interrupted"
        + " (SIGINT/SIGTERM unmount cleanly and save --image).",
        "Controls while mounted, in the hidden directory MOUNTPOINT/.vfsim: read counters,"
            + " lockdep or clock; write to powercut (power cut and remount) or sync."})
final class MountCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Option(names = "--fs", paramLabel = "NAME[:OPTS]", defaultValue = IoCommand.DEFAULT_FS,
      description = "filesystem type and mount options (default: ${DEFAULT-VALUE})")
  String fs;

  @Option(names = "--mkfs", paramLabel = "OPTS", defaultValue = "",
      description = "mkfs options (see vfsim plugins)")
  String mkfsOptions;

  @Option(names = "--size", paramLabel = "SIZE", defaultValue = IoCommand.DEFAULT_SIZE,
      description = "device size, k/m/g/t suffixes (default: ${DEFAULT-VALUE})")
  String size;

  @Option(names = "--image", paramLabel = "PATH",
      description = "load the machine from PATH if it exists, and save it there at unmount")
  Path image;

  @Option(names = "--dataless",
      description = "a device that keeps metadata only (file data reads back as zeros)")
  boolean dataless;

  @Option(names = "--background",
      description = "return once the mount is ready; the server keeps running detached")
  boolean background;

  /** Set on the server a --background parent starts: say "ready" on stdout once mounted. */
  @Option(names = "--notify-ready", hidden = true)
  boolean notifyReady;

  @Parameters(paramLabel = "MOUNTPOINT", description = "an existing, empty directory")
  Path mountPoint;

  MountCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    try {
      FuseMount.check(mountPoint);
    } catch (FuseMountException e) {
      throw new CliFailure(e.getMessage());
    }
    String name = fs.contains(":") ? fs.substring(0, fs.indexOf(':')) : fs;
    String mountOpts = fs.contains(":") ? fs.substring(fs.indexOf(':') + 1) : "";
    FileSystemType type = ctx.registry().get(name);
    if (image != null && !type.has(Capability.BLOCK_DEVICE)) {
      throw new CliFailure("--image needs a filesystem on a block device; " + name
          + " keeps nothing on one");
    }
    if (dataless && image != null) {
      throw new CliFailure("--dataless and --image: a dataless device is not saved in images");
    }
    long bytes = MountOptions.parseSize("--size", size);
    if (background) {
      return startInBackground();
    }
    if (image == null) {
      return serve(null, name, type, mountOpts, bytes);
    }
    // As io does: every check of the path before any work, the lock before loading, held
    // until the image is saved after the unmount, so no other run replaces it meanwhile.
    MachineImage.Target target = MachineImage.check(image, true);
    if (target.exists()) {
      MachineImage.readTrailer(target); // a bad image is refused without waiting for the lock
    }
    try (ImageLock lock = ImageLock.acquire(target.real(), image, false, false, ctx.err())) {
      MachineImage.removeStaleTemporaries(target, ctx.err());
      return serve(MachineImage.check(image, true), name, type, mountOpts, bytes);
    }
  }

  /** Builds (and checks) the machine, mounts it on the host, waits for the unmount, saves. */
  private int serve(MachineImage.Target target, String name, FileSystemType type,
      String mountOpts, long bytes) throws Exception {
    SimulatedSystem system = null;
    Machine machine;
    if (target != null && target.exists()) {
      system = SimulatedSystem.loadImage(ctx.registry(), target, MachineImage.readTrailer(target));
      if (!system.type().name().equals(name)) {
        throw new CliFailure(image + " holds a " + system.type().name() + " filesystem, not "
            + name);
      }
      machine = system.machine();
    } else if (dataless) {
      machine = SimulatedSystem.bootMachine();
      BlockDevice dev = type.has(Capability.BLOCK_DEVICE)
          ? machine.newDevice(type.name(), bytes, SimulatedSystem.BLOCK_SIZE, true) : null;
      if (dev != null) {
        machine.mkfs(type, dev, mkfsOptions);
      }
      machine.mount(type, dev, mountOpts, SimulatedSystem.MOUNT_POINT);
    } else {
      system = SimulatedSystem.create(type, bytes, mkfsOptions, mountOpts);
      machine = system.machine();
    }
    FuseMount mount;
    try {
      mount = FuseMount.mount(machine, SimulatedSystem.MOUNT_POINT, mountPoint,
          FuseMount.Options.defaults(name, ctx.err()));
    } catch (FuseMountException e) {
      throw new CliFailure(e.getMessage());
    }
    CountDownLatch saved = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      try {
        mount.unmount(60);
        saved.await(10, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "vfsim-mount-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    if (notifyReady) {
      ctx.out().println("ready");
      ctx.out().flush();
      ctx.out().close();
    } else {
      ctx.err().println("vfsim: " + name + " mounted at " + mountPoint + "; unmount with"
          + " fusermount3 -u " + mountPoint);
    }
    try {
      int status = mount.awaitUnmount();
      if (target != null && system != null) {
        system.saveImage(target);
      }
      return status == 0 ? 0 : 1;
    } finally {
      saved.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running: it waits for this thread, then the JVM exits.
      }
    }
  }

  /**
   * {@code --background}: the same command in a new JVM in its own session, which says "ready"
   * once mounted; its log (lock validator reports, errors) goes to a file next to nothing else.
   */
  private int startInBackground() throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      cmd.add("/usr/bin/setsid");
    }
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Vfsim.class.getName());
    cmd.add("mount");
    cmd.add("--notify-ready");
    cmd.addAll(List.of("--fs", fs, "--mkfs", mkfsOptions, "--size", size));
    if (image != null) {
      cmd.addAll(List.of("--image", image.toAbsolutePath().toString()));
    }
    if (dataless) {
      cmd.add("--dataless");
    }
    cmd.add(mountPoint.toAbsolutePath().toString());
    Path log = Files.createTempFile("vfsim-mount-", ".log");
    Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(
        Path.of("/dev/null").toFile())).redirectError(log.toFile()).start();
    String line;
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      line = r.readLine();
    }
    if ("ready".equals(line)) {
      ctx.err().println("vfsim: mounted at " + mountPoint + " (server pid " + p.pid()
          + ", log " + log + "); unmount with fusermount3 -u " + mountPoint);
      return 0;
    }
    int status = p.waitFor();
    String why = Files.readString(log, StandardCharsets.UTF_8).strip();
    Files.deleteIfExists(log);
    // The server's own one-line message, without its "vfsim: " (we add ours).
    throw new CliFailure(why.isEmpty() ? "the mount server exited with status " + status
        : why.replaceFirst("^vfsim: ", ""), status == 0 ? 1 : status);
  }
}

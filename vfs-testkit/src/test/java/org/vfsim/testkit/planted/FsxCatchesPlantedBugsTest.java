package org.vfsim.testkit.planted;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.testkit.fsx.Fsx;

/** The model checker catches each planted bug with the check meant for it, and replays it. */
@ExtendWith(LockValidatorExtension.class)
class FsxCatchesPlantedBugsTest {
  private static final long SEED = 20261126L;
  private static final long OPS = 20_000;

  private static Fsx.Result run(Bug bug, Path replay) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Fsx.Result r = Fsx.run(new PlantedFsType(bug, bug == Bug.FSYNC_COMMITS_NOTHING),
        Fsx.Options.defaults(SEED, OPS).withDeviceBytes(64L << 20).withReplayOut(replay),
        new PrintStream(out, true, StandardCharsets.UTF_8));
    System.out.println(out.toString(StandardCharsets.UTF_8));
    return r;
  }

  @Test
  void correctPlantedFilesystemPasses(@TempDir Path tmp) {
    Fsx.Result r = run(Bug.NONE, tmp.resolve("none.replay"));
    assertTrue(r.passed(), r.failure());
    assertEquals(OPS, r.operationsRun());
  }

  /** Every operation kind, power cuts included, runs and passes on the full planted filesystem. */
  @Test
  void fullPlantedFilesystemPassesEveryOperationKind(@TempDir Path tmp) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Fsx.Result r = Fsx.run(new PlantedFsType(Bug.NONE, true),
        Fsx.Options.defaults(SEED, OPS).withDeviceBytes(64L << 20)
            .withReplayOut(tmp.resolve("full.replay")),
        new PrintStream(out, true, StandardCharsets.UTF_8));
    String log = out.toString(StandardCharsets.UTF_8);
    System.out.println(log);
    assertTrue(r.passed(), r.failure());
    for (String op : new String[] {"READ", "WRITE", "WRITEV", "MAPREAD", "MAPWRITE", "TRUNCATE",
        "FALLOC", "PUNCH_HOLE", "ZERO_RANGE", "FSYNC", "CLOSEOPEN", "CLONE_RANGE", "POWERCUT"}) {
      assertTrue(log.matches("(?s).*[{ ]" + op + "=[1-9].*"), op + " never ran:\n" + log);
    }
  }

  @Test
  void shortCopyCommittedIntoNotUptodatePageIsAContentMismatch(@TempDir Path tmp) {
    assertCaught(Bug.COMMITS_SHORT_COPY_INTO_NOT_UPTODATE_PAGE, "check content:", tmp);
  }

  @Test
  void leakedReservationIsAnAccountingFailure(@TempDir Path tmp) {
    assertCaught(Bug.LEAKS_RESERVATION_ON_SHORT_WRITE, "check accounting:", tmp);
  }

  @Test
  void freedBlockStillReferencedIsAnFsckFailure(@TempDir Path tmp) {
    assertCaught(Bug.FREES_BLOCK_STILL_REFERENCED, "check fsck:", tmp);
  }

  @Test
  void faultUnderFolioLockIsALockdepFailure(@TempDir Path tmp) {
    assertCaught(Bug.FAULTS_UNDER_FOLIO_LOCK, "check lockdep:", tmp);
  }

  @Test
  void sizeFromLengthNotCommittedIsASizeFailure(@TempDir Path tmp) {
    assertCaught(Bug.SIZE_FROM_LEN_NOT_COPIED, "check size:", tmp);
  }

  @Test
  void overcountedShortWriteIsAReturnValueFailure(@TempDir Path tmp) {
    assertCaught(Bug.OVERCOUNTS_SHORT_WRITE, "check return value:", tmp);
  }

  @Test
  void fsyncThatCommitsNothingIsADurabilityFailure(@TempDir Path tmp) {
    assertCaught(Bug.FSYNC_COMMITS_NOTHING, "check durability:", tmp);
  }

  @Test
  void insaneStatfsIsAStatfsFailure(@TempDir Path tmp) {
    assertCaught(Bug.STATFS_FREE_EXCEEDS_TOTAL, "check statfs:", tmp);
  }

  private static void assertCaught(Bug bug, String check, Path tmp) {
    Path replay = tmp.resolve(bug + ".replay");
    Fsx.Result r = run(bug, replay);
    assertFalse(r.passed(), bug + " was not caught");
    assertNotNull(r.failure());
    assertTrue(r.failure().contains(check), "expected " + check + " in\n" + r.failure());
    assertTrue(r.failure().contains("seed " + SEED), r.failure());
    assertTrue(r.failure().contains("last operations:"), r.failure());
    assertEquals(replay, r.replayWritten());
    assertTrue(Files.exists(replay));
    // The replay file reproduces the same failure at the same operation.
    Fsx.Result again = Fsx.replay(new PlantedFsType(bug, bug == Bug.FSYNC_COMMITS_NOTHING), replay,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertFalse(again.passed());
    assertEquals(r.operationsRun(), again.operationsRun());
    assertEquals(firstLines(r.failure()), firstLines(again.failure()));
  }

  private static String firstLines(String failure) {
    String[] lines = failure.split("\n");
    return lines[0] + "\n" + lines[1];
  }
}

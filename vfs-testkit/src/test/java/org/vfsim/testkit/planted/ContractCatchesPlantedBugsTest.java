package org.vfsim.testkit.planted;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.vfsim.lockdep.LockValidatorExtension;

/**
 * Each planted bug fails the contract test written for it, run through the JUnit Platform
 * launcher as a plugin author's build would run it; the failure names the check.
 */
@ExtendWith(LockValidatorExtension.class)
class ContractCatchesPlantedBugsTest {
  /** Runs one contract method of {@code contract}; returns the failures' messages. */
  private static List<String> failuresOf(Class<?> contract, String method) {
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectMethod(contract.getName() + "#" + method)).build();
    List<String> failures = new ArrayList<>();
    int[] finished = new int[1];
    Launcher launcher = LauncherFactory.create();
    launcher.execute(request, new TestExecutionListener() {
      @Override
      public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (!id.isTest()) {
          return;
        }
        finished[0]++;
        if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
          Throwable t = result.getThrowable().orElse(null);
          StringBuilder sb = new StringBuilder(String.valueOf(result.getStatus()));
          for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(": ").append(c);
            for (Throwable s : c.getSuppressed()) {
              sb.append(" [suppressed: ").append(s).append(']');
            }
          }
          failures.add(sb.toString());
        }
      }
    });
    assertEquals(1, finished[0], "exactly one contract test ran: " + method);
    return failures;
  }

  private static void assertFailsWith(Class<?> contract, String method, String check) {
    List<String> failures = failuresOf(contract, method);
    assertEquals(1, failures.size(), method + " should fail on " + contract.getSimpleName());
    assertTrue(failures.get(0).startsWith("FAILED"), failures.get(0));
    System.out.println(failures.get(0));
    assertTrue(failures.get(0).contains(check), "expected '" + check + "' in " + failures.get(0));
  }

  /**
   * The planted filesystem now zeroes the old EOF page when the file grows (as the kernel does),
   * which wipes the bytes this bug leaves past EOF before the main contract's half-mapped write
   * can see them; the short copy over an evicted page of existing data still shows it.
   */
  @Test
  void shortCopyIntoNotUptodatePageExposesBytesNobodyWrote() {
    assertFailsWith(PlantedEdgeContracts.ShortCopyOverEvictedPage.class,
        "shortCopyOverAnEvictedPageKeepsTheOldBytes", "the old bytes stay");
  }

  @Test
  void leakedReservationOnShortWriteIsSpaceNotComingBack() {
    assertFailsWith(PlantedContracts.LeaksReservation.class, "shortWritesLeakNoSpace",
        "a short write leaked space");
  }

  @Test
  void freedButReferencedBlockIsFoundByFsck() {
    assertFailsWith(PlantedContracts.FreesReferencedBlock.class,
        "truncateDownThenUpReadsZerosPastTheCut", "fsck: block");
  }

  @Test
  void faultUnderFolioLockIsALockdepReportOnTheSamePageMmapWrite() {
    assertFailsWith(PlantedContracts.FaultsUnderFolioLock.class, "sourceIsAnMmapOfTheSamePage",
        "possible recursive locking");
  }

  @Test
  void faultUnderFolioLockIsALockdepReportInTheAbbaRace() {
    assertFailsWith(PlantedContracts.FaultsUnderFolioLock.class,
        "abbaWritesFromEachOthersMappingsWithAQueuedMmapWriter", "circular locking dependency");
  }

  @Test
  void sizeFromLengthIsCaughtByTheHalfMappedWrite() {
    assertFailsWith(PlantedContracts.SizeFromLen.class,
        "halfMappedSourceWritesThePrefixThenEfault", "i_size = pos + bytes committed");
  }

  @Test
  void overcountedShortWriteIsCaughtByTheHalfMappedWrite() {
    assertFailsWith(PlantedContracts.Overcounts.class,
        "halfMappedSourceWritesThePrefixThenEfault", "bytes up to the unmapped page");
  }

  @Test
  void fsyncThatCommitsNothingIsCaughtByThePowerCut() {
    assertFailsWith(PlantedContracts.FsyncCommitsNothing.class,
        "fsyncedDataAndSizeSurviveAPowerCut", "AssertionFailedError");
  }

  @Test
  void insaneStatfsIsCaughtAfterAnyTest() {
    assertFailsWith(PlantedContracts.InsaneStatfs.class, "openOfMissingFileIsEnoent",
        "statfs: insane");
  }

  @Test
  void theSameMethodsPassOnTheCorrectPlantedFilesystem() {
    for (String m : List.of("halfMappedSourceWritesThePrefixThenEfault", "shortWritesLeakNoSpace",
        "truncateDownThenUpReadsZerosPastTheCut", "sourceIsAnMmapOfTheSamePage",
        "openOfMissingFileIsEnoent",
        "abbaWritesFromEachOthersMappingsWithAQueuedMmapWriter")) {
      assertEquals(List.of(), failuresOf(PlantedNoneContractTest.class, m), m);
    }
    assertEquals(List.of(), failuresOf(PlantedFullContractTest.class,
        "fsyncedDataAndSizeSurviveAPowerCut"));
  }
}

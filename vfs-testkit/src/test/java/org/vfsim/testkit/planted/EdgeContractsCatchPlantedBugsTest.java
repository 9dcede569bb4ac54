package org.vfsim.testkit.planted;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The issue's blind spots: each planted bug the main contract let through fails the new
 * contract case written for it (run through the launcher), with the check's message.
 */
class EdgeContractsCatchPlantedBugsTest {
  private static String failureOf(Class<?> contract, String method) {
    List<String> failures = new ArrayList<>();
    int[] ran = new int[1];
    LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
        .selectors(selectMethod(contract.getName() + "#" + method)).build(),
        new TestExecutionListener() {
          @Override
          public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (!id.isTest()) {
              return;
            }
            ran[0]++;
            if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
              failures.add(result.getStatus() + ": " + result.getThrowable().orElse(null));
            }
          }
        });
    assertEquals(1, ran[0], "one test ran: " + method);
    assertEquals(1, failures.size(), method + " should fail on " + contract.getSimpleName());
    System.out.println(contract.getSimpleName() + "#" + method + ": " + failures.get(0));
    return failures.get(0);
  }

  private static void assertFailsWith(Class<?> contract, String method, String check) {
    String f = failureOf(contract, method);
    assertTrue(f.startsWith("FAILED"), f);
    assertTrue(f.contains(check), "expected '" + check + "' in " + f);
  }

  @Test
  void shortCopyIntoAnEvictedPageIsCaught() {
    assertFailsWith(PlantedEdgeContracts.ShortCopyOverEvictedPage.class,
        "shortCopyOverAnEvictedPageKeepsTheOldBytes", "the old bytes stay");
  }

  @Test
  void skippedCleanupAfterAFailedWriteIsCaught() {
    assertFailsWith(PlantedEdgeContracts.SkipsCleanup.class,
        "aFailedWritePastEofGivesBackWhatItTook", "was not given back");
  }

  @Test
  void missingPageMkwriteIsCaught() {
    assertFailsWith(PlantedEdgeContracts.NoPageMkwrite.class, "enospcAtPageMkwriteIsSigbus",
        "must be SIGBUS");
  }

  @Test
  void skippedEofZeroingIsCaughtForEveryWayOfGrowing() {
    for (String m : List.of("storesPastEofReadAsZerosAfterTruncateUp",
        "storesPastEofReadAsZerosAfterAWriteFurtherOn", "storesPastEofReadAsZerosAfterFallocate")) {
      assertFailsWith(PlantedEdgeContracts.SkipsEofZeroing.class, m, "zeros once the file grows");
    }
  }

  @Test
  void fsyncMakingAnotherFilesBlocksDurableBeforeTheirDataIsCaught() {
    assertFailsWith(PlantedEdgeContracts.FsyncMapsOthers.class,
        "anotherFilesFsyncDoesNotExposeFreedBytes", "bytes nobody wrote to it");
  }
}

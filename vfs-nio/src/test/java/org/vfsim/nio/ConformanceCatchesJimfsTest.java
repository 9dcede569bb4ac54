package org.vfsim.nio;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The conformance suite is a checker: run on Jimfs, whose errors and permissions are not
 * Linux's, it must fail, and on the cases where Jimfs differs.
 */
class ConformanceCatchesJimfsTest {
  @Test
  void suiteFailsOnJimfs() {
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectClass(JimfsConformanceTarget.class)).build();
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    launcher.execute(request, listener);
    TestExecutionSummary summary = listener.getSummary();
    Set<String> failed = new TreeSet<>();
    summary.getFailures().forEach(f -> failed.add(f.getTestIdentifier().getDisplayName()));
    System.out.println("conformance on Jimfs: " + summary.getTestsSucceededCount()
        + " passed, failed: " + failed);
    assertTrue(summary.getTestsFoundCount() > 20, "the suite ran");
    // Jimfs has no NAME_MAX, no umask, and refuses to open a directory as a file.
    assertTrue(failed.containsAll(Set.of("longNameIsRejected()",
        "newFilesGetModesThroughTheUmask()", "directoriesAreNotReadOrWrittenAsFiles()")),
        "the suite must catch where Jimfs is not Linux; failed: " + failed);
  }
}

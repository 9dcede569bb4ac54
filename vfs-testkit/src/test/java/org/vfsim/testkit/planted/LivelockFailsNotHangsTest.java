package org.vfsim.testkit.planted;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * A {@code perform_write} that skips the fault-in livelocks; with the time limits the parent pom
 * gives every test (JUnit's default timeout, in a separate thread), the livelocked test fails
 * instead of hanging the build. Here the limit is 2 s instead of the build's 300 s.
 */
class LivelockFailsNotHangsTest {
  private static List<TestExecutionResult> run(Bug bug) {
    LivelockScenario.bug = bug;
    LivelockScenario.writer = null;
    List<TestExecutionResult> results = new ArrayList<>();
    LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
        .selectors(selectMethod(LivelockScenario.class.getName() + "#writeFromAnUntouchedMapping"))
        .configurationParameter("junit.jupiter.execution.timeout.default", "2 s")
        .configurationParameter("junit.jupiter.execution.timeout.thread.mode.default",
            "SEPARATE_THREAD")
        .build(), new TestExecutionListener() {
          @Override
          public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (id.isTest()) {
              results.add(result);
            }
          }
        });
    return results;
  }

  @Test
  void skippedFaultInFailsOnTheTimeLimit() throws InterruptedException {
    List<TestExecutionResult> results = run(Bug.SKIPS_FAULT_IN);
    assertEquals(1, results.size());
    TestExecutionResult r = results.get(0);
    System.out.println("livelocked write: " + r);
    assertEquals(TestExecutionResult.Status.FAILED, r.getStatus());
    Throwable t = r.getThrowable().orElseThrow();
    assertInstanceOf(TimeoutException.class, t);
    assertTrue(t.getMessage().contains("timed out after 2 seconds"), t.getMessage());
    // The write is still spinning in the abandoned thread: SIGKILL ends it, as in the kernel.
    Thread spinning = LivelockScenario.writerThread;
    LivelockScenario.writer.sendFatalSignal();
    spinning.join(60_000);
    assertFalse(spinning.isAlive(), "the killed write returned");
  }

  @Test
  void theSameWriteCompletesWithTheFaultIn() {
    List<TestExecutionResult> results = run(Bug.NONE);
    assertEquals(1, results.size());
    assertEquals(TestExecutionResult.Status.SUCCESSFUL, results.get(0).getStatus(),
        () -> String.valueOf(results.get(0).getThrowable().orElse(null)));
  }
}

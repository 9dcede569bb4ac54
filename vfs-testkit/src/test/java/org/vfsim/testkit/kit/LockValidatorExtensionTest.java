package org.vfsim.testkit.kit;

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
 * {@code LockValidatorExtension} fails a test during which the validator made a report the test
 * did not take, even though the test's own assertions passed; a taken report fails nothing.
 */
class LockValidatorExtensionTest {
  private static TestExecutionResult run(String method) {
    List<TestExecutionResult> results = new ArrayList<>();
    LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
        .selectors(selectMethod(UnexpectedLockdepReportScenario.class.getName() + "#" + method))
        .build(), new TestExecutionListener() {
          @Override
          public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (id.isTest()) {
              results.add(result);
            }
          }
        });
    assertEquals(1, results.size(), method);
    return results.get(0);
  }

  @Test
  void anUnexpectedReportFailsTheTest() {
    TestExecutionResult r = run("reportNobodyTook");
    assertEquals(TestExecutionResult.Status.FAILED, r.getStatus());
    String message = String.valueOf(r.getThrowable().orElseThrow().getMessage());
    assertTrue(message.contains("lock validator reported during this test"), message);
    assertTrue(message.contains("bad unlock balance"), message);
  }

  @Test
  void aReportTheTestTookFailsNothing() {
    TestExecutionResult r = run("reportTheTestTook");
    assertEquals(TestExecutionResult.Status.SUCCESSFUL, r.getStatus(),
        () -> String.valueOf(r.getThrowable().orElse(null)));
  }
}

package org.vfsim.lockdep;

import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit Jupiter extension that fails any test during which the lock validator made a report
 * the test did not take with {@link LockValidator#takeReports()}: a lockdep warning is a bug
 * even when the test's own assertions passed. Register with
 * {@code @ExtendWith(LockValidatorExtension.class)}.
 */
public final class LockValidatorExtension implements BeforeEachCallback, AfterEachCallback {
  @Override
  public void beforeEach(ExtensionContext context) {
    LockValidator.drainUnacknowledged();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    List<LockdepReport> left = LockValidator.drainUnacknowledged();
    if (!left.isEmpty()) {
      StringBuilder sb = new StringBuilder("lock validator reported during this test:\n");
      left.forEach(r -> sb.append(r.render()));
      throw new AssertionError(sb.toString());
    }
  }
}

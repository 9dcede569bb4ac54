package org.vfsim.testkit.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vfsim.Machine;
import org.vfsim.lockdep.LockValidator;
import org.vfsim.lockdep.LockValidatorExtension;

/**
 * Tests whose own assertions pass while the lock validator reports something. Not surefire
 * tests (the name does not match on purpose): {@link LockValidatorExtensionTest} runs them.
 */
@ExtendWith(LockValidatorExtension.class)
class UnexpectedLockdepReportScenario {
  private static LockValidator quietValidator() {
    LockValidator v = Machine.boot().lockValidator();
    v.setThrowOnReport(false);
    return v;
  }

  @Test
  void reportNobodyTook() {
    Machine m = Machine.boot();
    m.lockValidator().setThrowOnReport(false);
    m.lockValidator().release(m.kernelTask(), new Object(), "scenario");
    assertEquals(1, m.lockValidator().reports().size()); // passes: the report was made
  }

  @Test
  void reportTheTestTook() {
    LockValidator v = quietValidator();
    Machine m = Machine.boot();
    m.lockValidator().setThrowOnReport(false);
    m.lockValidator().release(m.kernelTask(), new Object(), "scenario");
    assertEquals(1, m.lockValidator().takeReports().size());
    assertEquals(0, v.reports().size());
  }
}

package org.vfsim.lockdep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LockValidatorExtension.class)
class LockValidatorTest {
  private record Owner(String lockdepName, HeldLocks heldLocks) implements LockOwner {
    Owner(String name) {
      this(name, new HeldLocks());
    }
  }

  private final LockValidator v = new LockValidator();
  private final LockClass a = v.lockClass("A", false);
  private final LockClass b = v.lockClass("B", false);
  private final LockClass c = v.lockClass("C", false);
  private final Object ia = new Object();
  private final Object ib = new Object();
  private final Object ic = new Object();

  private void take(Owner o, LockClass cls, Object instance) {
    v.acquire(o, cls, instance, false, false, "take " + cls.name());
  }

  private void drop(Owner o, Object instance) {
    v.release(o, instance, "drop");
  }

  @Test
  void abThenBaIsACycleReportedWithBothChains() {
    Owner t1 = new Owner("t1");
    take(t1, a, ia);
    take(t1, b, ib);
    drop(t1, ib);
    drop(t1, ia);
    Owner t2 = new Owner("t2");
    take(t2, b, ib);
    LockdepViolation e = assertThrows(LockdepViolation.class, () -> take(t2, a, ia));
    LockdepReport r = e.report();
    assertEquals(LockdepReport.Kind.CIRCULAR_DEPENDENCY, r.kind());
    assertEquals(2, r.chains().size(), r.render());
    assertTrue(r.chains().get(0).contains("t2: holds [B") && r.chains().get(0).contains("acquires A"));
    assertTrue(r.chains().get(1).contains("t1: holds [A") && r.chains().get(1).contains("acquires B"));
    assertEquals(1, t2.heldLocks().depth(), "the reported acquisition was not recorded as held");
    assertEquals(List.of(r), v.takeReports());
  }

  @Test
  void aLongerCycleListsEveryEarlierLink() {
    Owner t = new Owner("t");
    take(t, a, ia);
    take(t, b, ib);
    drop(t, ib);
    drop(t, ia);
    take(t, b, ib);
    take(t, c, ic);
    drop(t, ic);
    drop(t, ib);
    take(t, c, ic);
    LockdepViolation e = assertThrows(LockdepViolation.class, () -> take(t, a, ia));
    assertEquals(3, e.report().chains().size(), e.report().render());
    v.takeReports();
  }

  @Test
  void reTakingAHeldLockIsRecursive() {
    Owner t = new Owner("t");
    take(t, a, ia);
    LockdepViolation e = assertThrows(LockdepViolation.class, () -> take(t, a, ia));
    assertEquals(LockdepReport.Kind.RECURSIVE_LOCKING, e.report().kind());
    v.takeReports();
  }

  @Test
  void twoInstancesOfANonNestableClassAreReportedButANestableClassIsAllowed() {
    Owner t = new Owner("t");
    take(t, a, ia);
    assertThrows(LockdepViolation.class, () -> take(t, a, new Object()));
    assertEquals(LockdepReport.Kind.RECURSIVE_LOCKING, v.takeReports().get(0).kind());
    LockClass folio = v.lockClass("folio", true);
    Owner u = new Owner("u");
    take(u, folio, new Object());
    take(u, folio, new Object());
    assertEquals(2, u.heldLocks().depth());
    assertTrue(v.reports().isEmpty());
  }

  @Test
  void trylockRecordsNoEdge() {
    Owner t = new Owner("t");
    take(t, a, ia);
    v.acquire(t, b, ib, false, true, "trylock B");
    drop(t, ib);
    drop(t, ia);
    take(t, b, ib);
    take(t, a, ia); // B -> A is fine: A -> B was only a trylock
    assertTrue(v.reports().isEmpty());
  }

  @Test
  void unlockingALockNotHeldIsBadUnlock() {
    Owner t = new Owner("t");
    assertThrows(LockdepViolation.class, () -> drop(t, ia));
    assertEquals(LockdepReport.Kind.BAD_UNLOCK, v.takeReports().get(0).kind());
  }

  @Test
  void returningToUserWithALockHeldIsReportedAndTheStackCleared() {
    v.setThrowOnReport(false);
    Owner t = new Owner("t");
    take(t, a, ia);
    v.checkReturnToUser(t, "write");
    assertEquals(0, t.heldLocks().depth());
    List<LockdepReport> r = v.takeReports();
    assertEquals(LockdepReport.Kind.LOCK_HELD_ON_RETURN, r.get(0).kind());
    assertTrue(r.get(0).summary().contains("write"));
  }

  @Test
  void withoutThrowingTheReportIsStillRecorded() {
    v.setThrowOnReport(false);
    Owner t = new Owner("t");
    take(t, a, ia);
    take(t, a, ia);
    assertEquals(1, v.takeReports().size());
  }
}

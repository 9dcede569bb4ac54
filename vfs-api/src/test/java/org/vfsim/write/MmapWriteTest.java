package org.vfsim.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vfsim.write.Fixture.PAGE;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vfsim.lockdep.LockValidatorExtension;
import org.vfsim.pagecache.Folio;
import org.vfsim.syscall.Errno;
import org.vfsim.syscall.ErrnoException;
import org.vfsim.syscall.Fcntl;

/** Stores through a shared file mapping: page_mkwrite, dirtying, and redirtying after writeback. */
@ExtendWith(LockValidatorExtension.class)
class MmapWriteTest {
  @ParameterizedTest
  @ValueSource(strings = {"ramfs", "pwfs"})
  void aStoreAfterWritebackFaultsAndDirtiesThePageAgain(String fs) {
    Fixture f = Fixture.boot(fs, "");
    int fd = f.create("f");
    byte[] model = Fixture.pattern(2 * PAGE, 1);
    f.sys.pwriteBytes(fd, model, 0);
    f.sys.fsync(fd);
    long map = f.sys.mmap(0, 2 * PAGE, Fcntl.PROT_READ | Fcntl.PROT_WRITE, Fcntl.MAP_SHARED, fd, 0);
    Folio page = f.inode(fd).mapping().lookup(1);
    assertFalse(page.isDirty());
    f.sys.store(map + PAGE + 5, new byte[] {42});
    assertTrue(page.isDirty(), "a store through the mapping dirties the page");
    model[PAGE + 5] = 42;
    f.checkInvariants();
    f.sys.msync(map, 2 * PAGE, Fcntl.MS_SYNC);
    assertFalse(page.isDirty(), "msync(MS_SYNC) wrote it back");
    long faults = f.process.mm().faults();
    f.sys.store(map + PAGE + 6, new byte[] {43});
    assertEquals(faults + 1, f.process.mm().faults(), "writeback write-protected the page");
    assertTrue(page.isDirty());
    model[PAGE + 6] = 43;
    f.assertContents(fd, model);
    f.checkInvariants();
  }

  @Test
  void pageMkwriteEnospcIsSigbus() {
    Fixture f = Fixture.boot("pwfs", "noflush,size=" + 3 * PAGE);
    int fd = f.create("f");
    f.sys.pwriteBytes(fd, new byte[PAGE], 0); // two of the three units while dirty
    f.sys.ftruncate(fd, 2 * PAGE); // page 1 is a hole: a store there needs two units
    long map = f.sys.mmap(0, 2 * PAGE, Fcntl.PROT_READ | Fcntl.PROT_WRITE, Fcntl.MAP_SHARED, fd, 0);
    ErrnoException e = assertThrows(ErrnoException.class,
        () -> f.sys.store(map + PAGE, new byte[] {1}));
    assertEquals(Errno.EFAULT, e.errno());
    f.checkInvariants();
    f.sys.fsync(fd); // writeback frees the metadata unit: now there is room
    f.sys.store(map + PAGE, new byte[] {1});
    f.checkInvariants();
  }
}

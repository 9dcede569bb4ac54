package org.vfsim.testkit.planted;

/** The bug planted in a {@link PlantedFsType}; {@link #NONE} is the correct filesystem. */
enum Bug {
  NONE,
  /** {@code write_end} commits a short copy into a page that is not uptodate. */
  COMMITS_SHORT_COPY_INTO_NOT_UPTODATE_PAGE,
  /** A short write that committed nothing forgets to release the page's space reservation. */
  LEAKS_RESERVATION_ON_SHORT_WRITE,
  /** Truncate frees the block of the page that straddles the new EOF, which stays mapped. */
  FREES_BLOCK_STILL_REFERENCED,
  /** {@code perform_write} copies with faults enabled while it holds the folio lock. */
  FAULTS_UNDER_FOLIO_LOCK,
  /** {@code write_end} sets {@code i_size} from the length asked for, not the bytes committed. */
  SIZE_FROM_LEN_NOT_COPIED,
  /** {@code perform_write} reports the bytes it was asked for after a short write. */
  OVERCOUNTS_SHORT_WRITE,
  /** {@code fsync} commits nothing (device-backed variant): fsynced data dies in a power cut. */
  FSYNC_COMMITS_NOTHING,
  /** {@code statfs} reports more free blocks than there are. */
  STATFS_FREE_EXCEEDS_TOTAL,
  /** {@code perform_write} skips the fault-in, so an absent source page makes it spin. */
  SKIPS_FAULT_IN,
  /** (blocks variant) fsync writes its log record with neither a flush nor FUA. */
  FSYNC_WITHOUT_FLUSH,
  /** (blocks variant) a commit forces the superblock out before the area it points to. */
  SUPER_BEFORE_METADATA,
  /** (blocks variant) mount ignores the fsync log. */
  LOG_NOT_REPLAYED,
  /** (blocks variant) fsync's log record, mapping new blocks, is forced out before their data. */
  EXTENT_BEFORE_DATA,
  /** A write that commits nothing keeps what write_begin reserved until a later truncate. */
  SKIPS_CLEANUP_AFTER_FAILED_WRITE,
  /** Growing the file leaves bytes a mapping stored past the old EOF in the EOF page. */
  SKIPS_EOF_ZEROING,
  /** No {@code page_mkwrite}: a store into a hole takes no space, so ENOSPC cannot be SIGBUS. */
  NO_PAGE_MKWRITE,
  /** (full variant) fsync maps other files' reserved pages and commits that before their data. */
  FSYNC_MAPS_OTHER_FILES_BEFORE_DATA,
  /** The type keeps every mount it made (per device), so every crash state's machine leaks. */
  KEEPS_EVERY_MOUNT,
}

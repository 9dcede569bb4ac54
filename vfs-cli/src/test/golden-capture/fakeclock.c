/*
 * LD_PRELOAD clock that makes xfs_io's timing lines deterministic.
 *
 * xfs_io 6.1 calls gettimeofday() once at start-up and then twice around each
 * timed command (pwrite, pread, mread, ...). This clock answers call 0 with
 * FAKECLOCK_BASE_US (default 1e15), call 2k+1 with the previous value plus one
 * second, and call 2k+2 with the previous value plus the k-th entry of the
 * comma-separated list FAKECLOCK_ELAPSED_US (microseconds; the last entry
 * repeats; empty means 0). So the k-th timed command reports exactly the k-th
 * elapsed time. FAKECLOCK_DEBUG=1 traces each call on standard error.
 * Build: cc -shared -fPIC -O2 -o fakeclock.so fakeclock.c
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static unsigned long long now_us;
static int calls;

static unsigned long long elapsed_for(int k) {
  const char *list = getenv("FAKECLOCK_ELAPSED_US");
  if (list == NULL || *list == '\0') {
    return 0;
  }
  const char *p = list;
  for (int i = 0;; i++) {
    unsigned long long value = strtoull(p, NULL, 10);
    const char *comma = strchr(p, ',');
    if (i == k || comma == NULL) {
      return value;
    }
    p = comma + 1;
  }
}

int gettimeofday(struct timeval *tv, void *tz) {
  (void) tz;
  if (calls == 0) {
    const char *base = getenv("FAKECLOCK_BASE_US");
    now_us = base ? strtoull(base, NULL, 10) : 1000000000000000ULL;
  } else if (calls % 2 == 1) {
    now_us += 1000000ULL;
  } else {
    now_us += elapsed_for(calls / 2 - 1);
  }
  if (getenv("FAKECLOCK_DEBUG")) {
    char line[64];
    int n = snprintf(line, sizeof line, "fakeclock: call %d\n", calls);
    if (write(2, line, (size_t) n) < 0) {
      /* nothing to do */
    }
  }
  calls++;
  tv->tv_sec = (time_t) (now_us / 1000000ULL);
  tv->tv_usec = (suseconds_t) (now_us % 1000000ULL);
  return 0;
}

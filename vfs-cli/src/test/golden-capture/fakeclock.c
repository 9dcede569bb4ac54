/*
 * LD_PRELOAD clock that makes xfs_io's timing lines deterministic.
 *
 * The first gettimeofday() call returns FAKECLOCK_BASE_US (default 1e15 microseconds) and every
 * later call returns the previous value plus FAKECLOCK_STEP_US (default 0). xfs_io 6.1 calls
 * gettimeofday() once at start-up and then once before and once after each timed command
 * (pwrite, pread, reflink, ...); a command that fails calls it only before. Since every pair of
 * consecutive calls is one step apart, every timed command reports exactly one step, whatever
 * failed before it. FAKECLOCK_DEBUG=1 traces each call on standard error.
 * Build: cc -shared -fPIC -O2 -o fakeclock.so fakeclock.c
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <unistd.h>

static unsigned long long now_us;
static int calls;

static unsigned long long env_or(const char *name, unsigned long long fallback) {
  const char *value = getenv(name);
  return value != NULL && *value != '\0' ? strtoull(value, NULL, 10) : fallback;
}

int gettimeofday(struct timeval *tv, void *tz) {
  (void) tz;
  if (calls == 0) {
    now_us = env_or("FAKECLOCK_BASE_US", 1000000000000000ULL);
  } else {
    now_us += env_or("FAKECLOCK_STEP_US", 0);
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

/*
 * skv-clock: steps the wall clock (CLOCK_REALTIME) of a host that has a kernel of its own, for the
 * ShardKV chaos suite's clock nemesis. Compiled on the host (gcc -O2 -o skv-clock skv-clock.c).
 * Never run it on a machine whose clock others depend on: it changes the real clock.
 *
 *   skv-clock now                              print the wall clock, SECONDS.NANOSECONDS
 *   skv-clock bump [--dry-run] DELTA_MS        add DELTA_MS (either sign); print the new time
 *   skv-clock strobe DELTA_MS PERIOD_MS DURATION_MS
 *       every PERIOD_MS flip the clock between normal and normal + DELTA_MS, for DURATION_MS of
 *       monotonic time; then put it back to normal; print how many times it was set
 *
 * "Normal" in strobe is the offset between the wall clock and CLOCK_MONOTONIC when it starts, so
 * the flips neither drift nor accumulate. Exit status: 0 done, 1 the kernel refused (no
 * privilege: run as root), 2 bad arguments.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const long long NS = 1000000000LL;

static long long to_ns(struct timespec t) { return (long long) t.tv_sec * NS + t.tv_nsec; }

static struct timespec from_ns(long long ns) {
  struct timespec t;
  t.tv_sec = (time_t) (ns / NS);
  t.tv_nsec = (long) (ns % NS);
  if (t.tv_nsec < 0) { /* normalise: 0 <= tv_nsec < 1e9 */
    t.tv_nsec += NS;
    t.tv_sec -= 1;
  }
  return t;
}

static long long now(clockid_t c) {
  struct timespec t;
  if (clock_gettime(c, &t) != 0) {
    perror("skv-clock: clock_gettime");
    exit(1);
  }
  return to_ns(t);
}

static void set_wall(long long ns) {
  struct timespec t = from_ns(ns);
  if (clock_settime(CLOCK_REALTIME, &t) != 0) {
    fprintf(stderr, "skv-clock: clock_settime: %s\n", strerror(errno));
    exit(1);
  }
}

static int parse_ms(const char *s, long long *out) {
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0') return 0;
  *out = v;
  return 1;
}

static void print_time(long long ns) {
  struct timespec t = from_ns(ns);
  printf("%lld.%09ld\n", (long long) t.tv_sec, t.tv_nsec);
}

static int usage(void) {
  fprintf(stderr, "usage: skv-clock now | bump [--dry-run] DELTA_MS | strobe DELTA_MS PERIOD_MS DURATION_MS\n");
  return 2;
}

int main(int argc, char **argv) {
  if (argc < 2) return usage();
  if (strcmp(argv[1], "now") == 0 && argc == 2) {
    print_time(now(CLOCK_REALTIME));
    return 0;
  }
  if (strcmp(argv[1], "bump") == 0 && (argc == 3 || argc == 4)) {
    int dry = argc == 4;
    long long delta;
    if (dry && strcmp(argv[2], "--dry-run") != 0) return usage();
    if (!parse_ms(argv[argc - 1], &delta)) return usage();
    long long target = now(CLOCK_REALTIME) + delta * 1000000LL;
    if (!dry) set_wall(target);
    print_time(target);
    return 0;
  }
  if (strcmp(argv[1], "strobe") == 0 && argc == 5) {
    long long delta, period, duration;
    if (!parse_ms(argv[2], &delta) || !parse_ms(argv[3], &period) || !parse_ms(argv[4], &duration)) return usage();
    if (period < 1 || duration < 0) return usage();
    long long normal = now(CLOCK_REALTIME) - now(CLOCK_MONOTONIC);
    long long end = now(CLOCK_MONOTONIC) + duration * 1000000LL;
    struct timespec pause = from_ns(period * 1000000LL);
    long long count = 0;
    int skewed = 0;
    while (now(CLOCK_MONOTONIC) < end) {
      skewed = !skewed;
      set_wall(now(CLOCK_MONOTONIC) + normal + (skewed ? delta * 1000000LL : 0));
      count++;
      nanosleep(&pause, NULL);
    }
    set_wall(now(CLOCK_MONOTONIC) + normal);
    printf("%lld\n", count + 1);
    return 0;
  }
  return usage();
}

/* tmlat SRC DST N GAP_MS TIMEOUT_MS [SIZE]
 *
 * Change-to-replica latency, the same way for any replicator: watches DST with inotify, then N
 * times writes SRC/lat-NNNNNN (SIZE bytes, default 4096, content unique per file: open, write,
 * close), takes the clock when close() returns, and stops it when DST/lat-NNNNNN holds the full,
 * identical content (checked on every inotify event naming it: IN_MOVED_TO for a temp file renamed
 * into place, IN_CLOSE_WRITE for in-place writers). Then sleeps GAP_MS and writes the next.
 * Prints one line per file: "I MICROSECONDS T0" (T0: CLOCK_MONOTONIC in µs at the close, the
 * clock System.nanoTime() reads, to line it up with a tool's own timestamps), or "I TIMEOUT" when
 * it did not arrive within TIMEOUT_MS (the run goes on). Exit 0 unless something failed locally. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

static long now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000L + t.tv_nsec / 1000;
}

static void fill(unsigned char *buf, size_t n, long i) {
  uint64_t x = 0x9E3779B97F4A7C15ULL * (uint64_t)(i + 1) ^ (uint64_t)getpid();
  for (size_t k = 0; k < n; k++) {
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    buf[k] = (unsigned char)x;
  }
}

/* 1 when PATH holds exactly WANT (N bytes) */
static int arrived(const char *path, const unsigned char *want, size_t n, unsigned char *got) {
  int fd = open(path, O_RDONLY | O_NOFOLLOW);
  if (fd < 0) return 0;
  size_t have = 0;
  ssize_t r;
  while (have <= n && (r = read(fd, got + have, n + 1 - have)) > 0) have += (size_t)r;
  close(fd);
  return have == n && memcmp(got, want, n) == 0;
}

int main(int argc, char **argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: tmlat SRC DST N GAP_MS TIMEOUT_MS [SIZE]\n");
    return 2;
  }
  const char *src = argv[1], *dst = argv[2];
  long n = atol(argv[3]), gap = atol(argv[4]), timeout = atol(argv[5]);
  size_t size = argc > 6 ? (size_t)atol(argv[6]) : 4096;
  unsigned char *want = malloc(size), *got = malloc(size + 1);
  char name[64], sp[4096], dp[4096], ev[64 * 1024] __attribute__((aligned(8)));
  int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (in < 0 || inotify_add_watch(in, dst, IN_MOVED_TO | IN_CLOSE_WRITE | IN_CREATE) < 0) {
    perror("inotify");
    return 1;
  }
  for (long i = 0; i < n; i++) {
    snprintf(name, sizeof name, "lat-%06ld", i);
    snprintf(sp, sizeof sp, "%s/%s", src, name);
    snprintf(dp, sizeof dp, "%s/%s", dst, name);
    fill(want, size, i);
    int fd = open(sp, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, want, size) != (ssize_t)size || close(fd) != 0) {
      perror(sp);
      return 1;
    }
    long t0 = now_us(), deadline = t0 + timeout * 1000L, t1 = -1;
    int check = 1;
    for (;;) {
      if (check && arrived(dp, want, size, got)) {
        t1 = now_us();
        break;
      }
      check = 0;
      long left = (deadline - now_us()) / 1000;
      if (left <= 0) break;
      struct pollfd p = {in, POLLIN, 0};
      if (poll(&p, 1, (int)left) < 0 && errno != EINTR) { perror("poll"); return 1; }
      ssize_t len;
      while ((len = read(in, ev, sizeof ev)) > 0) {
        for (char *q = ev; q < ev + len;) {
          struct inotify_event *e = (struct inotify_event *)q;
          if (e->len && strcmp(e->name, name) == 0) check = 1;
          if (e->mask & IN_Q_OVERFLOW) check = 1;
          q += sizeof *e + e->len;
        }
      }
    }
    if (t1 < 0) printf("%ld TIMEOUT\n", i);
    else printf("%ld %ld %ld\n", i, t1 - t0, t0);
    fflush(stdout);
    if (gap > 0) usleep((useconds_t)gap * 1000);
  }
  return 0;
}

/* Files with incompressible content for the replication benchmarks.
 *   tmfile random FILE SIZE SEED        -> FILE with SIZE pseudo-random bytes
 *   tmfile tree DIR FILES SIZE SEED     -> FILES random files of SIZE bytes, 100 per directory
 *                                          (DIR/dA/fB, A = B / 100)
 *   tmfile poke FILE OFFSET             -> flips the byte at OFFSET in place (a 1-byte edit)
 *   tmfile insert FILE OFFSET TEXT      -> inserts TEXT at OFFSET in place (the tail moves)
 * Writes go straight into the file (open, write, close), as a program editing in place would. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static uint64_t state;
static void fill(unsigned char *buf, size_t n) {
  uint64_t *w = (uint64_t *)buf;
  size_t words = n / 8;
  for (size_t k = 0; k < words; k++) {
    state ^= state << 13; state ^= state >> 7; state ^= state << 17;
    w[k] = state * 0x2545F4914F6CDD1DULL;
  }
  for (size_t k = words * 8; k < n; k++) {
    state ^= state << 13; state ^= state >> 7; state ^= state << 17;
    buf[k] = (unsigned char)state;
  }
}

static int write_random(const char *path, long long size, unsigned char *buf, size_t chunk) {
  int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
  if (fd < 0) { perror(path); return 1; }
  for (long long done = 0; done < size;) {
    size_t n = (size_t)(size - done < (long long)chunk ? size - done : (long long)chunk);
    fill(buf, n);
    if (write(fd, buf, n) != (ssize_t)n) { perror(path); return 1; }
    done += (long long)n;
  }
  if (close(fd) != 0) { perror(path); return 1; }
  return 0;
}

static int full_pwrite(int fd, const void *b, size_t n, off_t off) {
  const char *p = b;
  while (n > 0) {
    ssize_t w = pwrite(fd, p, n, off);
    if (w <= 0) return -1;
    p += w; n -= (size_t)w; off += w;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: see the comment in tmfile.c\n"); return 2; }
  const size_t chunk = 1 << 20;
  if (!strcmp(argv[1], "random") && argc == 5) {
    state = 0x9E3779B97F4A7C15ULL ^ (uint64_t)atoll(argv[4]) * 0xD1B54A32D192ED03ULL;
    unsigned char *buf = malloc(chunk);
    return write_random(argv[2], atoll(argv[3]), buf, chunk);
  }
  if (!strcmp(argv[1], "tree") && argc == 6) {
    state = 0x9E3779B97F4A7C15ULL ^ (uint64_t)atoll(argv[5]) * 0xD1B54A32D192ED03ULL;
    long files = atol(argv[3]);
    long long size = atoll(argv[4]);
    unsigned char *buf = malloc(chunk);
    char path[4096];
    if (mkdir(argv[2], 0755) != 0 && access(argv[2], F_OK) != 0) { perror(argv[2]); return 1; }
    for (long i = 0; i < files; i++) {
      if (i % 100 == 0) {
        snprintf(path, sizeof path, "%s/d%ld", argv[2], i / 100);
        if (mkdir(path, 0755) != 0) { perror(path); return 1; }
      }
      snprintf(path, sizeof path, "%s/d%ld/f%ld", argv[2], i / 100, i);
      if (write_random(path, size, buf, chunk)) return 1;
    }
    return 0;
  }
  if (!strcmp(argv[1], "poke") && argc == 4) {
    int fd = open(argv[2], O_RDWR);
    unsigned char b;
    off_t off = atoll(argv[3]);
    if (fd < 0 || pread(fd, &b, 1, off) != 1) { perror(argv[2]); return 1; }
    b ^= 0xff;
    if (pwrite(fd, &b, 1, off) != 1 || close(fd) != 0) { perror(argv[2]); return 1; }
    return 0;
  }
  if (!strcmp(argv[1], "insert") && argc == 5) {
    int fd = open(argv[2], O_RDWR);
    struct stat st;
    off_t off = atoll(argv[3]);
    if (fd < 0 || fstat(fd, &st) != 0 || off > st.st_size) { perror(argv[2]); return 1; }
    size_t tail = (size_t)(st.st_size - off), len = strlen(argv[4]);
    char *buf = malloc(tail + 1);
    size_t got = 0;
    while (got < tail) {
      ssize_t r = pread(fd, buf + got, tail - got, off + (off_t)got);
      if (r <= 0) { perror(argv[2]); return 1; }
      got += (size_t)r;
    }
    if (full_pwrite(fd, argv[4], len, off) || full_pwrite(fd, buf, tail, off + (off_t)len)
        || close(fd) != 0) { perror(argv[2]); return 1; }
    return 0;
  }
  fprintf(stderr, "tmfile: bad arguments\n");
  return 2;
}

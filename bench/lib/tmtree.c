/* tmtree create ROOT FILES   -> FILES empty files, 100 per directory: dA/sB/fC (A = B / 100)
 * tmtree touch ROOT FILES N  -> appends one byte to N files spread evenly over the tree
 * tmtree path FILES I        -> prints the root-relative path of file I */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
static void rel(char *buf, size_t n, long i) {
  snprintf(buf, n, "d%ld/s%ld/f%ld", i / 10000, i / 100, i % 100);
}
int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: tmtree create|touch|path ...\n"); return 2; }
  char path[4096], r[256];
  if (!strcmp(argv[1], "path")) { rel(r, sizeof r, atol(argv[3])); puts(r); return 0; }
  const char *root = argv[2];
  long files = atol(argv[3]);
  if (!strcmp(argv[1], "create")) {
    for (long i = 0; i < files; i++) {
      if (i % 10000 == 0) { snprintf(path, sizeof path, "%s/d%ld", root, i / 10000); mkdir(path, 0755); }
      if (i % 100 == 0) { snprintf(path, sizeof path, "%s/d%ld/s%ld", root, i / 10000, i / 100);
        if (mkdir(path, 0755) != 0) { perror(path); return 1; } }
      rel(r, sizeof r, i); snprintf(path, sizeof path, "%s/%s", root, r);
      int fd = open(path, O_CREAT | O_WRONLY | O_EXCL, 0644);
      if (fd < 0 || close(fd) != 0) { perror(path); return 1; }
    }
    return 0;
  }
  if (!strcmp(argv[1], "touch") && argc > 4) {
    long n = atol(argv[4]);
    for (long k = 0; k < n; k++) {
      long i = (long)((double)k * files / n);
      rel(r, sizeof r, i); snprintf(path, sizeof path, "%s/%s", root, r);
      int fd = open(path, O_WRONLY | O_APPEND);
      if (fd < 0 || write(fd, "x", 1) != 1 || close(fd) != 0) { perror(path); return 1; }
    }
    return 0;
  }
  fprintf(stderr, "tmtree: bad arguments\n"); return 2;
}

package io.tidemark.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TreeCrawlTest {

  @TempDir Path tmp;

  record Crawled(List<CrawlEntry> entries, TreeCrawl crawl) {
    List<String> paths() {
      return entries.stream().map(CrawlEntry::path).toList();
    }

    CrawlEntry get(String path) {
      return entries.stream().filter(e -> e.path().equals(path)).findFirst().orElse(null);
    }
  }

  private static Crawled crawl(Path root, DirLister lister, Predicate<String> ignored) {
    List<CrawlEntry> out = new ArrayList<>();
    try (TreeCrawl crawl = TreeCrawl.start(root, lister, ignored, ProgressListener.NONE, 1000)) {
      for (CrawlEntry e = crawl.next(); e != null; e = crawl.next()) {
        out.add(e);
      }
      assertThat(crawl.scanned()).isEqualTo(out.size());
      return new Crawled(out, crawl);
    }
  }

  private static Crawled nativeCrawl(Path root) {
    assumeThat(NativeDirLister.isAvailable()).as("native lister on this platform").isTrue();
    return crawl(root, new NativeDirLister(), p -> false);
  }

  private static Crawled javaCrawl(Path root) {
    return crawl(root, new JavaDirLister(), p -> false);
  }

  private static void assertInIndexOrder(List<CrawlEntry> entries) {
    for (int i = 1; i < entries.size(); i++) {
      byte[] a = entries.get(i - 1).path().getBytes(StandardCharsets.UTF_8);
      byte[] b = entries.get(i).path().getBytes(StandardCharsets.UTF_8);
      assertThat(Arrays.compareUnsigned(a, b))
          .as("%s before %s", entries.get(i - 1).path(), entries.get(i).path())
          .isNegative();
    }
  }

  private static final String[] NAMES = {
    "a", "a.txt", "a-b", "a0", "a.", "a!", "A", "b", "Z", "_", "~", ".hidden", "x y", "new\nline",
    "\u00e9", "e\u0301", "\u65e5\u672c", "\ud83d\ude00", "\ue000x", "\uffffy", "tab\there"
  };

  private static String randomName(Random r) {
    String base = NAMES[r.nextInt(NAMES.length)];
    return r.nextInt(3) == 0 ? base + r.nextInt(20) : base;
  }

  /** Files, directories, symlinks, hard links, odd modes and mtimes (before 1970, with ns). */
  private static void randomTree(Path dir, Random r, int depth, List<Path> files)
      throws IOException {
    int n = r.nextInt(depth == 0 ? 14 : 7);
    for (int i = 0; i < n; i++) {
      Path p = dir.resolve(randomName(r));
      if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      int kind = r.nextInt(10);
      if (kind < 3 && depth < 4) {
        Files.createDirectory(p);
        randomTree(p, r, depth + 1, files);
      } else if (kind == 3) {
        Files.createSymbolicLink(p, Path.of(r.nextBoolean() ? "nowhere" : ".."));
      } else if (kind == 4 && !files.isEmpty()) {
        Files.createLink(p, files.get(r.nextInt(files.size())));
      } else {
        byte[] content = new byte[r.nextInt(3000)];
        r.nextBytes(content);
        Files.write(p, content);
        if (r.nextBoolean()) {
          Files.setLastModifiedTime(p, FileTime.from(Instant.ofEpochSecond(
              r.nextLong(-2_000_000_000L, 4_000_000_000L), r.nextInt(1_000_000_000))));
        }
        if (r.nextInt(4) == 0) {
          Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
              r.nextBoolean() ? "rwx------" : "r--r-----"));
        }
        files.add(p);
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
  void nativeCrawl_randomTree_seesExactlyWhatJavaSees_inIndexOrder(long seed) throws IOException {
    assumeThat(System.getProperty("sun.jnu.encoding")).as("Java decodes names as UTF-8")
        .isEqualTo("UTF-8");
    Path root = Files.createDirectory(tmp.resolve("root"));
    randomTree(root, new Random(seed), 0, new ArrayList<>());

    Crawled fast = nativeCrawl(root);
    Crawled reference = javaCrawl(root);

    assertThat(fast.entries()).isNotEmpty().containsExactlyElementsOf(reference.entries());
    assertInIndexOrder(fast.entries());
    try (Stream<Path> walk = Files.walk(root)) {
      assertThat(fast.entries()).hasSize((int) walk.count() - 1);
    }
  }

  @Test
  void nativeCrawl_hostileNames_listedAndOpenedByTheirBytes() throws IOException {
    Path root = Files.createDirectory(tmp.resolve("root"));
    Files.writeString(root.resolve("new\nline"), "x");
    byte[] badDir = {'d', (byte) 0xc3, '('};
    RawFs.mkdir(RawFs.child(root, badDir));
    RawFs.createFile(RawFs.child(root, new byte[] {'d', (byte) 0xc3, '(', '/', 'i', 'n'}));
    RawFs.createFile(RawFs.child(root, new byte[] {'f', (byte) 0xff, (byte) 0xfe}));
    String longAscii = "l".repeat(255);
    String longWide = "\u65e5".repeat(85); // 255 bytes of UTF-8
    Files.createDirectory(root.resolve(longAscii));
    Files.writeString(root.resolve(longAscii).resolve(longWide), "deep");

    Crawled c = nativeCrawl(root);

    assertThat(c.paths()).containsExactlyInAnyOrder(
        "new\nline", "d\ufffd(", "d\ufffd(/in", "f\ufffd\ufffd", longAscii,
        longAscii + "/" + longWide);
    assertThat(c.get("d\ufffd(").stat().isDir()).isTrue();
    assertThat(c.get(longAscii + "/" + longWide).stat().size()).isEqualTo(4);
    assertInIndexOrder(c.entries());
    if ("UTF-8".equals(System.getProperty("sun.jnu.encoding"))) {
      assertThat(c.entries()).containsExactlyElementsOf(javaCrawl(root).entries());
    }
  }

  @Test
  void nativeCrawl_pathLongerThanPathMax_crawledThroughParentFds() throws Exception {
    Path root = Files.createDirectory(tmp.resolve("root"));
    String name = "n".repeat(250);
    try {
      // 20 levels of 250 bytes: about 5,000 bytes, beyond PATH_MAX (4,096)
      RawFs.deepTree(root, name, 20);

      Crawled c = nativeCrawl(root);

      String leaf = String.join("/", java.util.Collections.nCopies(20, name)) + "/leaf";
      assertThat(leaf.length()).isGreaterThan(4096);
      assertThat(c.paths()).hasSize(21).contains(leaf);
      assertThat(c.get(leaf).stat().size()).isEqualTo(3);
    } finally {
      // JUnit cannot delete paths beyond PATH_MAX; GNU rm walks them with openat
      new ProcessBuilder("rm", "-rf", root.toString()).inheritIO().start().waitFor(60,
          TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"native", "java"})
  void crawl_symlinks_reportedAsLinks_neverFollowed(String which) throws IOException {
    Path root = Files.createDirectory(tmp.resolve("root"));
    Files.createDirectories(root.resolve("d/e"));
    Files.writeString(root.resolve("d/e/f"), "x");
    Path outside = Files.createDirectories(tmp.resolve("outside/sub"));
    Files.createSymbolicLink(root.resolve("to-dir"), Path.of("d"));
    Files.createSymbolicLink(root.resolve("to-outside"), outside);
    Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));
    Files.createSymbolicLink(root.resolve("dangling"), Path.of("nowhere"));

    Crawled c = which.equals("native") ? nativeCrawl(root) : javaCrawl(root);

    assertThat(c.paths()).containsExactly(
        "d", "d/e", "d/e/f", "dangling", "loop", "to-dir", "to-outside");
    for (String link : List.of("dangling", "loop", "to-dir", "to-outside")) {
      assertThat(c.get(link).stat().mode() & FileStat.S_IFMT).as(link).isEqualTo(0120000);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"native", "java"})
  void crawl_permissionDenied_reportedUnreadable_restStillCrawled(String which) throws Exception {
    assumeThat(System.getProperty("user.name")).as("runs as root, drops it per thread")
        .isEqualTo("root");
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path root = Files.createDirectory(tmp.resolve("root"));
    Files.createDirectories(root.resolve("open/sub"));
    Files.writeString(root.resolve("open/sub/f"), "x");
    Files.createDirectories(root.resolve("closed/inner"));
    Files.writeString(root.resolve("closed/secret"), "x");
    Files.setPosixFilePermissions(root.resolve("closed"), PosixFilePermissions.fromString("rwx------"));
    Files.createDirectories(root.resolve("noexec"));
    Files.writeString(root.resolve("noexec/hidden"), "x");
    Files.setPosixFilePermissions(root.resolve("noexec"), PosixFilePermissions.fromString("rwxr--r--"));
    Files.writeString(root.resolve("z"), "x");
    DirLister lister = which.equals("native") ? new NativeDirLister() : new JavaDirLister();
    assumeThat(which.equals("java") || NativeDirLister.isAvailable()).isTrue();

    // on a thread of its own: setfsuid is per thread, and the crawl's threads inherit it
    Crawled c = CompletableFuture.supplyAsync(() -> {
      int before = RawFs.setFsUid(RawFs.NOBODY);
      try {
        return crawl(root, lister, p -> false);
      } finally {
        RawFs.setFsUid(before);
      }
    }, r -> new Thread(r, "unprivileged-crawl").start()).get(60, TimeUnit.SECONDS);

    assertThat(c.paths()).containsExactly(
        "closed", "noexec", "open", "open/sub", "open/sub/f", "z");
    assertThat(c.crawl().underUnreadable("closed/secret")).isTrue();
    assertThat(c.crawl().underUnreadable("closed/inner/x")).isTrue();
    assertThat(c.crawl().underUnreadable("noexec/hidden")).isTrue();
    assertThat(c.crawl().underUnreadable("open/sub/f")).isFalse();
    assertThat(c.crawl().underUnreadable("closedx")).isFalse();
  }

  @Test
  void crawl_mountBelowTheRoot_isCrossed_likeJava() throws Exception {
    Path root = Files.createDirectory(tmp.resolve("root"));
    Path mnt = Files.createDirectories(root.resolve("m/mnt"));
    Files.writeString(root.resolve("m/before"), "x");
    Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "crawltest",
        mnt.toString()).redirectErrorStream(true).start();
    assumeThat(mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0)
        .as("can mount a tmpfs (root)").isTrue();
    try {
      Files.createDirectories(mnt.resolve("in/deeper"));
      Files.writeString(mnt.resolve("in/deeper/file"), "inside");

      Crawled c = nativeCrawl(root);

      assertThat(c.paths()).containsExactly(
          "m", "m/before", "m/mnt", "m/mnt/in", "m/mnt/in/deeper", "m/mnt/in/deeper/file");
      assertThat(c.entries()).containsExactlyElementsOf(javaCrawl(root).entries());
    } finally {
      new ProcessBuilder("umount", mnt.toString()).inheritIO().start().waitFor(30,
          TimeUnit.SECONDS);
    }
  }

  @Test
  void crawl_ignoredDirectory_prunedWithItsSubtree() throws IOException {
    Path root = Files.createDirectory(tmp.resolve("root"));
    Files.createDirectories(root.resolve("build/out"));
    Files.writeString(root.resolve("build/out/x"), "x");
    Files.writeString(root.resolve("build.txt"), "x");
    Predicate<String> ignored = p -> p.equals("build") || p.startsWith("build/");
    assumeThat(NativeDirLister.isAvailable()).isTrue();

    Crawled c = crawl(root, new NativeDirLister(), ignored);

    assertThat(c.paths()).containsExactly("build.txt");
  }

  @Test
  void crawl_abandonedHalfWay_closesEveryDirectory() throws IOException {
    assumeThat(NativeDirLister.isAvailable()).isTrue();
    Path root = Files.createDirectory(tmp.resolve("root"));
    for (int d = 0; d < 200; d++) {
      Path dir = Files.createDirectories(root.resolve("d" + d + "/s"));
      Files.writeString(dir.resolve("f"), "x");
    }
    long fdsBefore = openFds();

    for (int i = 0; i < 20; i++) {
      try (TreeCrawl crawl = TreeCrawl.start(root, new NativeDirLister(), p -> false,
          ProgressListener.NONE, 1000)) {
        crawl.next();
      }
    }

    await().atMost(Duration.ofSeconds(30)).until(() -> openFds() <= fdsBefore + 2);
  }

  private static long openFds() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }
}

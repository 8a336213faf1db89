package io.tidemark.agent.engine.inotify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tidemark.agent.engine.EngineException;
import io.tidemark.agent.linux.ErrnoException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.tidemark.agent.engine.JavaChild;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/** errno → message mapping; the global sysctls are never lowered (other tests share them). */
class InotifyErrorsTest {
  @TempDir Path proc;

  @Test
  void addWatch_enospc_namesTheLimitItsValueAndTheSysctl() throws Exception {
    Files.createDirectories(proc.resolve("fs/inotify"));
    Files.writeString(proc.resolve("fs/inotify/max_user_watches"), "8192\n");
    EngineException e =
        InotifyErrors.addWatch(
            new ErrnoException("inotify_add_watch", ErrnoException.ENOSPC), Path.of("/r/d"), proc);
    assertThat(e.getMessage())
        .contains("inotify watch limit reached (8192 watches)")
        .contains("/r/d")
        .contains("fs.inotify.max_user_watches")
        .contains("sysctl -w fs.inotify.max_user_watches=524288");
    assertThat(e.getCause()).isInstanceOf(ErrnoException.class);
  }

  @Test
  void addWatch_enospcUnreadableProc_stillSaysTheFix() {
    EngineException e =
        InotifyErrors.addWatch(
            new ErrnoException("inotify_add_watch", ErrnoException.ENOSPC), Path.of("/r"),
            proc.resolve("missing"));
    assertThat(e.getMessage()).contains("(unknown watches)").contains("max_user_watches");
  }

  @Test
  void addWatch_enospcSmallerUserNamespaceLimit_namesThatToo() throws Exception {
    Files.createDirectories(proc.resolve("fs/inotify"));
    Files.createDirectories(proc.resolve("user"));
    Files.writeString(proc.resolve("fs/inotify/max_user_watches"), "524288\n");
    Files.writeString(proc.resolve("user/max_inotify_watches"), "3\n");
    EngineException e =
        InotifyErrors.addWatch(
            new ErrnoException("inotify_add_watch", ErrnoException.ENOSPC), Path.of("/r"), proc);
    assertThat(e.getMessage())
        .contains("(524288 watches")
        .contains("user.max_inotify_watches=3");
  }

  @Test
  void init_emfile_namesMaxUserInstances() throws Exception {
    Files.createDirectories(proc.resolve("fs/inotify"));
    Files.writeString(proc.resolve("fs/inotify/max_user_instances"), "128\n");
    EngineException e =
        InotifyErrors.init(new ErrnoException("inotify_init1", ErrnoException.EMFILE), proc);
    assertThat(e.getMessage())
        .contains("(128 instances)")
        .contains("sysctl -w fs.inotify.max_user_instances=");
  }

  @Test
  void limit_realProc_readsTheWholeNumber() throws Exception {
    // /proc sysctls answer reads past offset 0 with EOF: a byte-wise reader sees one digit.
    Process cat = new ProcessBuilder("cat", "/proc/sys/fs/inotify/max_user_watches").start();
    String expected = new String(cat.getInputStream().readAllBytes()).strip();
    assertThat(InotifyErrors.limit(InotifyErrors.PROC_SYS, InotifyErrors.MAX_USER_WATCHES))
        .isEqualTo(expected);
  }

  /**
   * The real ENOSPC, in a child JVM inside a user namespace whose own watch limit
   * (user.max_inotify_watches) is lowered: the machine-wide limit other tests use is untouched.
   */
  @ParameterizedTest
  @CsvSource({"start, 3", "after, 5"})
  void watchLimit_inUserNamespace_failsWithTheSysctlToRaise(String mode, int limit)
      throws Exception {
    Path root = Files.createDirectories(proc.resolve("tree/a")).getParent();
    Files.createDirectories(root.resolve("b/c/d"));
    List<String> java = JavaChild.builder(WatchLimitProbe.class, mode, root.toString()).command();
    String script = "echo " + limit
        + " > /proc/sys/user/max_inotify_watches && exec \"$@\"";
    List<String> cmd = new ArrayList<>(List.of("unshare", "-U", "-r", "sh", "-c", script, "sh"));
    cmd.addAll(java);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assumeTrue(!out.contains("unshare: "), "user namespaces unavailable: " + out);
    assertThat(out)
        .as(out)
        .contains(mode + ": inotify watch limit reached")
        .contains("user.max_inotify_watches=" + limit)
        .contains("fs.inotify.max_user_watches");
  }
}

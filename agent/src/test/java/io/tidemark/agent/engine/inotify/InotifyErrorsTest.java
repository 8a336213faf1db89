package io.tidemark.agent.engine.inotify;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.agent.engine.EngineException;
import io.tidemark.agent.linux.ErrnoException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** errno → message mapping; the global sysctls are never lowered (other tests share them). */
class InotifyErrorsTest {
  @TempDir Path proc;

  @Test
  void addWatch_enospc_namesTheLimitItsValueAndTheSysctl() throws Exception {
    Files.writeString(proc.resolve("max_user_watches"), "8192\n");
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
  void init_emfile_namesMaxUserInstances() throws Exception {
    Files.writeString(proc.resolve("max_user_instances"), "128\n");
    EngineException e =
        InotifyErrors.init(new ErrnoException("inotify_init1", ErrnoException.EMFILE), proc);
    assertThat(e.getMessage())
        .contains("(128 instances)")
        .contains("sysctl -w fs.inotify.max_user_instances=");
  }

  @Test
  void limit_realProc_readsANumber() {
    assertThat(InotifyErrors.limit(InotifyErrors.PROC_INOTIFY, "max_user_watches"))
        .containsPattern("^[0-9]+$");
  }
}

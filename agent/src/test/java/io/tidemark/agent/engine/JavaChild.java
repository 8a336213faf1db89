package io.tidemark.agent.engine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Starts a {@code main} class of the test classpath in a child JVM (same JDK, same classpath). */
public final class JavaChild {
  private JavaChild() {}

  public static ProcessBuilder builder(Class<?> main, String... args) {
    String java = ProcessHandle.current().info().command().orElse("java");
    String cp = System.getProperty("surefire.test.class.path");
    if (cp == null || cp.isBlank()) {
      cp = System.getProperty("java.class.path");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Xshare:auto");
    cmd.add("-cp");
    cmd.add(cp);
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd);
  }

  public static Process start(Class<?> main, String... args) throws IOException {
    return builder(main, args).redirectErrorStream(true).start();
  }
}

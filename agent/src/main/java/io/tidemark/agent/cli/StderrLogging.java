package io.tidemark.agent.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;

/**
 * Logging for every {@code tidemark} command, in code rather than {@code logback.xml}: Joran
 * (logback's XML configurator) took 300-480 ms of each start on a loaded 2-CPU machine, more than
 * the agent's whole reconcile. Found by logback through {@code META-INF/services}; a user's
 * {@code -Dlogback.configurationFile} still wins.
 *
 * <p>Everything goes to stderr (stdout is for events, cursors and JSON; the agent's first stdout
 * line is {@code ready}) as {@code HH:mm:ss.SSS LEVEL Logger: message}. {@code io.tidemark} logs at
 * {@code $TIDEMARK_LOG} (default INFO), everything else at WARN. No logback status chatter.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class StderrLogging extends ContextAwareBase implements Configurator {

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    context.getStatusManager().add(new NopStatusListener());
    LineLayout layout = new LineLayout();
    layout.setContext(context);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(stderr);
    String level = System.getProperty("TIDEMARK_LOG", System.getenv("TIDEMARK_LOG"));
    context.getLogger("io.tidemark").setLevel(Level.toLevel(level, Level.INFO));
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** {@code %d{HH:mm:ss.SSS} %-5level %logger{0}: %msg%n}, plus the stack trace of a throwable. */
  static final class LineLayout extends LayoutBase<ILoggingEvent> {
    private final ZoneId zone = ZoneId.systemDefault();

    @Override
    public String doLayout(ILoggingEvent e) {
      StringBuilder b = new StringBuilder(128);
      LocalTime t = LocalTime.ofInstant(Instant.ofEpochMilli(e.getTimeStamp()), zone);
      two(b, t.getHour()).append(':');
      two(b, t.getMinute()).append(':');
      two(b, t.getSecond()).append('.');
      int ms = t.getNano() / 1_000_000;
      b.append((char) ('0' + ms / 100)).append((char) ('0' + ms / 10 % 10))
          .append((char) ('0' + ms % 10)).append(' ');
      String level = e.getLevel().toString();
      b.append(level).append(" ".repeat(Math.max(1, 6 - level.length())));
      String logger = e.getLoggerName();
      b.append(logger, logger.lastIndexOf('.') + 1, logger.length()).append(": ");
      b.append(e.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
      IThrowableProxy thrown = e.getThrowableProxy();
      if (thrown != null) {
        b.append(ThrowableProxyUtil.asString(thrown)).append(CoreConstants.LINE_SEPARATOR);
      }
      return b.toString();
    }

    private static StringBuilder two(StringBuilder b, int v) {
      return b.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }
  }
}

package io.shardkv.server.net;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/** Captures the log lines of this package (WARN and above) for assertions. */
final class LogCapture implements AutoCloseable {
  private final Logger logger = (Logger) LoggerFactory.getLogger("io.shardkv.server.net");
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Level previousLevel = logger.getLevel();
  private final boolean previousAdditive = logger.isAdditive();

  LogCapture(boolean quiet) {
    appender.start();
    logger.addAppender(appender);
    logger.setLevel(Level.WARN);
    if (quiet) logger.setAdditive(false); // keep thousands of expected lines off the console
  }

  /** Formatted WARN-or-above lines so far. */
  synchronized List<String> lines() {
    synchronized (appender.list) {
      return appender.list.stream()
          .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
          .map(ILoggingEvent::getFormattedMessage)
          .collect(Collectors.toList());
    }
  }

  List<String> linesContaining(String s) {
    return lines().stream().filter(l -> l.contains(s)).collect(Collectors.toList());
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    logger.setLevel(previousLevel);
    logger.setAdditive(previousAdditive);
  }
}

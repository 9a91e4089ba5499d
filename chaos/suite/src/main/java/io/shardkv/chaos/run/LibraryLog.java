package io.shardkv.chaos.run;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Sends the suite's own slf4j log lines (logger {@code io.shardkv.chaos}: SSH, database setup,
 * log collection) at INFO and above into {@code chaos.log} while a campaign runs; the console keeps
 * getting only their warnings and errors (on stderr). Does nothing when slf4j is not bound to
 * logback. Both this and {@link RunLog} append whole lines to the file (O_APPEND), so lines never
 * interleave.
 */
final class LibraryLog implements AutoCloseable {
  private final Runnable undo;

  private LibraryLog(Runnable undo) {
    this.undo = undo;
  }

  static LibraryLog into(Path chaosLog) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return new LibraryLog(() -> { });
    }
    Logger logger = ctx.getLogger("io.shardkv.chaos");
    Level oldLevel = logger.getLevel();
    boolean oldAdditive = logger.isAdditive();

    FileAppender<ILoggingEvent> file = new FileAppender<>();
    file.setContext(ctx);
    file.setName("chaos.log");
    file.setFile(chaosLog.toString());
    file.setAppend(true);
    file.setEncoder(encoder(ctx, "%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %-5level %logger{20} - %msg%n"));
    file.start();

    ThresholdFilter warn = new ThresholdFilter();
    warn.setLevel("WARN");
    warn.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(ctx);
    console.setName("chaos-stderr");
    console.setTarget("System.err");
    console.addFilter(warn);
    console.setEncoder(encoder(ctx, "%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n"));
    console.start();

    logger.setLevel(Level.INFO);
    logger.setAdditive(false);
    logger.addAppender(file);
    logger.addAppender(console);
    return new LibraryLog(() -> {
      logger.detachAppender(file);
      logger.detachAppender(console);
      logger.setAdditive(oldAdditive);
      logger.setLevel(oldLevel);
      file.stop();
      console.stop();
    });
  }

  private static PatternLayoutEncoder encoder(LoggerContext ctx, String pattern) {
    PatternLayoutEncoder e = new PatternLayoutEncoder();
    e.setContext(ctx);
    e.setPattern(pattern);
    e.start();
    return e;
  }

  @Override
  public void close() {
    undo.run();
  }
}

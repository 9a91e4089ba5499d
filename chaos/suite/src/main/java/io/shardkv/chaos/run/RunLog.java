package io.shardkv.chaos.run;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * The campaign's log, {@code chaos.log} in the run directory: one timestamped line per event
 * (phases, every fault, checker summaries, errors), flushed at once; also echoed to a console
 * stream when one is given. Thread-safe. (The suite's slf4j lines join the same file through
 * {@link LibraryLog}.)
 */
public final class RunLog implements Consumer<String>, AutoCloseable {
  private final BufferedWriter out;
  private final PrintStream echo;

  public RunLog(Path file, PrintStream echo) throws IOException {
    this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    this.echo = echo;
  }

  @Override
  public synchronized void accept(String line) {
    try {
      out.write(Instant.now().toString());
      out.write(' ');
      out.write(line);
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      // the log is best effort; the history is what must not be lost
    }
    if (echo != null) {
      echo.println("chaos: " + line);
    }
  }

  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      // best effort
    }
  }
}

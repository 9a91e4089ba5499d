package io.shardkv.chaos.history;

import io.shardkv.chaos.ChaosException;
import io.shardkv.linearizability.format.JepsenEdnWriter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Appends a campaign's history to {@code history.edn} as it happens: one Jepsen op map per line,
 * flushed after every op, so a controller crash loses nothing already journaled. Invocations are
 * written before the operation is performed and completions after it returns (Jepsen's rule, which
 * makes the file order a real-time order compatible with what happened).
 *
 * <p>Line format: {@code {:type :invoke, :f :cas, :value [1 3], :key "r4", :process 7, :time 123,
 * :index 41}} — {@code :process :nemesis} for the nemesis, extra keys between {@code :value} and
 * {@code :process}. {@link HistoryFile} and the linearizability checker's reader read it back.
 */
public final class HistoryWriter implements AutoCloseable {
  private final Path file;
  private final BufferedWriter out;

  public HistoryWriter(Path file) {
    this.file = file;
    try {
      this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new ChaosException("cannot open the history file " + file + " for writing: " + e.getMessage(), e);
    }
  }

  public Path file() {
    return file;
  }

  /** Journals one op (one line, flushed). */
  public synchronized void append(Op op) {
    try {
      out.write(line(op));
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      throw new ChaosException("cannot append to the history file " + file + ": " + e.getMessage(), e);
    }
  }

  /** The EDN map of one op, without a newline. */
  public static String line(Op op) {
    StringBuilder b = new StringBuilder(96);
    b.append("{:type :").append(op.type().keyword()).append(", :f :").append(op.f())
        .append(", :value ").append(JepsenEdnWriter.edn(op.value()));
    for (Map.Entry<String, Object> e : op.extra().entrySet()) {
      b.append(", :").append(e.getKey()).append(' ').append(JepsenEdnWriter.edn(e.getValue()));
    }
    b.append(", :process ").append(op.isNemesis() ? ":nemesis" : String.valueOf(op.process()))
        .append(", :time ").append(op.time()).append(", :index ").append(op.index()).append('}');
    return b.toString();
  }

  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new ChaosException("cannot close the history file " + file + ": " + e.getMessage(), e);
    }
  }
}

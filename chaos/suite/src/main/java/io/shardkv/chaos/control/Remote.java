package io.shardkv.chaos.control;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The control node's handle on one host: run a shell command as root, copy files. Implementations
 * retry transient connection failures themselves and throw {@link io.shardkv.chaos.ChaosException}
 * with a message naming the host, the command and what to do (refused key, unknown host, no sudo).
 */
public interface Remote extends AutoCloseable {
  /** What a command did on the host. */
  record Result(int exitStatus, String stdout, String stderr) {
    public boolean ok() {
      return exitStatus == 0;
    }
  }

  Host host();

  /** Runs {@code command} through {@code sh -c} as root; fails after {@code timeout}. */
  Result exec(String command, Duration timeout);

  /** Runs {@code command} as root and throws unless it exits 0; returns its stdout. */
  String execOk(String command, Duration timeout);

  /** Copies a local file to {@code remotePath} on the host (parent directories must exist). */
  void upload(Path local, String remotePath);

  /** Copies {@code remotePath} from the host to a local file. */
  void download(String remotePath, Path local);

  @Override
  void close();
}

package io.shardkv.chaos.checker;

import io.shardkv.chaos.history.Op;
import java.nio.file.Path;
import java.util.List;

/**
 * What checkers look at: the history file as stored and its ops (the nemesis's included), and
 * where to write reports (the checker's HTML for invalid keys), or null for none.
 */
public record CheckInput(Path historyFile, List<Op> history, Path reportDir) {
  public CheckInput {
    history = List.copyOf(history);
  }
}

package io.shardkv.chaos.control;

import java.util.List;
import java.util.stream.Collectors;

/** POSIX shell quoting for commands sent to hosts. */
public final class Shell {
  private Shell() {}

  /** {@code s} as one single-quoted shell word: safe for any content, including quotes. */
  public static String quote(String s) {
    if (!s.isEmpty() && s.chars().allMatch(c -> Character.isLetterOrDigit(c) || "/._-+:,@%".indexOf(c) >= 0)) {
      return s;
    }
    return "'" + s.replace("'", "'\"'\"'") + "'";
  }

  /** The words quoted and joined by spaces: one command line. */
  public static String join(List<String> words) {
    return words.stream().map(Shell::quote).collect(Collectors.joining(" "));
  }
}

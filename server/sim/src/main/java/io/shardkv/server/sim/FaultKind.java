package io.shardkv.server.sim;

import java.util.EnumSet;
import java.util.Locale;

/** The kinds of fault the {@link Nemesis} can inject, named as on the {@code --faults} option. */
public enum FaultKind {
  /** Episodes in which links lose a fraction of messages. */
  DROP,
  /** Episodes in which some messages take far longer than usual (longer than an election timeout). */
  DELAY,
  /** Episodes in which links deliver some messages twice. */
  DUP,
  /** Episodes of widely spread delays, so messages overtake each other. */
  REORDER,
  /** Network partitions: a minority cut off, random splits, one-way grudges; healed later. */
  PARTITION,
  /** A node crashes (losing unsynced writes) and restarts later from its disk. */
  CRASH,
  /** A node freezes (like SIGSTOP): no ticks, no processing; it resumes later with its backlog. */
  PAUSE;

  public String optionName() { return name().toLowerCase(Locale.ROOT); }

  /**
   * Parses a {@code --faults} value: {@code none}, {@code all}, or a comma list of fault names
   * such as {@code drop,partition,crash}.
   *
   * @throws IllegalArgumentException naming the bad token and the accepted ones
   */
  public static EnumSet<FaultKind> parseList(String spec) {
    String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
    if (s.equals("none")) return EnumSet.noneOf(FaultKind.class);
    if (s.equals("all")) return EnumSet.allOf(FaultKind.class);
    EnumSet<FaultKind> out = EnumSet.noneOf(FaultKind.class);
    if (s.isEmpty()) throw new IllegalArgumentException("empty fault list; " + accepted());
    for (String token : s.split(",")) {
      String t = token.trim();
      FaultKind found = null;
      for (FaultKind k : values()) if (k.optionName().equals(t)) found = k;
      if (found == null) {
        throw new IllegalArgumentException("unknown fault '" + t + "' in '" + spec + "'; " + accepted());
      }
      out.add(found);
    }
    return out;
  }

  /** Renders a set the way {@link #parseList} reads it. */
  public static String format(EnumSet<FaultKind> kinds) {
    if (kinds.isEmpty()) return "none";
    if (kinds.size() == values().length) return "all";
    StringBuilder sb = new StringBuilder();
    for (FaultKind k : kinds) sb.append(sb.length() == 0 ? "" : ",").append(k.optionName());
    return sb.toString();
  }

  private static String accepted() {
    StringBuilder sb = new StringBuilder("use 'none', 'all' or a comma list of:");
    for (FaultKind k : values()) sb.append(' ').append(k.optionName());
    return sb.toString();
  }
}

package io.shardkv.chaos.nemesis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Which hosts a process fault hits (Jepsen's node specs): {@code :one} random host, a
 * {@code :minority} (one fewer than a majority, random), a {@code :majority}
 * (⌊n/2⌋+1 random hosts), the {@code :leaders} (every host on which some group's leader runs), or
 * {@code :all}; or an explicit list of hosts.
 */
public final class Targets {
  /** The specs a generator picks from. */
  public static final List<String> SPECS = List.of("one", "minority", "majority", "leaders", "all");

  private Targets() {}

  public static int majority(int n) {
    return n / 2 + 1;
  }

  /**
   * The hosts {@code spec} names. {@code leaders} asks the cluster; when no leader answers, one
   * random host is taken instead.
   */
  public static Set<String> resolve(Object spec, List<String> nodes, Random rnd, Supplier<Set<String>> leaders) {
    if (spec instanceof Collection<?> c) {
      Set<String> s = new TreeSet<>();
      c.forEach(x -> s.add(String.valueOf(x)));
      return s;
    }
    String name = spec == null ? "all" : spec.toString().replaceFirst("^:", "");
    List<String> shuffled = new ArrayList<>(nodes);
    Collections.shuffle(shuffled, rnd);
    int n = nodes.size();
    return switch (name) {
      case "one" -> new TreeSet<>(shuffled.subList(0, 1));
      case "minority" -> new TreeSet<>(shuffled.subList(0, majority(n) - 1));
      case "majority" -> new TreeSet<>(shuffled.subList(0, majority(n)));
      case "all" -> new TreeSet<>(nodes);
      case "leaders" -> {
        Set<String> l = leaders.get();
        yield l.isEmpty() ? new TreeSet<>(shuffled.subList(0, 1)) : new TreeSet<>(l);
      }
      default -> throw new IllegalArgumentException("unknown host spec :" + name + " (known: " + SPECS + ")");
    };
  }
}

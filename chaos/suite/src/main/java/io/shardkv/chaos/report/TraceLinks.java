package io.shardkv.chaos.report;

import io.shardkv.chaos.history.Op;
import io.shardkv.driver.routing.Served;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Links ops to the servers' trace lines of the log entry that served them. An op's completion
 * carries {@code :group :term :log-index} (docs/protocol.md §5.6, written by the chaos clients); the
 * node logs a run collected ({@code <node>/node-<id>.log}) carry trace lines when the servers ran with
 * {@code trace = true}. A trace line of node {@code n} in group {@code g} reads
 * {@code t=.. g<g>-n<n> .. | <body>} (raft.Tracer and ReplicaHost's trace); it belongs to entry
 * (g, term, index) when its body is
 * <ul>
 *   <li>{@code served request R by entry term/index} or {@code by read index term/index} — the reply;</li>
 *   <li>{@code became LEADER for term term} — the leader that appended it;</li>
 *   <li>{@code commit A -> B} with {@code A < index <= B} — the node learnt it committed;</li>
 *   <li>the first {@code durable up to T/I} with {@code I >= index} and {@code T >= term} of the node
 *       (it persisted the entry), and the first {@code installed snapshot T/I} with {@code I >= index}
 *       (it got the entry inside a snapshot).</li>
 * </ul>
 * Only the {@code served request} line names the entry exactly; the Raft lines are matched by index
 * range, so on a node whose log once held a different (later overwritten) entry at that index, the
 * first {@code durable up to} line may be that entry's.
 *
 * @param anyTrace whether the node logs hold any trace line at all (if not, the servers ran without
 *     {@code trace = true})
 * @param logFiles how many node logs were read
 * @param lines per entry, per node log (file relative to the run directory), its matching lines
 */
public record TraceLinks(boolean anyTrace, int logFiles, Map<Served, Map<String, List<Line>>> lines) {
  /** At most this many lines per entry and node log (a long-lived leader's commits are many). */
  static final int MAX_LINES_PER_NODE = 12;

  /** One trace line: {@code file:number}, and its text. */
  public record Line(String file, int number, String text) {
    public String where() {
      return file + ":" + number;
    }
  }

  private static final Pattern NODE = Pattern.compile("\\bg(\\d+)-n(\\d+)\\b");
  private static final Pattern SERVED = Pattern.compile("served request \\d+ by (?:entry|read index) (\\d+)/(\\d+)");
  private static final Pattern LEADER = Pattern.compile("became LEADER for term (\\d+)");
  private static final Pattern COMMIT = Pattern.compile("^commit (\\d+) -> (\\d+)");
  private static final Pattern DURABLE = Pattern.compile("^durable up to (\\d+)/(\\d+)");
  private static final Pattern SNAPSHOT = Pattern.compile("^installed snapshot (\\d+)/(\\d+)");

  /** The entry an op's completion names ({@code :group :term :log-index}), or null. */
  public static Served servedOf(Op completion) {
    if (completion == null) {
      return null;
    }
    Object g = completion.extra().get("group");
    Object t = completion.extra().get("term");
    Object i = completion.extra().get("log-index");
    if (g instanceof Number gn && t instanceof Number tn && i instanceof Number in
        && gn.longValue() >= 0 && gn.longValue() <= Integer.MAX_VALUE && tn.longValue() >= 0 && in.longValue() >= 0) {
      return new Served(gn.intValue(), tn.longValue(), in.longValue());
    }
    return null;
  }

  /** The completion {@code c} with the keys naming {@code s} ({@code :group :term :log-index}). */
  public static Op withServed(Op c, Served s) {
    return c.with("group", (long) s.group()).with("term", s.term()).with("log-index", s.index());
  }

  /** Scans the node logs under {@code runDir} (two levels: {@code <node>/node-<id>.log}) for {@code entries}. */
  public static TraceLinks find(Path runDir, Collection<Served> entries) {
    List<Path> logs = new ArrayList<>();
    if (Files.isDirectory(runDir)) {
      try (Stream<Path> s = Files.walk(runDir, 2)) {
        s.filter(p -> p.getFileName().toString().matches("node-.*\\.log") && Files.isRegularFile(p))
            .sorted().forEach(logs::add);
      } catch (IOException e) {
        throw new UncheckedIOException("listing the node logs under " + runDir, e);
      }
    }
    Set<Served> wanted = new LinkedHashSet<>(entries);
    Map<Served, Map<String, List<Line>>> out = new LinkedHashMap<>();
    wanted.forEach(s -> out.put(s, new TreeMap<>()));
    boolean any = false;
    for (Path log : logs) {
      String name = runDir.relativize(log).toString().replace('\\', '/');
      try (BufferedReader r = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
        any |= scan(name, r, wanted, out);
      } catch (IOException | UncheckedIOException e) {
        // A log that is not UTF-8 or unreadable: skip it; the page lists what was found.
      }
    }
    return new TraceLinks(any, logs.size(), out);
  }

  /** Scans one log; returns whether it held any trace line. Package-private for tests. */
  static boolean scan(String name, BufferedReader r, Set<Served> wanted, Map<Served, Map<String, List<Line>>> out)
      throws IOException {
    boolean any = false;
    Set<Served> durableSeen = new HashSet<>();
    Set<Served> snapshotSeen = new HashSet<>();
    String line;
    int number = 0;
    while ((line = r.readLine()) != null) {
      number++;
      int bar = line.indexOf(" | ");
      if (bar < 0) {
        continue;
      }
      Matcher node = NODE.matcher(line);
      if (!node.find() || node.start() > bar) {
        continue;
      }
      any = true;
      int group = Integer.parseInt(node.group(1));
      String body = line.substring(bar + 3);
      for (Served s : wanted) {
        if (s.group() != group) {
          continue;
        }
        boolean hit;
        Matcher m;
        if ((m = SERVED.matcher(body)).find()) {
          hit = Long.parseLong(m.group(1)) == s.term() && Long.parseLong(m.group(2)) == s.index();
        } else if ((m = LEADER.matcher(body)).find()) {
          hit = Long.parseLong(m.group(1)) == s.term();
        } else if ((m = COMMIT.matcher(body)).find()) {
          hit = Long.parseLong(m.group(1)) < s.index() && s.index() <= Long.parseLong(m.group(2));
        } else if ((m = DURABLE.matcher(body)).find()) {
          hit = Long.parseLong(m.group(1)) >= s.term() && Long.parseLong(m.group(2)) >= s.index() && durableSeen.add(s);
        } else if ((m = SNAPSHOT.matcher(body)).find()) {
          hit = Long.parseLong(m.group(2)) >= s.index() && snapshotSeen.add(s);
        } else {
          hit = false;
        }
        if (hit) {
          List<Line> l = out.get(s).computeIfAbsent(name, k -> new ArrayList<>());
          if (l.size() < MAX_LINES_PER_NODE) {
            l.add(new Line(name, number, line));
          }
        }
      }
    }
    return any;
  }
}

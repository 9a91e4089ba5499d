package io.shardkv.chaos.checker;

import io.shardkv.chaos.history.Edn;
import io.shardkv.chaos.history.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The append workload's own check, besides linearizability: every key holds a list of unique
 * elements ({@code :append "e;"}, read back by {@code :get} as {@code "e1;e2;..."}), so
 * <ul>
 *   <li>no read holds an element twice ({@code :duplicated}) or one nobody appended
 *       ({@code :unexpected});</li>
 *   <li>all reads of a key are prefixes of one another: one order of the appends explains every
 *       read ({@code :incompatible-order});</li>
 *   <li>an acknowledged append appears in every read that began after it completed ({@code :lost});
 *       no read shows an element before its append began ({@code :premature});</li>
 *   <li>an acknowledged append must be confirmed by some read that began after it — the final read
 *       of every key does that; one that is not ({@code :unconfirmed}, e.g. the final read failed)
 *       makes the result unknown rather than valid.</li>
 * </ul>
 * Reported, not judged: {@code :recovered}, the indeterminate appends that became visible.
 * Duplicated and unexpected elements are counted once per key and element (with the first read
 * that shows them); the other anomalies once per occurrence.
 */
public final class AppendChecker implements Checker {
  /** The separator after each element in the stored string. */
  public static final String SEPARATOR = ";";
  private static final int EXAMPLES = 20;

  /** The stored form of one element. */
  public static String encode(long element) {
    return element + SEPARATOR;
  }

  /** A read's elements in order (duplicates kept); empty for nil. */
  public static List<String> decode(Object value) {
    List<String> l = new ArrayList<>();
    if (value == null) {
      return l;
    }
    for (String s : value.toString().split(SEPARATOR, -1)) {
      if (!s.isEmpty()) {
        l.add(s);
      }
    }
    return l;
  }

  private record Read(OpPair pair, List<String> elements) {}

  @Override
  public Result check(CheckInput input) {
    Map<Object, List<OpPair>> byKey = new TreeMap<>((a, b) -> String.valueOf(a).compareTo(String.valueOf(b)));
    for (OpPair p : OpPair.clientOps(input.history())) {
      byKey.computeIfAbsent(p.invoke().key(), k -> new ArrayList<>()).add(p);
    }
    Anomalies an = new Anomalies();
    int recovered = 0;
    int acked = 0;
    for (Map.Entry<Object, List<OpPair>> e : byKey.entrySet()) {
      Object key = e.getKey();
      Map<String, OpPair> appends = new HashMap<>();
      List<Read> reads = new ArrayList<>();
      for (OpPair p : e.getValue()) {
        if (p.invoke().f().equals("append")) {
          decode(p.invoke().value()).forEach(el -> appends.put(el, p));
        } else if (p.invoke().f().equals("get") && p.type() == Op.Type.OK) {
          reads.add(new Read(p, decode(p.result())));
        }
      }
      Set<String> seen = new HashSet<>();
      Set<String> reported = new HashSet<>();
      for (Read r : reads) {
        Set<String> inRead = new HashSet<>();
        for (String el : r.elements()) {
          if (!inRead.add(el) && reported.add("duplicated " + el)) {
            an.add("duplicated", Edn.map("key", key, "element", el, "read-index", r.pair().invoke().index()));
          }
          OpPair a = appends.get(el);
          if (a == null) {
            if (reported.add("unexpected " + el)) {
              an.add("unexpected", Edn.map("key", key, "element", el, "read-index", r.pair().invoke().index()));
            }
          } else if (r.pair().end() < a.invoke().index()) {
            an.add("premature", Edn.map("key", key, "element", el, "read-index", r.pair().invoke().index(),
                "append-index", a.invoke().index()));
          }
        }
        seen.addAll(inRead);
      }
      Read longest = reads.stream().max((x, y) -> Integer.compare(x.elements().size(), y.elements().size())).orElse(null);
      for (Read r : reads) {
        if (!isPrefix(r.elements(), longest.elements())) {
          an.add("incompatible-order", Edn.map("key", key, "read-index", r.pair().invoke().index(), "read",
              r.elements(), "longest-read-index", longest.pair().invoke().index(), "longest-read", longest.elements()));
        }
      }
      Set<OpPair> counted = new HashSet<>();
      for (Map.Entry<String, OpPair> a : appends.entrySet()) {
        OpPair ap = a.getValue();
        if (ap.type() == Op.Type.INFO && seen.contains(a.getKey()) && counted.add(ap)) {
          recovered++;
        }
        if (ap.type() != Op.Type.OK) {
          continue;
        }
        acked++;
        boolean confirmed = false;
        for (Read r : reads) {
          if (r.pair().invoke().index() > ap.end()) {
            if (r.elements().contains(a.getKey())) {
              confirmed = true;
            } else {
              an.add("lost", Edn.map("key", key, "element", a.getKey(), "append-index", ap.invoke().index(),
                  "read-index", r.pair().invoke().index()));
              confirmed = true; // judged (lost), not merely unconfirmed
            }
          }
        }
        if (!confirmed) {
          an.add("unconfirmed", Edn.map("key", key, "element", a.getKey(), "append-index", ap.invoke().index()));
        }
      }
    }
    Validity v = an.invalid(Set.of("duplicated", "unexpected", "premature", "incompatible-order", "lost"))
        ? Validity.INVALID : an.count("unconfirmed") > 0 ? Validity.UNKNOWN : Validity.VALID;
    Map<Object, Object> d = new LinkedHashMap<>(Edn.map("keys", byKey.size(), "acknowledged-appends", acked,
        "recovered-info-appends", recovered));
    d.putAll(an.summary());
    return new Result(v, d);
  }

  static boolean isPrefix(List<String> a, List<String> b) {
    return a.size() <= b.size() && b.subList(0, a.size()).equals(a);
  }

  /** Anomalies by kind: a count and the first few examples of each. */
  static final class Anomalies {
    private final Map<String, Integer> counts = new TreeMap<>();
    private final Map<String, List<Object>> examples = new TreeMap<>();

    void add(String kind, Object example) {
      counts.merge(kind, 1, Integer::sum);
      List<Object> l = examples.computeIfAbsent(kind, k -> new ArrayList<>());
      if (l.size() < EXAMPLES) {
        l.add(example);
      }
    }

    int count(String kind) {
      return counts.getOrDefault(kind, 0);
    }

    boolean invalid(Set<String> kinds) {
      return kinds.stream().anyMatch(k -> count(k) > 0);
    }

    Map<Object, Object> summary() {
      Map<Object, Object> counted = new LinkedHashMap<>();
      counts.forEach((k, n) -> counted.put(Edn.kw(k), n));
      Map<Object, Object> ex = new LinkedHashMap<>();
      examples.forEach((k, l) -> ex.put(Edn.kw(k), l));
      return Edn.map("anomaly-counts", counted, "anomalies", ex);
    }
  }
}

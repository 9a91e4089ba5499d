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
 * The set workload's check (after Jepsen's set-full). Each set key receives {@code :add e} of
 * unique elements and {@code :read}s returning its elements as stored (duplicates kept); after
 * healing, every key is read once more ({@code :final true}). Per element:
 * <ul>
 *   <li>{@code :lost}: acknowledged, or seen by some read, yet absent from the final read;</li>
 *   <li>{@code :stale}: absent from a read that began after its add was acknowledged, though the
 *       final read has it (a linearizable set never does that);</li>
 *   <li>{@code :unexpected}: read but never added; {@code :duplicated}: twice in one read;</li>
 *   <li>{@code :recovered}: an indeterminate add the final read shows (reported, not judged).</li>
 * </ul>
 * Invalid if any element is lost, stale, unexpected or duplicated; unknown if some key that was
 * added to has no successful final read (nothing can be said about its losses). Every anomaly is
 * counted once per key and element.
 */
public final class SetChecker implements Checker {

  /** A read's elements (as strings) in stored order. */
  static List<String> elements(Object value) {
    List<String> l = new ArrayList<>();
    if (value instanceof List<?> xs) {
      xs.forEach(x -> l.add(String.valueOf(x)));
    }
    return l;
  }

  @Override
  public Result check(CheckInput input) {
    Map<Object, List<OpPair>> byKey = new TreeMap<>((a, b) -> String.valueOf(a).compareTo(String.valueOf(b)));
    for (OpPair p : OpPair.clientOps(input.history())) {
      byKey.computeIfAbsent(p.invoke().key(), k -> new ArrayList<>()).add(p);
    }
    AppendChecker.Anomalies an = new AppendChecker.Anomalies();
    int attempted = 0;
    int acked = 0;
    int recovered = 0;
    List<Object> withoutFinalRead = new ArrayList<>();
    for (Map.Entry<Object, List<OpPair>> e : byKey.entrySet()) {
      Object key = e.getKey();
      Map<String, OpPair> adds = new HashMap<>();
      List<OpPair> reads = new ArrayList<>();
      OpPair fin = null;
      for (OpPair p : e.getValue()) {
        if (p.invoke().f().equals("add")) {
          adds.put(String.valueOf(p.invoke().value()), p);
        } else if (p.invoke().f().equals("read") && p.type() == Op.Type.OK) {
          reads.add(p);
          if (p.invoke().isFinal()) {
            fin = p;
          }
        }
      }
      attempted += adds.size();
      acked += (int) adds.values().stream().filter(a -> a.type() == Op.Type.OK).count();
      Set<String> seen = new HashSet<>();
      Set<String> reported = new HashSet<>();
      for (OpPair r : reads) {
        Set<String> inRead = new HashSet<>();
        for (String el : elements(r.result())) {
          if (!inRead.add(el) && reported.add("duplicated " + el)) {
            an.add("duplicated", Edn.map("key", key, "element", el, "read-index", r.invoke().index()));
          }
          if (!adds.containsKey(el) && reported.add("unexpected " + el)) {
            an.add("unexpected", Edn.map("key", key, "element", el, "read-index", r.invoke().index()));
          }
        }
        seen.addAll(inRead);
      }
      if (fin == null) {
        if (!adds.isEmpty()) {
          withoutFinalRead.add(key);
        }
        continue;
      }
      Set<String> finalSet = new HashSet<>(elements(fin.result()));
      for (Map.Entry<String, OpPair> a : adds.entrySet()) {
        String el = a.getKey();
        OpPair add = a.getValue();
        boolean ok = add.type() == Op.Type.OK;
        if (add.type() == Op.Type.INFO && finalSet.contains(el)) {
          recovered++;
        }
        if ((ok || seen.contains(el)) && !finalSet.contains(el)) {
          an.add("lost", Edn.map("key", key, "element", el, "add-index", add.invoke().index()));
          continue;
        }
        if (ok) {
          for (OpPair r : reads) {
            if (r.invoke().index() > add.end() && !elements(r.result()).contains(el)) {
              an.add("stale", Edn.map("key", key, "element", el, "add-index", add.invoke().index(),
                  "read-index", r.invoke().index()));
              break;
            }
          }
        }
      }
    }
    Validity v = an.invalid(Set.of("lost", "stale", "unexpected", "duplicated")) ? Validity.INVALID
        : !withoutFinalRead.isEmpty() ? Validity.UNKNOWN : Validity.VALID;
    Map<Object, Object> d = new LinkedHashMap<>(Edn.map("keys", byKey.size(), "attempted-adds", attempted,
        "acknowledged-adds", acked, "recovered-info-adds", recovered, "keys-without-final-read", withoutFinalRead));
    d.putAll(an.summary());
    return new Result(v, d);
  }
}

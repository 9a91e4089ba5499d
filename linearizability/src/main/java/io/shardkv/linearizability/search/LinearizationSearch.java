package io.shardkv.linearizability.search;

import io.shardkv.linearizability.Model;
import io.shardkv.linearizability.Operation;
import io.shardkv.linearizability.Verdict;
import java.util.Arrays;
import java.util.List;

/**
 * Decides one partition: the memoized depth-first search of Wing &amp; Gong as refined by Lowe and
 * Porcupine, over a doubly linked list of call and return entries.
 *
 * <p><b>Configurations.</b> A configuration is (L, s): the set L of ops linearized so far and the
 * model state s after them. An op not in L is a <em>candidate</em> iff its call precedes the first
 * return entry still in the list (no unlinearized op returned before it was called), which is exactly
 * the real-time order constraint. The search succeeds when every completed op is in L (INFO ops may
 * stay out: they never happened). Visited configurations are memoized ({@link ConfigCache}); since L
 * grows along a path, a configuration met again is one already fully explored and failed.
 *
 * <p><b>The list.</b> Entries are sorted by position (a call before a return at equal positions, so
 * ties count as concurrent). Linearizing an op lifts its call and return entries out in O(1);
 * backtracking re-inserts them in reverse order (dancing links), so the candidate window is always
 * the call entries before the first remaining return entry.
 *
 * <p><b>Sound optimizations</b> (on when {@code optimized}; cross-checked against the plain search in
 * the property tests):
 * <ul>
 *   <li><i>Eager read-only ops.</i> A candidate r that the model declares read-only and that is legal
 *       in s is linearized at once, as a forced move with no alternative. Lemma: if (L, s) extends to a
 *       linearization α r β, then r α β is one too — r leaves s unchanged, α and β see the same
 *       states, and no op of α returned before r was called (all of them are unlinearized and r is a
 *       candidate). So (L∪{r}, s) fails only if (L, s) fails; backtracking over a forced move goes
 *       straight to the previous real choice. This removes the 2^k subsets of concurrent reads that
 *       blow up Porcupine on histories with many clients.</li>
 *   <li><i>INFO dominance</i> in the memo, see {@link ConfigCache#add}: a configuration that only
 *       adds INFO ops to a failed one with the same state fails too.</li>
 *   <li><i>Model look-ahead</i> ({@link Model#lookahead}): a model may declare a configuration
 *       hopeless from the ops still to come, e.g. kv's prefix rule.</li>
 *   <li><i>Value tracking</i> ({@link Model#produces}): leaving a value that nothing left can
 *       produce while some completed op still needs it is a dead end.</li>
 *   <li><i>Return-order candidates.</i> Candidates are tried by earliest return first: the op that
 *       returns first must be linearized before anything called after that return, so it is the most
 *       constrained. Only the order of exploration changes, never the set explored.</li>
 * </ul>
 * Timeouts, the memory cap and cancellation end the search with UNKNOWN, never with a verdict.
 */
public final class LinearizationSearch {

  /** What the search found. {@code linearization} is in local op indices. */
  public record Outcome(Verdict verdict, int[] linearization, int failingOp, String reason,
      long configurations) {}

  private final Model<Object> model;
  private final Operation[] ops;     // indexed by bit id
  private final int[] localIndex;    // bit id -> index in the caller's list
  private final int completed;       // bit ids [0, completed) are completed ops, the rest INFO
  private final boolean optimized;
  private final Budget budget;

  // The entry list: entries 0..E-1, head sentinel E. next/prev use -1 for "none".
  private final int head;
  private final int[] next;
  private final int[] prev;
  private final int[] entryOp;
  private final boolean[] entryIsCall;
  private final int[] callEntry;
  private final int[] returnEntry;

  @SuppressWarnings("unchecked")
  public LinearizationSearch(Model<?> model, List<Operation> partitionOps, boolean optimized,
      Budget budget) {
    this.model = (Model<Object>) model;
    this.optimized = optimized;
    this.budget = budget;
    int n = partitionOps.size();
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    // Completed ops first, each group by call position: the numbering ConfigCache relies on.
    Arrays.sort(order, (a, b) -> {
      Operation x = partitionOps.get(a);
      Operation y = partitionOps.get(b);
      if (x.completed() != y.completed()) {
        return x.completed() ? -1 : 1;
      }
      return Long.compare(x.call(), y.call());
    });
    ops = new Operation[n];
    localIndex = new int[n];
    int c = 0;
    for (int id = 0; id < n; id++) {
      ops[id] = partitionOps.get(order[id]);
      localIndex[id] = order[id];
      if (ops[id].completed()) {
        c++;
      }
    }
    completed = c;
    prodIdx = new int[n];
    reqIdx = new int[n];
    java.util.Map<Object, Integer> index = new java.util.HashMap<>();
    for (int id = 0; id < n; id++) {
      Object p = this.model.produces(ops[id]);
      Object r = this.model.requires(ops[id]);
      prodIdx[id] = p == null ? -1 : index.computeIfAbsent(p, k -> index.size());
      reqIdx[id] = r == null ? -1 : index.computeIfAbsent(r, k -> index.size());
    }
    valueIndex = index;
    producersLeft = new int[index.size()];
    demand = new int[index.size()];
    for (int id = 0; id < n; id++) {
      if (prodIdx[id] >= 0) {
        producersLeft[prodIdx[id]]++;
      }
      if (reqIdx[id] >= 0) {
        demand[reqIdx[id]]++;
      }
    }

    int entries = n + completed;
    entryOp = new int[entries];
    entryIsCall = new boolean[entries];
    callEntry = new int[n];
    returnEntry = new int[n];
    Arrays.fill(returnEntry, -1);
    int e = 0;
    for (int id = 0; id < n; id++) {
      entryOp[e] = id;
      entryIsCall[e] = true;
      e++;
      if (ops[id].completed()) {
        entryOp[e] = id;
        entryIsCall[e] = false;
        e++;
      }
    }
    Integer[] sorted = new Integer[entries];
    for (int i = 0; i < entries; i++) {
      sorted[i] = i;
    }
    Arrays.sort(sorted, (a, b) -> {
      long pa = entryIsCall[a] ? ops[entryOp[a]].call() : ops[entryOp[a]].ret();
      long pb = entryIsCall[b] ? ops[entryOp[b]].call() : ops[entryOp[b]].ret();
      if (pa != pb) {
        return Long.compare(pa, pb);
      }
      if (entryIsCall[a] != entryIsCall[b]) {
        return entryIsCall[a] ? -1 : 1; // ties are concurrent: calls before returns
      }
      return Integer.compare(entryOp[a], entryOp[b]);
    });
    head = entries;
    next = new int[entries + 1];
    prev = new int[entries + 1];
    int last = head;
    prev[head] = -1;
    for (int i = 0; i < entries; i++) {
      int ent = sorted[i];
      next[last] = ent;
      prev[ent] = last;
      last = ent;
      if (entryIsCall[ent]) {
        callEntry[entryOp[ent]] = ent;
      } else {
        returnEntry[entryOp[ent]] = ent;
      }
    }
    next[last] = -1;
  }

  // Value tracking (Model#produces): per value, unlinearized producers and completed requirers.
  private final int[] prodIdx;
  private final int[] reqIdx;
  private final java.util.Map<Object, Integer> valueIndex;
  private final int[] producersLeft;
  private final int[] demand;

  // ---- search state ----
  private long[] bits;
  private int completedWords;
  private int firstOpen;
  private int remaining;
  private Object state;
  private int depth;
  private int[] frameOp;
  private boolean[] frameForced;
  private Object[] frameState;
  private ConfigCache.Node[] frameNode;
  private int[] frameCandStart;
  private int[] frameCandEnd;
  private int[] frameCandNext;
  private int[] candidates;
  private int candTop;
  private int[] best;
  private int bestLen;
  private int stableDepth; // min depth since the last copy into best
  private int[] frameHiWord;
  private int hiWord = -1; // upper bound on the highest non-zero completed word
  private ConfigCache cache;
  private long steps;

  /** Runs the search to a verdict, or to UNKNOWN when the budget runs out. */
  public Outcome run() {
    int n = ops.length;
    completedWords = (completed + 63) >>> 6;
    bits = new long[completedWords + ((n - completed + 63) >>> 6)];
    firstOpen = 0;
    remaining = completed;
    state = model.init();
    depth = 0;
    frameOp = new int[n + 1];
    frameForced = new boolean[n + 1];
    frameState = new Object[n + 1];
    frameNode = new ConfigCache.Node[n + 1];
    frameHiWord = new int[n + 1];
    best = new int[n + 1];
    frameCandStart = new int[n + 1];
    frameCandEnd = new int[n + 1];
    frameCandNext = new int[n + 1];
    candidates = new int[Math.max(16, 4 * n)];
    cache = new ConfigCache(model::equal, model::hash, budget, completedWords);
    try {
      return search();
    } catch (ConfigCache.OutOfBudget e) {
      return unknown("memory cap reached after " + cache.size() + " configurations");
    } finally {
      cache.release();
    }
  }

  private Outcome search() {
    if (optimized && (unreachableDemand() || !closure())) {
      return illegal();
    }
    outer:
    while (true) {
      if (remaining == 0) {
        return new Outcome(Verdict.LINEARIZABLE, toLocal(frameOp, depth), -1, "", cache.size());
      }
      int start = candTop;
      int end = optimized && deadEnd() ? start : collectCandidates(start);
      int cursor = start;
      while (true) {
        while (cursor < end) {
          if ((++steps & 1023) == 0) {
            if (budget.cancelled()) {
              return unknown("cancelled: another partition is not linearizable");
            }
            if (budget.timedOut()) {
              return unknown("timed out after " + cache.size() + " configurations");
            }
            if (budget.stepsExhausted(steps)) {
              return unknown("step limit reached after " + steps + " steps and " + cache.size() + " configurations");
            }
          }
          int id = candidates[cursor++];
          Object next = model.step(state, ops[id]);
          if (next == null) {
            continue;
          }
          setBit(id);
          ConfigCache.Node node = cache.add(bits, hiWord, firstOpen, next, optimized);
          if (node == null) {
            clearBit(id);
            continue;
          }
          Object before = state;
          push(id, false, start, end, cursor, node);
          state = next;
          if (!optimized || (!abandoned(before) && closure())) {
            continue outer;
          }
          popForced();
          pop(); // the choice just made; its cursor is still in the local variable
        }
        candTop = start;
        popForced();
        if (depth == 0) {
          return illegal();
        }
        start = frameCandStart[depth - 1];
        end = frameCandEnd[depth - 1];
        cursor = frameCandNext[depth - 1];
        pop();
      }
    }
  }

  /**
   * Linearizes every candidate that the model says is forced in the current state (read-only ops
   * legal there, see the class comment; {@link Model#forcedIn}). Returns false if one leads to an already failed configuration, in which case
   * the current configuration fails too (the caller pops the forced frames pushed so far).
   */
  private boolean closure() {
    int e = next[head];
    while (e != -1 && entryIsCall[e]) {
      int id = entryOp[e];
      Object after;
      if (model.forcedIn(state, ops[id]) && (after = model.step(state, ops[id])) != null
          && model.equal(after, state)) {
        setBit(id);
        ConfigCache.Node node = cache.add(bits, hiWord, firstOpen, state, optimized);
        if (node == null) {
          clearBit(id);
          return false;
        }
        int before = prev[e];
        push(id, true, 0, 0, 0, node);
        e = next[before];
      } else {
        e = next[e];
      }
    }
    return true;
  }

  /**
   * Value tracking ({@link Model#produces}): true if the last step left state {@code before}, no
   * producer of that value remains unlinearized, and a completed op still requires it. States change
   * only through the remaining ops, none of which can produce that value again, so the requiring op
   * can never be linearized: the configuration has no completion.
   */
  private boolean abandoned(Object before) {
    if (valueIndex.isEmpty() || model.equal(before, state)) {
      return false;
    }
    Integer v = valueIndex.get(model.valueKey(before));
    return v != null && producersLeft[v] == 0 && demand[v] > 0;
  }

  /** Before the search: a value some completed op requires but nothing (nor the start) produces. */
  private boolean unreachableDemand() {
    Object initial = model.valueKey(state);
    for (java.util.Map.Entry<Object, Integer> e : valueIndex.entrySet()) {
      int v = e.getValue();
      if (producersLeft[v] == 0 && demand[v] > 0 && !java.util.Objects.equals(e.getKey(), initial)) {
        return true;
      }
    }
    return false;
  }

  /** Asks the model's {@link Model#lookahead} whether the current configuration is hopeless. */
  private boolean deadEnd() {
    for (int e = next[head]; e != -1; e = next[e]) {
      Model.Lookahead l = model.lookahead(state, ops[entryOp[e]], !entryIsCall[e]);
      if (l == Model.Lookahead.DEAD) {
        return true;
      }
      if (l == Model.Lookahead.STOP) {
        return false;
      }
    }
    return false;
  }

  private int collectCandidates(int start) {
    int end = start;
    for (int e = next[head]; e != -1 && entryIsCall[e]; e = next[e]) {
      if (end == candidates.length) {
        candidates = Arrays.copyOf(candidates, candidates.length * 2);
      }
      candidates[end++] = entryOp[e];
    }
    if (optimized) {
      // insertion sort by return position (INFO last), then call: earliest deadline first
      for (int i = start + 1; i < end; i++) {
        int x = candidates[i];
        int j = i - 1;
        while (j >= start && ops[candidates[j]].ret() > ops[x].ret()) {
          candidates[j + 1] = candidates[j];
          j--;
        }
        candidates[j + 1] = x;
      }
    }
    if (optimized) {
      preferUnblocking(start, end);
    }
    candTop = end;
    return end;
  }

  /**
   * Exploration-order heuristic (changes the order, never the set explored): after the closure,
   * the earliest-returning unlinearized op that the model calls read-only is illegal in the current
   * state; try first the candidates after which it becomes legal (for a register: the write of the
   * value it read). Finds a linearization of a linearizable history with far less backtracking.
   */
  private void preferUnblocking(int start, int end) {
    int blocker = -1;
    for (int e = next[head]; e != -1; e = next[e]) {
      if (!entryIsCall[e]) {
        int id = entryOp[e];
        if (model.readOnly(ops[id])) {
          blocker = id;
        }
        break;
      }
    }
    if (blocker < 0) {
      return;
    }
    int w = start;
    for (int i = start; i < end; i++) {
      int c = candidates[i];
      if (c == blocker || model.readOnly(ops[c])) {
        continue;
      }
      Object after = model.step(state, ops[c]);
      if (after != null && model.step(after, ops[blocker]) != null) {
        // move c to position w, keeping the others' relative order
        System.arraycopy(candidates, w, candidates, w + 1, i - w);
        candidates[w++] = c;
      }
    }
  }

  private void push(int id, boolean forced, int candStart, int candEnd, int candNext,
      ConfigCache.Node node) {
    frameOp[depth] = id;
    frameNode[depth] = node;
    frameHiWord[depth] = hiWord;
    frameForced[depth] = forced;
    frameState[depth] = state;
    frameCandStart[depth] = candStart;
    frameCandEnd[depth] = candEnd;
    frameCandNext[depth] = candNext;
    depth++;
    lift(id);
    if (ops[id].completed()) {
      remaining--;
    }
    if (prodIdx[id] >= 0) {
      producersLeft[prodIdx[id]]--;
    }
    if (reqIdx[id] >= 0) {
      demand[reqIdx[id]]--;
    }
    if (depth > bestLen) {
      // frames below stableDepth were not popped since the last copy: copy only the rest
      System.arraycopy(frameOp, stableDepth, best, stableDepth, depth - stableDepth);
      bestLen = depth;
      stableDepth = depth;
    }
  }

  /** Pops the top frame, restoring the state, the list and the bitset. */
  private void pop() {
    depth--;
    if (depth < stableDepth) {
      stableDepth = depth;
    }
    int id = frameOp[depth];
    state = frameState[depth];
    frameState[depth] = null;
    frameNode[depth].failed = true; // backtracking out of it: fully explored, no completion
    frameNode[depth] = null;
    unlift(id);
    hiWord = frameHiWord[depth];
    clearBit(id);
    if (ops[id].completed()) {
      remaining++;
    }
    if (prodIdx[id] >= 0) {
      producersLeft[prodIdx[id]]++;
    }
    if (reqIdx[id] >= 0) {
      demand[reqIdx[id]]++;
    }
  }

  private void popForced() {
    while (depth > 0 && frameForced[depth - 1]) {
      pop();
    }
  }

  private void lift(int id) {
    remove(callEntry[id]);
    if (returnEntry[id] >= 0) {
      remove(returnEntry[id]);
    }
  }

  private void unlift(int id) {
    if (returnEntry[id] >= 0) {
      reinsert(returnEntry[id]);
    }
    reinsert(callEntry[id]);
  }

  private void remove(int e) {
    next[prev[e]] = next[e];
    if (next[e] != -1) {
      prev[next[e]] = prev[e];
    }
  }

  private void reinsert(int e) {
    next[prev[e]] = e;
    if (next[e] != -1) {
      prev[next[e]] = e;
    }
  }

  private void setBit(int id) {
    bits[wordOf(id)] |= maskOf(id);
    if (id < completed && (id >>> 6) > hiWord) {
      hiWord = id >>> 6;
    }
    if (id == firstOpen) {
      while (firstOpen < completed && (bits[firstOpen >>> 6] & (1L << (firstOpen & 63))) != 0) {
        firstOpen++;
      }
    }
  }

  private void clearBit(int id) {
    bits[wordOf(id)] &= ~maskOf(id);
    if (id < firstOpen) {
      firstOpen = id;
    }
  }

  /** Completed ops occupy words [0, completedWords); INFO ops are numbered from 0 after them. */
  private int wordOf(int id) {
    return id < completed ? id >>> 6 : completedWords + ((id - completed) >>> 6);
  }

  private long maskOf(int id) {
    return 1L << ((id < completed ? id : id - completed) & 63);
  }

  private Outcome illegal() {
    boolean[] in = new boolean[ops.length];
    for (int i = 0; i < bestLen; i++) {
      in[best[i]] = true;
    }
    int failing = -1;
    for (int id = 0; id < completed; id++) {
      if (!in[id] && (failing < 0 || ops[id].ret() < ops[failing].ret())) {
        failing = id;
      }
    }
    return new Outcome(Verdict.NOT_LINEARIZABLE, toLocal(best, bestLen),
        failing < 0 ? -1 : localIndex[failing], "", cache.size());
  }

  private Outcome unknown(String reason) {
    return new Outcome(Verdict.UNKNOWN, toLocal(best, bestLen), -1, reason, cache.size());
  }

  private int[] toLocal(int[] ids, int len) {
    int[] out = new int[len];
    for (int i = 0; i < len; i++) {
      out[i] = localIndex[ids[i]];
    }
    return out;
  }
}

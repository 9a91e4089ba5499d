package io.shardkv.server.sim.shardkv;

import io.shardkv.linearizability.History;
import io.shardkv.linearizability.Operation;
import io.shardkv.linearizability.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * "Definite" means the write did not and will not take effect, so no read may ever return what a
 * write reported {@code :fail} wrote. Exact for the simulator's workload, whose written values are
 * unique and parse back out of any value read: a read value is an optional put token
 * {@code p<client>.<n>} followed by append tokens {@code c<client>.<n>;} ({@link WorkloadClient}).
 *
 * <p>The kv-model checker rejects such a history too, but only as "key K is not linearizable" (or
 * UNKNOWN if its search runs out of budget); this check is linear in the history and names the
 * failed write and the read that saw it.
 */
final class FailedWritesCheck {
  private FailedWritesCheck() {}

  /** The first read that observed a failed write's value, described; null if there is none. */
  static String firstViolation(History h) {
    TreeMap<String, Operation> failed = new TreeMap<>(); // "key\0token" → the failed write
    for (Operation op : h.ops()) {
      if (op.status() == Status.FAIL && (op.f().equals("append") || op.f().equals("put")) && op.input() != null) {
        failed.put(op.key() + "\0" + op.input(), op);
      }
    }
    if (failed.isEmpty()) return null;
    for (Operation op : h.ops()) {
      if (op.status() != Status.OK || !op.f().equals("get") || !(op.output() instanceof String value)) continue;
      for (String token : tokens(value)) {
        Operation w = failed.get(op.key() + "\0" + token);
        if (w != null) {
          return w.f() + " of '" + token + "' to key " + op.key() + " by process " + w.process()
              + " was reported :fail (definitely not applied), but a get by process " + op.process()
              + " read '" + value + "'";
        }
      }
    }
    return null;
  }

  /** The write tokens of a value read: the leading put value, then each append value. */
  static List<String> tokens(String value) {
    List<String> out = new ArrayList<>();
    int i = 0;
    if (value.startsWith("p")) {
      int c = value.indexOf('c');
      i = c < 0 ? value.length() : c;
      out.add(value.substring(0, i));
    }
    while (i < value.length()) {
      int end = value.indexOf(';', i);
      if (end < 0) {
        out.add(value.substring(i)); // not this workload's shape; compared as is
        break;
      }
      out.add(value.substring(i, end + 1));
      i = end + 1;
    }
    return out;
  }
}

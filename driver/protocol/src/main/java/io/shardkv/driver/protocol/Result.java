package io.shardkv.driver.protocol;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The body of a {@link Response}. Which kind a response carries is fixed by its status and, for
 * OK, by the request type — see {@link Response#expectedKind}.
 */
public sealed interface Result {

  /** No body. */
  record None() implements Result {
    public static final None INSTANCE = new None();
  }

  /** A value: GET's value (never null), or CAS_MISMATCH's current value (null = key absent). */
  record Value(String value) implements Result {}

  /** WRONG_LEADER's hint: the leader's node id (-1 if unknown) and client address ("" if unknown). */
  record LeaderHint(int leaderId, String address) implements Result {
    public static final int UNKNOWN = -1;
    public LeaderHint { Objects.requireNonNull(address, "address"); }
  }

  /** WRONG_GROUP's hint: the configuration number the server is in. */
  record GroupHint(long configNum) implements Result {}

  /** Human-readable explanation of an error status. */
  record Text(String message) implements Result {
    public Text { Objects.requireNonNull(message, "message"); }
  }

  /** QUERY's configuration. */
  record Config(Configuration config) implements Result {
    public Config { Objects.requireNonNull(config, "config"); }
  }

  /**
   * SCAN's page: keys and values in key order ({@link String#compareTo}), and whether the shard
   * may hold further matching keys after the last one (ask again with {@code after} = that key).
   */
  record Page(SortedMap<String, String> entries, boolean more) implements Result {
    public Page { entries = Collections.unmodifiableSortedMap(new TreeMap<>(entries)); }
  }

  /** STATUS's key/value pairs, sorted by key. */
  record Info(SortedMap<String, String> entries) implements Result {
    public Info { entries = Collections.unmodifiableSortedMap(new TreeMap<>(entries)); }
    public static Info of(Map<String, String> m) { return new Info(new TreeMap<>(m)); }
  }
}

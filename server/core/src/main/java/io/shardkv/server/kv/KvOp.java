package io.shardkv.server.kv;

import java.util.Objects;

/** One key-value operation. Keys and values are strings (UTF-8 on the wire); null is never a value. */
public sealed interface KvOp {
  String key();

  /** True for operations that change state and are therefore deduplicated. */
  boolean isWrite();

  /** Reads the value under the key: {@code OK} with it, or {@code NOT_FOUND}. */
  record Get(String key) implements KvOp {
    public Get {
      Objects.requireNonNull(key, "key");
    }

    @Override
    public boolean isWrite() {
      return false;
    }
  }

  /** Sets the value under the key. */
  record Put(String key, String value) implements KvOp {
    public Put {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }

    @Override
    public boolean isWrite() {
      return true;
    }
  }

  /** Appends to the value under the key (an absent key counts as the empty string). */
  record Append(String key, String value) implements KvOp {
    public Append {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }

    @Override
    public boolean isWrite() {
      return true;
    }
  }

  /**
   * Compare-and-set: writes {@code value} iff the current value equals {@code expected}
   * ({@code expected == null} means "the key is absent"). {@code OK} on success, otherwise
   * {@code CAS_MISMATCH} carrying the current value (null if absent).
   */
  record Cas(String key, String expected, String value) implements KvOp {
    public Cas {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }

    @Override
    public boolean isWrite() {
      return true;
    }
  }

  /** Removes the key: {@code OK} with the old value, or {@code NOT_FOUND}. */
  record Delete(String key) implements KvOp {
    public Delete {
      Objects.requireNonNull(key, "key");
    }

    @Override
    public boolean isWrite() {
      return true;
    }
  }
}

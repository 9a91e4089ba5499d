package io.shardkv.linearizability.format;

import io.shardkv.linearizability.History;
import java.util.Set;

/**
 * A history as read from a file, with what the reader learned about it.
 *
 * @param history the operations
 * @param format the format actually read (never AUTO)
 * @param functions the distinct {@code :f} names seen, for model inference
 * @param keyed whether ops carry keys ({@code :key}, or independent {@code [k v]} values)
 */
public record ParsedHistory(History history, Format format, Set<String> functions, boolean keyed) {

  /**
   * The default model name for this history: {@code cas-register} for Porcupine etcd logs, {@code kv}
   * for Porcupine kv logs; for Jepsen EDN, {@code kv} when ops carry a {@code :key} or use get, put,
   * append or delete; else {@code cas-register} when a cas occurs, else {@code register} when only
   * read/write occur; null when nothing fits (the caller asks for --model).
   */
  public String defaultModel() {
    switch (format) {
      case PORCUPINE_ETCD:
        return "cas-register";
      case PORCUPINE_KV:
        return "kv";
      default:
        break;
    }
    boolean kvOps = functions.stream().anyMatch(f -> Set.of("get", "put", "append", "delete").contains(f));
    if (kvOps || (keyed && !functions.contains("read"))) {
      return "kv";
    }
    if (functions.stream().allMatch(f -> Set.of("read", "write", "cas").contains(f))) {
      return functions.contains("cas") ? "cas-register" : "register";
    }
    return null;
  }
}

package io.shardkv.linearizability.format;

import java.util.Locale;

/** Input formats the readers understand; {@link #AUTO} detects one from the first non-blank line. */
public enum Format {
  AUTO, JEPSEN_EDN, PORCUPINE_ETCD, PORCUPINE_KV;

  /** Command-line name, e.g. {@code porcupine-etcd}. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static Format fromCliName(String name) {
    for (Format f : values()) {
      if (f.cliName().equals(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown format '" + name
        + "'; choose one of auto, jepsen-edn, porcupine-etcd, porcupine-kv");
  }
}

package io.shardkv.linearizability.models;

import io.shardkv.linearizability.Model;
import java.util.List;

/** The shipped models, by their command-line names. */
public final class Models {
  private Models() {}

  /** Names accepted by {@link #byName}. */
  public static final List<String> NAMES = List.of("register", "cas-register", "kv");

  /**
   * The model called {@code name}; {@code failedCasIsCompare} selects the Porcupine etcd reading of
   * a FAIL cas for {@code cas-register}. Throws IllegalArgumentException for an unknown name.
   */
  public static Model<?> byName(String name, boolean failedCasIsCompare) {
    return switch (name) {
      case "register" -> RegisterModel.register();
      case "cas-register" -> failedCasIsCompare
          ? RegisterModel.casRegisterFailedCasIsCompare() : RegisterModel.casRegister();
      case "kv" -> new KvModel();
      default -> throw new IllegalArgumentException("unknown model '" + name + "'; choose one of "
          + String.join(", ", NAMES));
    };
  }
}

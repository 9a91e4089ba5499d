package io.shardkv.server.shardkv;

import io.shardkv.driver.routing.DecodeException;

/**
 * What a group holds for one shard, relative to its current config {@code C} and previous config
 * {@code P} (see docs/shardkv-design.md for the diagram). "Absent" (not held at all) is represented
 * by null, never by a constant, so no state can hold data by mistake.
 *
 * <pre>
 *              NewConfig: owned in C, prev owner is a group          InstallShard(C, s)
 *   absent ───────────────────────────────────────────► PULLING ─────────────────────► GCING
 *     ▲  │ NewConfig: owned in C, prev owner gid 0                                       │
 *     │  └───────────────────────────────────► SERVING ◄─────────────────────────────────┘
 *     │                                          │            ShardGcDone(C, s)
 *     │ DeleteShard(C, s)                        │ NewConfig: not owned in C (new owner a group)
 *     └───────────────────────────── BEPULLING ◄─┘
 * </pre>
 */
public enum ShardState {
  /** Owned in C, data here, served. */
  SERVING(1, true, true),
  /** Owned in C, waiting for the data from the previous owner; requests get WRONG_GROUP. */
  PULLING(2, false, false),
  /**
   * Owned in P but not in C: the data is frozen (no client op touches it) and kept until the new
   * owner confirms it installed it; then it is deleted.
   */
  BEPULLING(3, true, false),
  /**
   * Owned in C, data installed and served, but the previous owner has not yet confirmed it deleted
   * its copy; this group keeps asking it to.
   */
  GCING(4, true, true);

  private final int code;
  private final boolean holdsData;
  private final boolean serves;

  ShardState(int code, boolean holdsData, boolean serves) {
    this.code = code;
    this.holdsData = holdsData;
    this.serves = serves;
  }

  public int code() {
    return code;
  }

  public boolean holdsData() {
    return holdsData;
  }

  /** True when client operations on the shard execute here. */
  public boolean serves() {
    return serves;
  }

  public static ShardState fromCode(int code) {
    for (ShardState s : values()) {
      if (s.code == code) {
        return s;
      }
    }
    throw new DecodeException("unknown shard state code " + code);
  }
}

package io.shardkv.cli;

import picocli.CommandLine.Option;

/**
 * The load options of {@code shardkv bench}, shared as a picocli mixin with the benchmark-only
 * harnesses that run the same loads against other stores ({@code scripts/bench-etcd}), so both take
 * the same flags with the same defaults and the same checks.
 */
public final class LoadOptions {
  @Option(names = "--clients", description = "run one load with this many clients")
  private Integer clients;

  @Option(names = "--ops", description = "operations per load (default: use --duration)")
  private Long ops;

  @Option(names = "--duration", defaultValue = "10", description = "seconds per load (default 10)")
  private int duration;

  @Option(names = "--warmup", defaultValue = "2", paramLabel = "SECONDS",
      description = "seconds of the same load, not timed, before each load's window (default 2; 0: none)")
  private int warmup;

  @Option(names = "--value-size", defaultValue = "16", description = "value size in bytes (default 16)")
  private int valueSize;

  @Option(names = "--read-ratio", defaultValue = "0.5", description = "fraction of gets (default 0.5; the rest are puts)")
  private double readRatio;

  @Option(names = "--keys", defaultValue = "10000", description = "size of the key space (default 10000)")
  private int keys;

  @Option(names = "--json", description = "one JSON object per load on stdout")
  private boolean json;

  /** The number of clients of the one custom load, or null for the standard loads. */
  public Integer clients() {
    return clients;
  }

  /** Operations per load, or null: each load runs {@link #duration()} seconds. */
  public Long ops() {
    return ops;
  }

  public int duration() {
    return duration;
  }

  /** Seconds each load runs unmeasured before its window. */
  public int warmup() {
    return warmup;
  }

  public int valueSize() {
    return valueSize;
  }

  public double readRatio() {
    return readRatio;
  }

  public int keys() {
    return keys;
  }

  public boolean json() {
    return json;
  }

  /** True if every option is in range; otherwise the caller prints {@link #RANGES} and exits 2. */
  public boolean valid() {
    return readRatio >= 0 && readRatio <= 1 && valueSize >= 0 && duration >= 1 && (clients == null || clients >= 1)
        && keys >= 1 && (ops == null || ops >= 1) && warmup >= 0;
  }

  /** The ranges {@link #valid()} checks, as the usage error says them. */
  public static final String RANGES =
      "--read-ratio must be in [0,1], --value-size >= 0, --duration >= 1, --clients >= 1, --keys >= 1, --ops >= 1, --warmup >= 0";
}

package io.shardkv.linearizability;

/** The answer for a history or a partition. Combining: false beats unknown beats true. */
public enum Verdict {
  LINEARIZABLE("linearizable"),
  NOT_LINEARIZABLE("not-linearizable"),
  UNKNOWN("unknown");

  private final String label;

  Verdict(String label) {
    this.label = label;
  }

  /** The label used in JSON and text output. */
  public String label() {
    return label;
  }

  /** Jepsen's composition: NOT_LINEARIZABLE beats UNKNOWN beats LINEARIZABLE. */
  public Verdict and(Verdict other) {
    if (this == NOT_LINEARIZABLE || other == NOT_LINEARIZABLE) {
      return NOT_LINEARIZABLE;
    }
    if (this == UNKNOWN || other == UNKNOWN) {
      return UNKNOWN;
    }
    return LINEARIZABLE;
  }
}

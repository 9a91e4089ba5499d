package io.shardkv.server.sim;

/**
 * How one directed link treats a message: dropped with {@code dropProbability}; otherwise delivered
 * after a delay drawn uniformly from {@code [minDelayMs, maxDelayMs]}, or with
 * {@code longDelayProbability} from {@code [longDelayMinMs, longDelayMaxMs]}; and with
 * {@code duplicateProbability} a second copy is sent with its own delay. Messages on one link are
 * reordered whenever their delays cross, so the delay spread is the reordering knob.
 */
public record LinkProfile(double dropProbability, double duplicateProbability,
                          long minDelayMs, long maxDelayMs,
                          double longDelayProbability, long longDelayMinMs, long longDelayMaxMs) {

  /** A LAN: 1–5 ms, nothing lost or duplicated (delays still cross, so a little reordering). */
  public static final LinkProfile RELIABLE = new LinkProfile(0, 0, 1, 5, 0, 0, 0);

  public LinkProfile {
    checkProbability("dropProbability", dropProbability);
    checkProbability("duplicateProbability", duplicateProbability);
    checkProbability("longDelayProbability", longDelayProbability);
    if (minDelayMs < 0 || maxDelayMs < minDelayMs) {
      throw new IllegalArgumentException("delay range must satisfy 0 <= min <= max: [" + minDelayMs + ", " + maxDelayMs + "]");
    }
    if (longDelayProbability > 0 && (longDelayMinMs < 0 || longDelayMaxMs < longDelayMinMs)) {
      throw new IllegalArgumentException("long delay range must satisfy 0 <= min <= max: ["
          + longDelayMinMs + ", " + longDelayMaxMs + "]");
    }
  }

  public LinkProfile withDrop(double p) {
    return new LinkProfile(p, duplicateProbability, minDelayMs, maxDelayMs, longDelayProbability, longDelayMinMs, longDelayMaxMs);
  }

  public LinkProfile withDuplicate(double p) {
    return new LinkProfile(dropProbability, p, minDelayMs, maxDelayMs, longDelayProbability, longDelayMinMs, longDelayMaxMs);
  }

  public LinkProfile withDelay(long minMs, long maxMs) {
    return new LinkProfile(dropProbability, duplicateProbability, minMs, maxMs, longDelayProbability, longDelayMinMs, longDelayMaxMs);
  }

  public LinkProfile withLongDelay(double p, long minMs, long maxMs) {
    return new LinkProfile(dropProbability, duplicateProbability, minDelayMs, maxDelayMs, p, minMs, maxMs);
  }

  /** Draws a one-way delay for a message on this link. */
  long drawDelay(SimRandom r) {
    if (r.chance(longDelayProbability)) return r.between(longDelayMinMs, longDelayMaxMs);
    return r.between(minDelayMs, maxDelayMs);
  }

  private static void checkProbability(String name, double p) {
    if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException(name + " must be in [0, 1]: " + p);
  }
}

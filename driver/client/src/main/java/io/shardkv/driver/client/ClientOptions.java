package io.shardkv.driver.client;

import java.time.Duration;

/**
 * Client settings.
 *
 * @param callTimeout    default deadline of one operation, retries included
 * @param attemptTimeout how long one attempt waits for its reply before trying another server
 * @param initialBackoff first pause after every server of a group failed in a row (doubles)
 * @param maxBackoff     longest such pause
 * @param connectTimeout TCP connect timeout per server
 * @param failFastUntilReached while neither this session nor any other session over the same
 *     {@link Connections} has reached the cluster, a config center that refuses every connection ends
 *     the call at once with a definite "cannot connect to any config-center node" (a mistyped address
 *     list, or a cluster that is not running) instead of retrying until the call's deadline. Once the
 *     cluster has been reached, refused connections are an outage and are retried with backoff within
 *     the call's timeout, whatever this says. On by default (the CLI's quick error); a program that
 *     starts sessions while the cluster may be down (after a power loss of every host) turns it off.
 * @param home     null (the default): follow the leader. Otherwise a server address {@code HOST:PORT} or a
 *     host {@code HOST}: the session is <em>home-bound</em> and sends the first attempt of every
 *     key operation to the key's group's server at that home, whoever leads (redirects and timeouts
 *     are then followed as usual within the call). For fault-injection tests that must keep asking a
 *     server clients would otherwise abandon (docs/chaos.md, Mutants); it costs a redirect per call
 *     when home is not the leader.
 */
public record ClientOptions(Duration callTimeout, Duration attemptTimeout, Duration initialBackoff,
                            Duration maxBackoff, Duration connectTimeout, boolean failFastUntilReached, String home) {
  /** Settings that fail fast on an unreachable cluster until it was reached, and follow the leader. */
  public ClientOptions(Duration callTimeout, Duration attemptTimeout, Duration initialBackoff,
                       Duration maxBackoff, Duration connectTimeout) {
    this(callTimeout, attemptTimeout, initialBackoff, maxBackoff, connectTimeout, true, null);
  }

  public ClientOptions {
    if (home != null && home.isBlank()) home = null;
  }

  public static ClientOptions defaults() {
    return new ClientOptions(Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMillis(10),
        Duration.ofMillis(500), Duration.ofMillis(500));
  }

  public ClientOptions withCallTimeout(Duration d) {
    return new ClientOptions(d, attemptTimeout, initialBackoff, maxBackoff, connectTimeout, failFastUntilReached, home);
  }

  public ClientOptions withAttemptTimeout(Duration d) {
    return new ClientOptions(callTimeout, d, initialBackoff, maxBackoff, connectTimeout, failFastUntilReached, home);
  }

  /** These settings with {@link #failFastUntilReached} {@code on}. */
  public ClientOptions withFailFastUntilReached(boolean on) {
    return new ClientOptions(callTimeout, attemptTimeout, initialBackoff, maxBackoff, connectTimeout, on, home);
  }

  /** These settings bound to {@code home} ({@link #home}; null: follow the leader). */
  public ClientOptions withHome(String h) {
    return new ClientOptions(callTimeout, attemptTimeout, initialBackoff, maxBackoff, connectTimeout, failFastUntilReached, h);
  }
}

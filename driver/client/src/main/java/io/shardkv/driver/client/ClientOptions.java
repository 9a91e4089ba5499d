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
 */
public record ClientOptions(Duration callTimeout, Duration attemptTimeout, Duration initialBackoff,
                            Duration maxBackoff, Duration connectTimeout) {
  public static ClientOptions defaults() {
    return new ClientOptions(Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMillis(10),
        Duration.ofMillis(500), Duration.ofMillis(500));
  }

  public ClientOptions withCallTimeout(Duration d) {
    return new ClientOptions(d, attemptTimeout, initialBackoff, maxBackoff, connectTimeout);
  }

  public ClientOptions withAttemptTimeout(Duration d) {
    return new ClientOptions(callTimeout, d, initialBackoff, maxBackoff, connectTimeout);
  }
}

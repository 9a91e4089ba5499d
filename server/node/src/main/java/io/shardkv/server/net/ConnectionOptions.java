package io.shardkv.server.net;

import io.shardkv.driver.protocol.Wire;
import java.time.Duration;

/**
 * Per-connection limits.
 *
 * @param maxPayloadBytes largest payload accepted from the peer; a larger length prefix is rejected
 *     before any allocation (FRAME_TOO_LARGE)
 * @param pauseReadsAboveBytes when the write queue holds more than this, the connection stops
 *     reading (the peer's requests back up in TCP) until the queue drains to half of it
 * @param writeQueueLimitBytes {@link Connection#send} refuses a frame that would take the queue
 *     above this (a single frame is always accepted into an empty queue)
 * @param idleTimeout close when nothing was received for this long (half-open or silent peers);
 *     {@link Duration#ZERO} disables
 * @param frameTimeout close when a frame started arriving but is still incomplete after this long
 *     (slow or stalled senders); {@link Duration#ZERO} disables
 * @param connectTimeout for outgoing connections, give up connecting after this long
 * @param closeLinger after a protocol error, how long the error reply may take to flush before the
 *     connection is closed anyway
 */
public record ConnectionOptions(
    int maxPayloadBytes,
    long pauseReadsAboveBytes,
    long writeQueueLimitBytes,
    Duration idleTimeout,
    Duration frameTimeout,
    Duration connectTimeout,
    Duration closeLinger) {

  /** Defaults for a server's client and peer connections. */
  public static final ConnectionOptions DEFAULT = new ConnectionOptions(
      Wire.DEFAULT_MAX_PAYLOAD_BYTES, 4L << 20, 64L << 20,
      Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(3), Duration.ofSeconds(1));

  public ConnectionOptions {
    if (maxPayloadBytes < 0 || pauseReadsAboveBytes <= 0 || writeQueueLimitBytes <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
    if (idleTimeout.isNegative() || frameTimeout.isNegative() || connectTimeout.isNegative()
        || closeLinger.isNegative()) {
      throw new IllegalArgumentException("durations must not be negative");
    }
  }

  public ConnectionOptions withIdleTimeout(Duration d) {
    return new ConnectionOptions(maxPayloadBytes, pauseReadsAboveBytes, writeQueueLimitBytes, d,
        frameTimeout, connectTimeout, closeLinger);
  }

  public ConnectionOptions withFrameTimeout(Duration d) {
    return new ConnectionOptions(maxPayloadBytes, pauseReadsAboveBytes, writeQueueLimitBytes,
        idleTimeout, d, connectTimeout, closeLinger);
  }

  public ConnectionOptions withMaxPayloadBytes(int n) {
    return new ConnectionOptions(n, pauseReadsAboveBytes, writeQueueLimitBytes, idleTimeout,
        frameTimeout, connectTimeout, closeLinger);
  }

  public ConnectionOptions withWriteQueue(long pauseReadsAbove, long limit) {
    return new ConnectionOptions(maxPayloadBytes, pauseReadsAbove, limit, idleTimeout, frameTimeout,
        connectTimeout, closeLinger);
  }

  public ConnectionOptions withConnectTimeout(Duration d) {
    return new ConnectionOptions(maxPayloadBytes, pauseReadsAboveBytes, writeQueueLimitBytes,
        idleTimeout, frameTimeout, d, closeLinger);
  }
}

package io.shardkv.chaos.clock;

/** Which {@link Clocks} a testbed uses. */
public enum ClockMode {
  /** {@link #FAKE} if any host shares the control node's kernel (the lab), else {@link #REAL}. */
  AUTO,
  /** libfaketime under every server ({@link FakeClocks}); the hosts' real clocks are never touched. */
  FAKE,
  /** Step the hosts' real clocks ({@link RealClocks}); refused for hosts on the control node's kernel. */
  REAL
}

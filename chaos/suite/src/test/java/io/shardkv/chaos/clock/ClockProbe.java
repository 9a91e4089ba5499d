package io.shardkv.chaos.clock;

/**
 * Prints {@code System.currentTimeMillis()} and {@code System.nanoTime()} every 50 ms, one line
 * each ({@code WALL_MS MONO_NS}), the given number of times: the two clocks a ShardKV server reads
 * (wall for logs, monotonic for its timers), seen from inside a JVM started like a server.
 */
public final class ClockProbe {
  private ClockProbe() {}

  public static void main(String[] args) throws InterruptedException {
    int n = Integer.parseInt(args[0]);
    for (int i = 0; i < n; i++) {
      System.out.println(System.currentTimeMillis() + " " + System.nanoTime());
      System.out.flush();
      Thread.sleep(50);
    }
  }
}

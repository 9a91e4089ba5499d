package io.shardkv.server.sim;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A SHA-256 over the ordered stream of simulated events, each recorded as
 * {@code time|node|kind|contents}. Two runs have the same digest only if they saw the same events in
 * the same order with the same contents, so any divergence (a stray identity hash, a wall-clock read)
 * shows up as a different digest.
 *
 * <p>Also keeps the most recent event lines (all of them when {@code keepAll}) so a failing run can
 * dump what happened, and forwards every line to an optional live sink ({@code --trace}).
 */
public final class TraceDigest {
  private final MessageDigest sha;
  private final int keepLast;
  private final ArrayDeque<String> recent = new ArrayDeque<>();
  private final Consumer<String> live;
  private long events;
  private String finished;

  /**
   * @param keepLast how many recent lines to keep for a failure dump ({@code Integer.MAX_VALUE}: all)
   * @param live     receives every line as it is recorded, or {@code null}
   */
  public TraceDigest(int keepLast, Consumer<String> live) {
    try {
      this.sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
    this.keepLast = keepLast;
    this.live = live;
  }

  public TraceDigest() { this(2000, null); }

  /** Records one event. {@code node} is a name such as {@code "n3"} or {@code "net"}. */
  public void record(long time, String node, String kind, String contents) {
    if (finished != null) throw new IllegalStateException("digest already finished");
    String line = time + "|" + node + "|" + kind + "|" + contents;
    sha.update(line.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) '\n');
    events++;
    if (keepLast > 0) {
      if (recent.size() == keepLast) recent.pollFirst();
      recent.addLast(line);
    }
    if (live != null) live.accept(line);
  }

  /** Number of events recorded. */
  public long events() { return events; }

  /** The recent lines kept for a failure dump, oldest first. */
  public List<String> recentLines() { return new ArrayList<>(recent); }

  /** Finishes the digest (no more events) and returns it as lowercase hex; idempotent. */
  public String hex() {
    if (finished == null) {
      byte[] d = sha.digest();
      StringBuilder sb = new StringBuilder(d.length * 2);
      for (byte b : d) sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
      finished = sb.toString();
    }
    return finished;
  }
}

package io.shardkv.server.raft;

/**
 * The only source of randomness a {@link RaftNode} uses: it draws its randomized election timeout
 * from here (Raft paper §5.2). The simulator passes its seeded PRNG, the real server any PRNG; the
 * node never creates a {@code Random} of its own, so a seeded run replays exactly.
 */
@FunctionalInterface
public interface RandomSource {
  /** Returns a value in {@code [0, bound)}; {@code bound >= 1}. Must not throw. */
  int nextInt(int bound);
}

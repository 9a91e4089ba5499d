package io.shardkv.chaos.gen;

/**
 * A pure, time-aware source of operations (Jepsen's generator model). A generator is an immutable
 * value: {@link #next} never changes it, it returns the operation to perform together with the
 * generator that continues after it. The interpreter may ask the same generator several times (for
 * example when the op it got lies in the future and a completion arrives first) and must get the
 * same answer for the same context, which is what makes a campaign's schedule a function of its
 * seed. Randomness comes from a {@link Rng} held in the generator, never from a global source.
 *
 * <p>Combinators live in {@link Gen}.
 */
@FunctionalInterface
public interface Generator {
  /** What to do next in {@code ctx}: an op (and the rest), pending (and the rest), or done. */
  Step next(Context ctx);
}
